namespace IntegrationHub.Applications;

/// <summary>The city's masks for personal data (PIPL): ID <c>3203**********1234</c>, name <c>张*</c>, phone <c>138****1234</c>.</summary>
public static class Masking
{
    public static string IdNumber(string? value) =>
        value is { Length: > 8 } ? string.Concat(value.AsSpan(0, 4), new string('*', value.Length - 8), value.AsSpan(value.Length - 4)) : Stars(value);

    public static string Name(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        // A rare character outside the BMP is two UTF-16 units: keep it whole.
        var first = char.IsHighSurrogate(value[0]) && value.Length > 1 ? 2 : 1;
        var rest = new System.Globalization.StringInfo(value[first..]).LengthInTextElements;
        return string.Concat(value.AsSpan(0, first), new string('*', Math.Max(rest, 1)));
    }

    public static string Phone(string? value) =>
        value is { Length: 11 } ? string.Concat(value.AsSpan(0, 3), "****", value.AsSpan(7)) : Stars(value);

    public static string Address(string? value) =>
        value is { Length: > 6 } ? string.Concat(value.AsSpan(0, 6), "****") : Stars(value);

    private static string Stars(string? value) => value is null ? "" : new string('*', value.Length);
}
