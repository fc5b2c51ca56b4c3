using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using IntegrationHub.Applications;

namespace IntegrationHub.Tests.Applications;

/// <summary>The fingerprint of a body is stored with its idempotency key: its spelling may never change.</summary>
public sealed class CanonicalJsonTests
{
    [Fact]
    public void Write_EqualJsonSpelledDifferently_IsOneText()
    {
        var a = JsonNode.Parse("""{"b":[1.50,"徐州 𠮷"],"a":{"y":true,"x":null},"c":15e-1}""");
        var b = JsonNode.Parse("""{"a":{"x":null,"y":true},"c":1.5,"b":[1.5,"\u5f90\u5dde \ud842\udfb7"]}""");

        Assert.Equal("""{"a":{"x":null,"y":true},"b":[1.5,"\u5F90\u5DDE \uD842\uDFB7"],"c":1.5}""", CanonicalJson.Write(a));
        Assert.Equal(CanonicalJson.Fingerprint(a), CanonicalJson.Fingerprint(b));
    }

    [Fact]
    public void Fingerprint_GeneratedBodies_IsWhatTheFirstImplementationStored()
    {
        // The first implementation, kept here as the reference: fingerprints already stored were made with it.
        IntakeTranslationPropertyTests.Applications.Sample(body =>
        {
            var (normalised, _) = ApplicationText.Normalise(body);
            foreach (var node in new JsonNode[] { body, normalised })
            {
                if (Reference.Readable(node))
                {
                    Assert.Equal(Reference.Write(node), CanonicalJson.Write(node));
                    Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Reference.Write(node)))), CanonicalJson.Fingerprint(node));
                }
            }
        }, iter: 1000);
    }

    private static class Reference
    {
        public static bool Readable(JsonNode node)
        {
            try
            {
                Write(node);
                return true;
            }
            catch (OverflowException)
            {
                return false; // a number beyond decimal, which StrictJson keeps from intake
            }
        }

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
}
