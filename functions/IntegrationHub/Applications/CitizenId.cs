using System.Globalization;

namespace IntegrationHub.Applications;

/// <summary>
/// GB 11643-1999 citizen ID numbers. The address code is deliberately not checked against today's
/// division list: it records where the number was first issued.
/// </summary>
internal static class CitizenId
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>Checks an ID number and derives the GB/T 2261.1 sex code and the birth date from it.</summary>
    public static bool TryParse(string? value, out string sexCode, out DateOnly birthDate, out string error)
    {
        sexCode = "0";
        birthDate = default;
        if (value is null || value.Length != 18 || !value.AsSpan(0, 17).ContainsOnlyDigits() || !(char.IsAsciiDigit(value[17]) || value[17] == 'X'))
        {
            error = "must be 18 characters: 17 digits and a check digit or X.";
            return false;
        }

        if (CheckCharacter(value.AsSpan(0, 17)) != value[17])
        {
            error = "fails the GB 11643 check digit.";
            return false;
        }

        if (!DateOnly.TryParseExact(value.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out birthDate)
            || birthDate.Year < 1900)
        {
            error = "holds no valid birth date.";
            return false;
        }

        sexCode = (value[16] - '0') % 2 == 1 ? "1" : "2";
        error = "";
        return true;
    }

    public static bool IsValid(string? value) => TryParse(value, out _, out _, out _);

    /// <summary>The GB 11643 check character of the first 17 digits.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (digits[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }
}

file static class SpanExtensions
{
    public static bool ContainsOnlyDigits(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
