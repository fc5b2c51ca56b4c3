using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Http;

namespace IntegrationHub.Applications;

/// <summary>
/// One spelling for equal JSON, so that a retry is recognised as the same submission however its client serialised it:
/// object keys in ordinal order, numbers by value (<c>1.50</c>, <c>1.5</c> and <c>15e-1</c> are one number), strings and
/// names escaped one way, no white space. In the spirit of RFC 8785, with decimal numbers instead of doubles.
/// </summary>
internal static class CanonicalJson
{
    // Stored fingerprints were made with this spelling: strings and names escaped as JsonSerializer's defaults escape them.
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _cached;

    /// <summary>Lowercase hex SHA-256 of the canonical text: the idempotency fingerprint of a body.</summary>
    public static string Fingerprint(JsonNode? node)
    {
        var (buffer, writer) = Written(node);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    public static string Write(JsonNode? node) => Encoding.UTF8.GetString(Written(node).Buffer.WrittenSpan);

    // One buffer and writer per thread, reused: the text is hashed where it was written, never copied into a string.
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer) Written(JsonNode? node)
    {
        var (buffer, writer) = _cached ??= (new ArrayBufferWriter<byte>(1024), new Utf8JsonWriter(Stream.Null));
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        Append(writer, node);
        writer.Flush();
        return (buffer, writer);
    }

    private static void Append(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject json:
                var properties = new KeyValuePair<string, JsonNode?>[json.Count];
                for (var i = 0; i < properties.Length; i++)
                {
                    properties[i] = json.GetAt(i);
                }

                Array.Sort(properties, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                writer.WriteStartObject();
                foreach (var (name, value) in properties)
                {
                    writer.WritePropertyName(name);
                    Append(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                for (var i = 0; i < array.Count; i++)
                {
                    Append(writer, array[i]);
                }

                writer.WriteEndArray();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                // G29 drops trailing zeros, so the spelling follows the value. Numbers beyond decimal never get here (StrictJson).
                var number = JsonNumber.TryDecimal(value, out var read)
                    ? read
                    : decimal.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture); // throws, as it always did

                Span<byte> digits = stackalloc byte[64];
                number.TryFormat(digits, out var length, "G29", CultureInfo.InvariantCulture);
                writer.WriteRawValue(digits[..length], skipInputValidation: true);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                writer.WriteStringValue(value.GetValue<string>());
                break;
            default:
                writer.WriteRawValue(node.ToJsonString(), skipInputValidation: true);
                break;
        }
    }
}
