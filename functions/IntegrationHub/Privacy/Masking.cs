using System.Text;

namespace IntegrationHub.Privacy;

/// <summary>
/// The city's masks for personal data (PIPL): ID <c>3203**********1234</c>, name <c>张*</c>, phone <c>138****1234</c>.
/// Every mask counts Unicode scalar values, not UTF-16 units, so a rare character outside the BMP (𠮷, 𪚥) is kept
/// or hidden whole and a mask never splits a surrogate pair.
/// </summary>
internal static class Masking
{
    public static string IdNumber(string? value) => KeepEnds(value, 4, 4);

    public static string Name(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var runes = Runes(value);
        return runes.Length == 1 ? "*" : string.Concat(runes[0].ToString(), new string('*', runes.Length - 1));
    }

    public static string Phone(string? value) => Runes(value) is { Length: 11 } ? KeepEnds(value, 3, 4) : Stars(value);

    public static string Address(string? value)
    {
        var runes = Runes(value);
        return runes.Length > 6 ? string.Concat(string.Concat(runes[..6]), "****") : Stars(value);
    }

    /// <summary>Any other identifying number (certificates, contracts, cards): first and last two characters.</summary>
    public static string Number(string? value) => KeepEnds(value, 2, 2);

    private static string KeepEnds(string? value, int head, int tail)
    {
        var runes = Runes(value);
        if (runes.Length <= head + tail)
        {
            return Stars(value);
        }

        return string.Concat(string.Concat(runes[..head]), new string('*', runes.Length - head - tail), string.Concat(runes[^tail..]));
    }

    private static string Stars(string? value) => value is null ? "" : new string('*', Runes(value).Length);

    // A lone surrogate (which intake refuses, but a department may send) counts as one replacement character.
    private static Rune[] Runes(string? value) => value is null ? [] : [.. value.EnumerateRunes()];
}
