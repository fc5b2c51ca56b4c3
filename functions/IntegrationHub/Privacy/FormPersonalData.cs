using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using IntegrationHub.Catalog;

namespace IntegrationHub.Privacy;

/// <summary>
/// The canonical application's personal fields, declared in the form schemas (Catalog/Forms/*.schema.json) by an
/// <c>x-personal</c> annotation on each field that carries personal data, naming its kind (<c>name</c>,
/// <c>id-number</c>, <c>phone</c>, <c>address</c>, <c>number</c>, <c>text</c>). Read once at start; an unknown kind stops it.
/// </summary>
internal sealed partial class FormPersonalData
{
    public const string Annotation = "x-personal";

    private readonly FrozenDictionary<string, Declared> _forms;

    public FormPersonalData(ServiceCatalog catalog)
    {
        Applicant = Read("applicant", catalog.ApplicantSchema);
        _forms = catalog.Entries
            .Where(e => e.FormSchema.HasValue)
            .ToFrozenDictionary(e => e.Item.Code, e => Read(e.Item.Code, e.FormSchema!.Value), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The applicant part's personal fields (<c>name</c>, <c>idNumber</c>, <c>phone</c>).</summary>
    public Declared Applicant { get; }

    /// <summary>An item's form's personal fields; none for an item without a form.</summary>
    public Declared Form(string itemCode) => _forms.GetValueOrDefault(itemCode) ?? Declared.None;

    private static Declared Read(string code, JsonElement schema)
    {
        var paths = new Dictionary<string, PersonalKind>(StringComparer.Ordinal);
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(code, schema, "", paths, titles);
        return new Declared(new PersonalJson(paths), titles.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static void Walk(string code, JsonElement schema, string path, Dictionary<string, PersonalKind> paths, Dictionary<string, string> titles)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty(Annotation, out var annotation))
        {
            if (annotation.ValueKind != JsonValueKind.String || !PersonalKinds.TryParse(annotation.GetString()!, out var kind) || path.Length == 0)
            {
                throw new InvalidOperationException(
                    $"Form schema {code}: '{path}' has {Annotation} {annotation.GetRawText()}; use one of {string.Join(", ", PersonalKinds.AnnotationValues)} on a field.");
            }

            paths[path] = kind;
            titles[path] = schema.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String ? title.GetString()! : path;
        }

        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                Walk(code, property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", paths, titles);
            }
        }

        if (schema.TryGetProperty("items", out var items))
        {
            Walk(code, items, path + "[]", paths, titles);
        }
    }

    /// <summary>One part's declaration and the schema titles of its personal fields, for operators.</summary>
    public sealed record Declared(PersonalJson Fields, FrozenDictionary<string, string> Titles)
    {
        public static Declared None { get; } = new(PersonalJson.Empty, FrozenDictionary<string, string>.Empty);

        /// <summary>The title of a concrete path (<c>tenants[1].name</c> → 承租人姓名 (2)).</summary>
        public string Title(string path)
        {
            var title = Titles.GetValueOrDefault(ArrayIndex().Replace(path, "[]")) ?? path;
            var index = ArrayIndex().Match(path);
            return index.Success ? $"{title} ({int.Parse(index.Groups[1].Value, CultureInfo.InvariantCulture) + 1})" : title;
        }
    }

    [GeneratedRegex(@"\[([0-9]+)\]")]
    private static partial Regex ArrayIndex();
}
