using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IntegrationHub.Applications;

/// <summary>
/// One spelling for equal JSON, so that a retry is recognised as the same submission however its client serialised it:
/// object keys in ordinal order, numbers by value (<c>1.50</c>, <c>1.5</c> and <c>15e-1</c> are one number), strings and
/// names escaped one way, no white space. In the spirit of RFC 8785, with decimal numbers instead of doubles.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Lowercase hex SHA-256 of the canonical text: the idempotency fingerprint of a body.</summary>
    public static string Fingerprint(JsonNode? node) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Write(node))));

    public static string Write(JsonNode? node)
    {
        var text = new StringBuilder();
        Append(text, node);
        return text.ToString();
    }

    private static void Append(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject json:
                text.Append('{');
                var first = true;
                foreach (var (name, value) in json.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(first ? "" : ",").Append(JsonSerializer.Serialize(name)).Append(':');
                    Append(text, value);
                    first = false;
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    text.Append(i == 0 ? "" : ",");
                    Append(text, array[i]);
                }

                text.Append(']');
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                // G29 drops trailing zeros, so the spelling follows the value. Numbers beyond decimal never get here (StrictJson).
                text.Append(decimal.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString("G29", CultureInfo.InvariantCulture));
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                text.Append(JsonSerializer.Serialize(value.GetValue<string>()));
                break;
            default:
                text.Append(node.ToJsonString());
                break;
        }
    }
}
