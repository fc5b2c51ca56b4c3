using System.Text.RegularExpressions;

namespace IntegrationHub.Privacy;

/// <summary>What kind of personal data a field carries; the kind decides the mask (Applications/Masking).</summary>
internal enum PersonalKind
{
    /// <summary>A person's name: <c>张*</c>.</summary>
    Name,

    /// <summary>A citizen ID number: <c>3203**********1234</c>.</summary>
    IdNumber,

    /// <summary>A phone number: <c>138****1234</c>.</summary>
    Phone,

    /// <summary>An address: the first six characters, then <c>****</c>.</summary>
    Address,

    /// <summary>A certificate, card, contract or other identifying number (a birth date too): first and last two characters.</summary>
    Number,

    /// <summary>Free text a resident wrote (a note, an employer): hidden whole, since a name can sit anywhere in it.</summary>
    Text,
}

/// <summary>One personal value found in a document, at its concrete path (<c>tenants[1].name</c>).</summary>
internal sealed record PersonalValue(string Path, PersonalKind Kind, string Value);

internal static partial class PersonalKinds
{
    /// <summary>The <c>x-personal</c> annotation values of the form schemas, one per kind.</summary>
    private static readonly Dictionary<string, PersonalKind> Annotations = new(StringComparer.Ordinal)
    {
        ["name"] = PersonalKind.Name,
        ["id-number"] = PersonalKind.IdNumber,
        ["phone"] = PersonalKind.Phone,
        ["address"] = PersonalKind.Address,
        ["number"] = PersonalKind.Number,
        ["text"] = PersonalKind.Text,
    };

    public static IReadOnlyCollection<string> AnnotationValues => Annotations.Keys;

    public static bool TryParse(string annotation, out PersonalKind kind) => Annotations.TryGetValue(annotation, out kind);

    public static string Mask(this PersonalKind kind, string value) => kind switch
    {
        PersonalKind.Name => Masking.Name(value),
        PersonalKind.IdNumber => Masking.IdNumber(value),
        PersonalKind.Phone => Masking.Phone(value),
        PersonalKind.Address => Masking.Address(value),
        PersonalKind.Number => Masking.Number(value),
        _ => "****",
    };

    /// <summary>
    /// The safety net for text nobody declared (a department's message, an error detail): anything shaped like an ID
    /// number or a mobile number is masked. Declarations do the real work; this catches a bureau quoting a value back.
    /// </summary>
    public static string MaskShapes(string text) =>
        PhoneShape().Replace(IdShape().Replace(text, m => Masking.IdNumber(m.Value)), m => Masking.Phone(m.Value));

    [GeneratedRegex(@"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")]
    private static partial Regex IdShape();

    [GeneratedRegex(@"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")]
    private static partial Regex PhoneShape();
}
