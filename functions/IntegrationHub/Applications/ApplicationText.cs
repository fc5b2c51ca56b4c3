using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Http;

namespace IntegrationHub.Applications;

/// <summary>
/// The intake's rules for every text and number of an application, applied before the schemas see it, so that what is
/// accepted is what every department's format can carry (公安 XML in GB18030, 人社 JSON string body, 房管 JSON).
/// <list type="bullet">
/// <item>Any Unicode scalar value is kept exactly as sent, code point for code point: rare characters (CJK Extensions
/// B–G, 𠮷, 𪚥), the middle dot of minority names (·), compatibility ideographs. No normalisation form is applied: NFC
/// would replace a compatibility ideograph by its unified twin, and a resident's name must match the department's
/// record exactly.</item>
/// <item>White space (Unicode White_Space, the ideographic space U+3000 included) is trimmed from both ends of every
/// text; a text left empty, or of nothing but white space and invisible format characters, is refused.</item>
/// <item>Control characters (U+0000–U+001F, U+007F–U+009F), line breaks and tabs included, are refused: every field is one
/// line, and XML 1.0 cannot carry most of them. Noncharacters (U+FDD0–U+FDEF and U+xFFFE/U+xFFFF of every plane) are
/// refused: they are not characters a resident has, and XML cannot carry U+FFFE and U+FFFF.</item>
/// <item>Numbers must lie within ±10^12: no amount, area or count of any item comes near, and money in fen stays exact.</item>
/// </list>
/// </summary>
internal static class ApplicationText
{
    public const decimal MaxMagnitude = 1_000_000_000_000m;

    /// <summary>A copy of <paramref name="body"/> with every text trimmed, and the fields that break a rule, by path.</summary>
    public static (JsonObject Normalised, Dictionary<string, string[]> Errors) Normalise(JsonObject body)
    {
        var errors = new Dictionary<string, string[]>();
        var copy = (JsonObject)Copy(body, body, errors)!;
        return (copy, errors);
    }

    /// <summary>Why <paramref name="text"/> cannot be accepted as it is, or null; <paramref name="trimmed"/> is what is kept.</summary>
    public static string? Check(string text, out string trimmed)
    {
        trimmed = text;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
            {
                return "must not contain control characters (line breaks and tabs included): every field is one line of text.";
            }

            if (IsNoncharacter(rune.Value))
            {
                return $"must not contain U+{rune.Value.ToString("X4", CultureInfo.InvariantCulture)}, which is not a character.";
            }
        }

        trimmed = text.Trim();
        foreach (var rune in trimmed.EnumerateRunes())
        {
            if (!Rune.IsWhiteSpace(rune) && Rune.GetUnicodeCategory(rune) != UnicodeCategory.Format)
            {
                return null;
            }
        }

        return "must not be empty or only white space.";
    }

    // U+FDD0..U+FDEF, and the last two code points of each of the 17 planes.
    private static bool IsNoncharacter(int value) => value is >= 0xFDD0 and <= 0xFDEF || (value & 0xFFFE) == 0xFFFE;

    // The copy is made in the same walk that checks it, depth first in document order; a field's path is spelled only
    // when the field breaks a rule, so a valid body costs no path strings.
    private static JsonNode? Copy(JsonNode? node, JsonObject root, Dictionary<string, string[]> errors)
    {
        switch (node)
        {
            case JsonObject json:
                var copy = new JsonObject(json.Options);
                for (var i = 0; i < json.Count; i++)
                {
                    var (name, value) = json.GetAt(i);
                    copy.Add(name, Copy(value, root, errors));
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray(array.Options);
                for (var i = 0; i < array.Count; i++)
                {
                    items.Add(Copy(array[i], root, errors));
                }

                return items;
            case JsonValue text when text.GetValueKind() == JsonValueKind.String:
                var problem = Check(text.GetValue<string>(), out var trimmed);
                if (problem is not null)
                {
                    errors[StrictJson.PathOf(text, root)] = [problem];
                }

                return JsonValue.Create(trimmed);
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                if (!JsonNumber.TryDecimal(value, out var number) || Math.Abs(number) > MaxMagnitude)
                {
                    errors[StrictJson.PathOf(value, root)] = ["must lie between -10^12 and 10^12."];
                }

                return value.DeepClone();
            default:
                return node?.DeepClone();
        }
    }
}
