using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IntegrationHub.Http;

/// <summary>
/// A JSON number as the decimal its text spells (<c>1234.56</c> stays 1234.56, never a double on the way). Parsed from the
/// UTF-8 text the parser kept, so reading a number allocates nothing; a value built in code is read from its JSON text.
/// </summary>
internal static class JsonNumber
{
    /// <summary>The number <paramref name="value"/> holds, read as <c>decimal.TryParse(value.ToJsonString(), Float, invariant)</c> reads it.</summary>
    public static bool TryDecimal(JsonValue value, out decimal number) =>
        value.TryGetValue(out JsonElement element) && element.ValueKind == JsonValueKind.Number
            ? decimal.TryParse(JsonMarshal.GetRawUtf8Value(element), NumberStyles.Float, CultureInfo.InvariantCulture, out number)
            : decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
}
