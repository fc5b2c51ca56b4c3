using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IntegrationHub.Applications;
using IntegrationHub.Departments;

namespace IntegrationHub.Delivery;

/// <summary>
/// Masks the personal data of one application wherever it appears in a department payload: every
/// name, ID number, phone and address the application carries is replaced by its mask, and anything
/// shaped like an ID number or a mobile number is masked as well.
/// </summary>
public static partial class PayloadMasker
{
    private static readonly string[] NameFields = ["name", "landlordName"];
    private static readonly string[] IdFields = ["idNumber", "landlordIdNumber"];
    private static readonly string[] PhoneFields = ["phone"];
    private static readonly string[] AddressFields = ["currentAddress", "address", "propertyAddress"];

    public static string? Mask(string? payload, CanonicalApplication application)
    {
        if (payload is null)
        {
            return null;
        }

        var values = new List<(string Value, string Mask)>
        {
            (application.Applicant.IdNumber, Masking.IdNumber(application.Applicant.IdNumber)),
            (application.Applicant.Phone, Masking.Phone(application.Applicant.Phone)),
            (application.Applicant.Name, Masking.Name(application.Applicant.Name)),
        };
        Collect(application.Form, values);
        foreach (var (value, mask) in values.Where(v => v.Value.Length > 0).OrderByDescending(v => v.Value.Length))
        {
            // A value may sit in JSON as itself, JSON-escaped, or escaped twice (人社's body is a JSON string in JSON).
            var once = Escape(value);
            var twice = Escape(once);
            payload = payload.Replace(twice, Escape(Escape(mask)), StringComparison.Ordinal)
                .Replace(once, Escape(mask), StringComparison.Ordinal)
                .Replace(value, mask, StringComparison.Ordinal);
        }

        payload = IdShape().Replace(payload, m => Masking.IdNumber(m.Value));
        return PhoneShape().Replace(payload, m => Masking.Phone(m.Value));
    }

    private static void Collect(JsonNode? node, List<(string, string)> values)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (child is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                    {
                        var text = v.GetValue<string>();
                        if (NameFields.Contains(key))
                        {
                            values.Add((text, Masking.Name(text)));
                        }
                        else if (IdFields.Contains(key))
                        {
                            values.Add((text, Masking.IdNumber(text)));
                        }
                        else if (PhoneFields.Contains(key))
                        {
                            values.Add((text, Masking.Phone(text)));
                        }
                        else if (AddressFields.Contains(key))
                        {
                            values.Add((text, Masking.Address(text)));
                        }
                    }
                    else
                    {
                        Collect(child, values);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, values);
                }

                break;
        }
    }

    private static string Escape(string value) =>
        JsonEncodedText.Encode(value, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();

    [GeneratedRegex(@"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")]
    private static partial Regex IdShape();

    [GeneratedRegex(@"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")]
    private static partial Regex PhoneShape();
}
