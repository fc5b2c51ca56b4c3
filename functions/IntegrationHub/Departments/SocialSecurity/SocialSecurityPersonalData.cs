using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Privacy;

namespace IntegrationHub.Departments.SocialSecurity;

/// <summary>
/// The personal fields of the gateway's body string (v3 and v3.1 indicator codes), decided field by field, for requests,
/// answers and the instant results the adapter passes on (flat objects of the same codes). Not personal: AAC004, AAC005,
/// AAB301, AAE140, AAC009, JFDC, RZFS, RZSJ, QSNY, ZZNY, DJLX, DJRQ, SYYY, CBND, RYLB, JFJS, KSNY, PXXM, AAC011, the case
/// number AAZ002, BLZT, BJSJ, GSZT, material codes and ids (CLLB, CLBM, CLID, WJLX, WJHX), and the head (trade_code,
/// trans_id, org_code, timestamp, sign, ret_code). The bureau's texts (ret_msg, BLYJ) get the safety net.
/// </summary>
internal sealed class SocialSecurityPersonalData : IDepartmentPersonalData
{
    private static readonly PersonalJson Body = new(new Dictionary<string, PersonalKind>
    {
        ["AAC002"] = PersonalKind.IdNumber,
        ["AAC003"] = PersonalKind.Name,

        // Assumption: the birth date is masked like a number: it is the middle of the ID number that the ID mask hides.
        ["AAC006"] = PersonalKind.Number,
        ["AAE005"] = PersonalKind.Phone,
        ["AAE006"] = PersonalKind.Address,
        ["AAC001"] = PersonalKind.Number,
        ["AAZ500"] = PersonalKind.Number,
        ["RZPZ"] = PersonalKind.Number,
        ["ZMBH"] = PersonalKind.Number,

        // The verification code opens the certificate to anyone who holds it with ZMBH.
        ["YZM"] = PersonalKind.Number,

        // Assumption: an employer's name, a supplement note and a withdrawal reason are the resident's own words, which may
        // name anyone, and WJNR is a whole uploaded file (an ID card scan, a contract): hidden whole.
        ["AAB004"] = PersonalKind.Text,
        ["BZSM"] = PersonalKind.Text,
        ["CHYY"] = PersonalKind.Text,
        ["WJNR"] = PersonalKind.Text,
    });

    // The envelope may carry the body as the documented string or, leniently read, as an object.
    private static readonly PersonalJson Envelope = Body.Under("body");

    public string Department => SocialSecurityTranslator.Department;

    public PersonalJson Result => Body;

    public static IReadOnlyDictionary<string, PersonalKind> Fields => Body.Paths;

    public string? MaskPayload(string payload)
    {
        JsonNode? envelope;
        try
        {
            envelope = PersonalJson.Parse(payload);
        }
        catch (JsonException)
        {
            return null;
        }

        if (envelope is not JsonObject head || Envelope.Mask(head) is not JsonObject masked)
        {
            return null;
        }

        if (head["body"] is JsonValue body && body.GetValueKind() == JsonValueKind.String)
        {
            var text = body.GetValue<string>();
            if (string.IsNullOrWhiteSpace(text))
            {
                masked["body"] = text;
            }
            else if (Body.MaskText(text) is { } maskedBody)
            {
                masked["body"] = maskedBody;
            }
            else
            {
                return null;
            }
        }

        return masked.ToJsonString(PayloadJson.Options);
    }

    /// <summary>The personal values of a body string.</summary>
    public static IReadOnlyList<PersonalValue> Values(string body) => Body.Values(PersonalJson.Parse(body));
}
