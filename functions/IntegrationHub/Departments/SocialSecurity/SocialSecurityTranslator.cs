using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IntegrationHub.Contracts;
using FormReader = IntegrationHub.Departments.FormReader<IntegrationHub.Departments.SocialSecurity.SocialSecurityFormatException>;

namespace IntegrationHub.Departments.SocialSecurity;

/// <summary>One gateway request before signing: the trade, its idempotency key, and the body string exactly as it is sent and signed.</summary>
internal sealed record SocialSecurityRequest(string TradeCode, string TransId, string Body);

/// <summary>The gateway's answer: its head, and the fields of its body string.</summary>
internal sealed record SocialSecurityAnswer(string RetCode, string? RetMsg, string? TransId, IReadOnlyDictionary<string, string> Body);

/// <summary>
/// The canonical application and the gateway's JSON envelope (人社 business gateway v3), both ways. Pure: no I/O and
/// no clock, so every mapping is testable without a server.
/// </summary>
internal static partial class SocialSecurityTranslator
{
    public const string Department = "RS";
    public const string ContentType = "application/json; charset=utf-8";
    public const string QueryTrade = "RS9001";
    public const string TimestampFormat = "yyyyMMddHHmmss";
    private const string DateFormat = "yyyyMMdd";
    private const string MonthFormat = "yyyyMM";

    /// <summary>China Standard Time; no daylight saving, so a fixed offset is exact.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private static readonly FrozenDictionary<string, string> TradeCodes = new Dictionary<string, string>
    {
        ["RS-001"] = "RS1001",
        ["RS-002"] = "RS2001",
        ["RS-003"] = "RS3001",
        ["RS-004"] = "RS4001",
        ["RS-005"] = "RS5001",
        ["RS-006"] = "RS6001",
        ["RS-007"] = "RS7001",
        ["RS-008"] = "RS8001",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    // The instant items' results, by the names the document gives them.
    private static readonly FrozenDictionary<string, string[]> InstantResults = new Dictionary<string, string[]>
    {
        ["RS3001"] = ["ZMBH", "YZM"],
        ["RS5001"] = ["GSZT"],
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, ApplicationStatus> Decisions = new Dictionary<string, ApplicationStatus>
    {
        ["1"] = ApplicationStatus.Approved,
        ["2"] = ApplicationStatus.Denied,
        ["3"] = ApplicationStatus.SupplementRequired,
    }.ToFrozenDictionary();

    // What AppendString must look at one character at a time (with surrogates): quote, backslash, control characters.
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    [ThreadStatic]
    private static List<(string Name, string? Value)>? _fields;

    [ThreadStatic]
    private static StringBuilder? _builder;

    public static IReadOnlyCollection<string> ItemCodes => TradeCodes.Keys;

    /// <summary>The trade code of an RS item, or null for an item this bureau does not handle.</summary>
    public static string? TradeCode(string itemCode) => TradeCodes.GetValueOrDefault(itemCode);

    public static SocialSecurityRequest ToRequest(CanonicalApplication application)
    {
        var tradeCode = TradeCode(application.ItemCode)
            ?? throw new SocialSecurityFormatException($"Item {application.ItemCode} is not a 人社 item.");
        if (!TransIdPattern().IsMatch(application.HandoffKey))
        {
            throw new SocialSecurityFormatException("The hand-off key is not a valid trans_id (1-32 characters [A-Za-z0-9]).");
        }

        var applicant = application.Applicant;
        var form = new FormReader(application.Form);

        // Every field is read before any is written, so a form defect is reported before an empty field, as always.
        var fields = _fields ??= new List<(string Name, string? Value)>(16);
        fields.Clear();
        switch (tradeCode)
        {
            case "RS1001":
                Person(fields, applicant, form);
                fields.Add(("AAE140", "170"));
                fields.Add(("AAC009", form.Required("hukouType")));
                fields.Add(("JFDC", form.WholeNumber("contributionLevel")));
                break;
            case "RS2001":
                Certification(fields, applicant, form);
                break;
            case "RS3001":
                Certificate(fields, applicant, form);
                break;
            case "RS4001":
                Registration(fields, applicant, form);
                break;
            case "RS5001":
                fields.Add(("AAC002", applicant.IdNumber));
                fields.Add(("AAC003", applicant.Name));
                fields.Add(("AAZ500", form.Required("cardNo")));
                break;
            case "RS6001":
                Person(fields, applicant, form);
                fields.Add(("AAE140", "390"));
                fields.Add(("CBND", form.Year("year")));
                fields.Add(("RYLB", form.Required("category")));
                break;
            case "RS7001":
                Person(fields, applicant, form);
                fields.Add(("AAE140", form.Codes("insuranceTypes")));
                fields.Add(("JFJS", form.WholeNumber("contributionBaseYuan")));
                fields.Add(("KSNY", form.Month("startMonth")));
                break;
            case "RS8001":
                fields.Add(("AAC002", applicant.IdNumber));
                fields.Add(("AAC003", applicant.Name));
                fields.Add(("AAE005", applicant.Phone));
                fields.Add(("PXXM", form.Required("courseCode")));
                fields.Add(("AAC011", form.Required("education")));
                break;
            default:
                throw new SocialSecurityFormatException($"No field table for trade {tradeCode}.");
        }

        return new SocialSecurityRequest(tradeCode, application.HandoffKey, StringObject(CollectionsMarshal.AsSpan(fields)));
    }

    /// <summary>The decision query for one case, under its own trans_id.</summary>
    public static SocialSecurityRequest ToQuery(string caseNumber, string transId) =>
        TransIdPattern().IsMatch(transId)
            ? new SocialSecurityRequest(QueryTrade, transId, StringObject([("AAZ002", caseNumber)]))
            : throw new SocialSecurityFormatException("A query trans_id must be 1-32 characters [A-Za-z0-9].");

    // Assumption: field order follows the document's tables; the gateway's parser may be order-sensitive even if the document does not say.
    private static void Person(List<(string Name, string? Value)> fields, Applicant applicant, FormReader form)
    {
        fields.Add(("AAC002", applicant.IdNumber));
        fields.Add(("AAC003", applicant.Name));
        fields.Add(("AAC004", applicant.SexCode));
        fields.Add(("AAC005", applicant.EthnicityCode));
        fields.Add(("AAC006", applicant.BirthDate.ToString(DateFormat, CultureInfo.InvariantCulture)));
        fields.Add(("AAE005", applicant.Phone));
        fields.Add(("AAE006", form.Required("address")));
        fields.Add(("AAB301", applicant.DistrictCode));
    }

    private static void Certification(List<(string Name, string? Value)> fields, Applicant applicant, FormReader form)
    {
        var method = form.Required("method");
        fields.Add(("AAC002", applicant.IdNumber));
        fields.Add(("AAC003", applicant.Name));
        fields.Add(("AAC001", form.Optional("personalNo")));
        fields.Add(("RZFS", method));
        fields.Add(("RZSJ", form.Timestamp("certifiedAt")));

        // Assumption: RZPZ is sent only with face recognition (RZFS=1), the one method the document ties it to.
        fields.Add(("RZPZ", method == "1" ? form.Required("evidenceRef") : null));
    }

    private static void Certificate(List<(string Name, string? Value)> fields, Applicant applicant, FormReader form)
    {
        var start = form.Month("startMonth");
        var end = form.Month("endMonth");

        // The document's rule (start ≤ end) the form schema cannot express: refused here rather than by the gateway.
        if (string.CompareOrdinal(start, end) > 0)
        {
            throw new SocialSecurityFormatException("QSNY (startMonth) is after ZZNY (endMonth).");
        }

        fields.Add(("AAC002", applicant.IdNumber));
        fields.Add(("AAC003", applicant.Name));
        fields.Add(("AAE140", form.Codes("insuranceTypes")));
        fields.Add(("QSNY", start));
        fields.Add(("ZZNY", end));
    }

    private static void Registration(List<(string Name, string? Value)> fields, Applicant applicant, FormReader form)
    {
        var type = form.Required("registrationType");
        fields.Add(("AAC002", applicant.IdNumber));
        fields.Add(("AAC003", applicant.Name));
        fields.Add(("AAE005", applicant.Phone));
        fields.Add(("DJLX", type));

        // Assumption: the employer goes only with an employment registration and the reason only with an
        // unemployment one, the cases where the document requires them; neither means anything in the other.
        fields.Add(("AAB004", type == "1" ? form.Required("employerName") : null));
        fields.Add(("DJRQ", form.GatewayDate("registrationDate")));
        fields.Add(("SYYY", type == "2" ? form.Required("unemploymentReason") : null));
    }

    // Assumption: no whitespace, literal UTF-8, only quote, backslash and control characters escaped (the document's example).
    /// <summary>
    /// A JSON object whose every value is a string; a null value is an omitted optional field. Written by hand
    /// because this text is signed and read by a legacy parser: every character is ours to choose, so text stays
    /// literal UTF-8 as in the document's example (System.Text.Json would escape characters outside the BMP, which
    /// a rare name needs), and only what RFC 8259 requires is escaped.
    /// </summary>
    public static string StringObject(ReadOnlySpan<(string Name, string? Value)> fields)
    {
        var json = Builder();
        AppendObject(json, fields);
        return json.ToString();
    }

    /// <summary>The envelope as sent: the head in the document's order, then the body string.</summary>
    public static string Envelope(SocialSecurityRequest request, string orgCode, string timestamp, string sign)
    {
        var json = Builder().Append("{\"head\":");
        AppendObject(json,
        [
            ("trade_code", request.TradeCode),
            ("trans_id", request.TransId),
            ("org_code", orgCode),
            ("timestamp", timestamp),
            ("sign", sign),
        ]);
        json.Append(",\"body\":");
        AppendString(json, request.Body);
        return json.Append('}').ToString();
    }

    // One builder per thread, reused: each text is built start to finish on one thread, and only the result is a new string.
    private static StringBuilder Builder() => (_builder ??= new StringBuilder(1024)).Clear();

    private static void AppendObject(StringBuilder json, ReadOnlySpan<(string Name, string? Value)> fields)
    {
        var start = json.Append('{').Length;
        foreach (var (name, value) in fields)
        {
            if (value is null)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                throw new SocialSecurityFormatException($"Field {name} would be empty; the gateway wants an optional field omitted, never empty.");
            }

            if (json.Length > start)
            {
                json.Append(',');
            }

            AppendString(json, name);
            json.Append(':');
            AppendString(json, value);
        }

        json.Append('}');
    }

    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');

        // Most texts need no escape and hold no surrogate: appended whole; the loop below is the rule for the rest.
        if (!value.AsSpan().ContainsAny(NeedsEscape) && !value.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            json.Append(value).Append('"');
            return;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                    json.Append("\\\"");
                    break;
                case '\\':
                    json.Append("\\\\");
                    break;
                case '\n':
                    json.Append("\\n");
                    break;
                case '\r':
                    json.Append("\\r");
                    break;
                case '\t':
                    json.Append("\\t");
                    break;
                case < ' ':
                    json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                case var high when char.IsHighSurrogate(high) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]):
                    json.Append(high).Append(value[++i]);
                    break;
                case var lone when char.IsSurrogate(lone):
                    // UTF-8 cannot carry it: the signature would be over bytes the gateway never sees.
                    throw new SocialSecurityFormatException("The application contains a broken character (a lone UTF-16 surrogate).");
                default:
                    json.Append(c);
                    break;
            }
        }

        json.Append('"');
    }

    /// <summary>Reads the gateway's answer envelope; anything else is a format error.</summary>
    public static SocialSecurityAnswer ParseAnswer(string text)
    {
        try
        {
            return ReadAnswer(text);
        }
        catch (InvalidOperationException e)
        {
            // A string the gateway escaped as a lone surrogate ("\ud800") parses, and only fails when read.
            throw new SocialSecurityFormatException("The answer holds text that is not Unicode (a lone surrogate escape).", e);
        }
    }

    private static SocialSecurityAnswer ReadAnswer(string text)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            // JsonException texts may quote the offending characters: position only.
            throw new SocialSecurityFormatException($"The answer is not JSON (line {e.LineNumber}, byte {e.BytePositionInLine}).", e);
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("head", out var head) || head.ValueKind != JsonValueKind.Object)
        {
            throw new SocialSecurityFormatException("The answer has no head object.");
        }

        var retCode = Text(head, "ret_code") ?? throw new SocialSecurityFormatException("The answer has no ret_code.");
        return new SocialSecurityAnswer(retCode, Text(head, "ret_msg"), Text(head, "trans_id"), AnswerBody(root));
    }

    /// <summary>True for a well-formed 9001 (busy) or 9002 (internal timeout): the answers worth retrying at once.</summary>
    public static bool IsBusy(string text) => RetCodeOf(text) is "9001" or "9002";

    /// <summary>The ret_code of a well-formed answer, or null.</summary>
    public static string? RetCodeOf(string text)
    {
        try
        {
            return text.Length == 0 ? null : ParseAnswer(text).RetCode;
        }
        catch (SocialSecurityFormatException)
        {
            return null;
        }
    }

    /// <summary>The ret_code of a well-formed answer in UTF-8 bytes, or null.</summary>
    public static string? RetCodeOf(byte[] body)
    {
        try
        {
            return RetCodeOf(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The gateway's answer to a delivery, in the hub's terms. <paramref name="maintenanceHold"/> is how long a 9003 holds.</summary>
    public static HandoffOutcome ToOutcome(SocialSecurityRequest request, SocialSecurityAnswer answer, TimeSpan maintenanceHold)
    {
        EnsureAnswers(request, answer);
        var caseNumber = answer.Body.GetValueOrDefault("AAZ002");
        var outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, answer.RetCode, answer.RetMsg, caseNumber);
        return answer.RetCode switch
        {
            // 2001 is the gateway's idempotency at work (a retry after a lost answer): the case already exists.
            // Assumption: a 2001 for an instant item is Received too (no result): the first answer's result cannot be recovered.
            "0000" or "2001" => outcome with
            {
                Kind = HandoffOutcomeKind.Received,
                CaseNumber = caseNumber ?? throw new SocialSecurityFormatException($"ret_code {answer.RetCode} without AAZ002."),
            },

            // Assumption: an instant item's 0001 is its final decision and a result that was given is a request
            // granted, so it maps to Approved (办结·准予) whatever GSZT says; the result is passed on as given.
            "0001" => outcome with
            {
                Kind = HandoffOutcomeKind.Completed,
                Status = ApplicationStatus.Approved,
                Result = InstantResult(request.TradeCode, answer.Body),
            },
            "1001" => outcome with { Kind = HandoffOutcomeKind.ConfigurationFault },
            "1002" or "1003" or "1004" => outcome with { Kind = HandoffOutcomeKind.Invalid },
            "8001" or "8002" => outcome with { Kind = HandoffOutcomeKind.Rejected, Status = ApplicationStatus.Rejected },
            "9003" => outcome with { Kind = HandoffOutcomeKind.Held, RetryAfter = maintenanceHold },

            // 9001 and 9002 are transient by definition. Assumption: a code the document does not list is treated the
            // same way, so a new gateway code delays an application (visible to operators) instead of failing it for good.
            _ => outcome,
        };
    }

    /// <summary>
    /// The gateway's answer to RS9001, as a status query result. A decided case becomes a report; in progress is no
    /// news; busy and maintenance say when to ask again; a permanent refusal is no news at the usual interval.
    /// </summary>
    public static StatusQueryResult ToStatus(
        string deliveryKey, string caseNumber, SocialSecurityRequest query, SocialSecurityAnswer answer, TimeSpan maintenanceHold, TimeSpan busyWait)
    {
        EnsureAnswers(query, answer);
        return answer.RetCode switch
        {
            // Assumption: the document names no ret_code for a decision answer; 0000 (and 0001, a result) both carry one.
            "0000" or "0001" => new StatusQueryResult(Decision(deliveryKey, caseNumber, answer), DepartmentCode: answer.RetCode),
            "9003" => new StatusQueryResult(null, maintenanceHold, answer.RetCode),
            // Assumption: a permanent refusal of a query is no news at the usual interval (the client logs it as an
            // error); the case is not failed, since the application itself was received.
            "1001" or "1002" or "1003" or "1004" or "2001" or "8001" or "8002" => new StatusQueryResult(null, DepartmentCode: answer.RetCode),

            // Assumption: 9001 (busy, or asked too soon), 9002 and, as for deliveries, any code the document does not
            // list mean "ask again after the minimum query interval".
            _ => new StatusQueryResult(null, busyWait, answer.RetCode),
        };
    }

    private static DepartmentStatusReport? Decision(string deliveryKey, string caseNumber, SocialSecurityAnswer answer)
    {
        if (answer.Body.GetValueOrDefault("AAZ002") is { } answered && answered != caseNumber)
        {
            throw new SocialSecurityFormatException("The RS9001 answer is about another AAZ002.");
        }

        var state = answer.Body.GetValueOrDefault("BLZT") ?? throw new SocialSecurityFormatException("The RS9001 answer has no BLZT.");
        if (state == "0")
        {
            return null;
        }

        // Assumption: an unknown BLZT is not guessed: the answer is malformed, the case is asked about again, and an
        // operator sees the warning.
        if (!Decisions.TryGetValue(state, out var status))
        {
            throw new SocialSecurityFormatException($"The RS9001 answer has an unknown BLZT {state}.");
        }

        // Assumption: a decided case (BLZT 1-3) always carries BJSJ; without it there is no time to put on the report.
        var time = answer.Body.GetValueOrDefault("BJSJ") ?? throw new SocialSecurityFormatException($"BLZT {state} without BJSJ.");
        if (!DateTime.TryParseExact(time, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            throw new SocialSecurityFormatException("BJSJ is not yyyyMMddHHmmss.");
        }

        return new DepartmentStatusReport(
            Department,
            HandoffKey: deliveryKey,
            CaseNumber: caseNumber,
            Status: status,
            Reason: answer.Body.GetValueOrDefault("BLYJ"),
            OccurredAt: new DateTimeOffset(local, ChinaOffset),
            EventKey: $"{caseNumber}|{state}|{time}",
            DepartmentCode: state);
    }

    // Assumption: an answer echoing another trans_id belongs to another request (a proxy or gateway fault) and is
    // malformed; an answer echoing none is accepted.
    private static void EnsureAnswers(SocialSecurityRequest request, SocialSecurityAnswer answer)
    {
        if (answer.TransId is { } echoed && echoed != request.TransId)
        {
            throw new SocialSecurityFormatException("The answer carries another trans_id.");
        }
    }

    private static JsonObject InstantResult(string tradeCode, IReadOnlyDictionary<string, string> body)
    {
        // Assumption: a 0001 for a trade the document does not call instant passes its whole body (less AAZ002) on.
        var fields = InstantResults.GetValueOrDefault(tradeCode) ?? [.. body.Keys.Where(k => k != "AAZ002")];
        var result = new JsonObject();
        foreach (var field in fields)
        {
            result[field] = body.TryGetValue(field, out var value)
                ? value
                : throw new SocialSecurityFormatException($"ret_code 0001 for {tradeCode} without {field}.");
        }

        return result;
    }

    // Assumption: answers are read leniently: body may be the documented string, an object, empty or absent, and a
    // value that is not a string is kept as its JSON text; an empty value counts as absent.
    private static Dictionary<string, string> AnswerBody(JsonElement root)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("body", out var body) || body.ValueKind == JsonValueKind.Null)
        {
            return fields;
        }

        if (body.ValueKind == JsonValueKind.String)
        {
            var text = body.GetString()!;
            if (string.IsNullOrWhiteSpace(text))
            {
                return fields;
            }

            try
            {
                using var inner = JsonDocument.Parse(text);
                body = inner.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new SocialSecurityFormatException($"The answer's body string is not JSON (byte {e.BytePositionInLine}).", e);
            }
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new SocialSecurityFormatException("The answer's body is not a JSON object.");
        }

        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Null => null,
                _ => property.Value.GetRawText(),
            };
            if (!string.IsNullOrEmpty(value))
            {
                fields[property.Name] = value;
            }
        }

        return fields;
    }

    private static string? Text(JsonElement head, string name) =>
        head.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } is { Length: > 0 } text
            ? text
            : null;

    [GeneratedRegex("^[A-Za-z0-9]{1,32}$")]
    private static partial Regex TransIdPattern();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial Regex Rfc3339Pattern();

    // The gateway's dates are yyyyMMdd and its months yyyyMM; the form's are yyyy-MM-dd and yyyy-MM.
    private static string GatewayDate(this FormReader form, string field) =>
        form.Date(field).ToString(DateFormat, CultureInfo.InvariantCulture);

    private static string Month(this FormReader form, string field) =>
        form.Date(field, "yyyy-MM").ToString(MonthFormat, CultureInfo.InvariantCulture);

    // RFC 3339 only: a time without an offset would be read in the server's own time zone.
    // Assumption: fractions of a second are dropped (yyyyMMddHHmmss has no place for them), not rounded.
    private static string Timestamp(this FormReader form, string field)
    {
        var value = form.Required(field);
        return Rfc3339Pattern().IsMatch(value)
            && DateTimeOffset.TryParse(value.ToUpperInvariant(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToOffset(ChinaOffset).ToString(TimestampFormat, CultureInfo.InvariantCulture)
            : throw form.Fault(field, "is not an RFC 3339 date-time with an offset.");
    }

    private static string Year(this FormReader form, string field) =>
        form.WholeNumber(field) is { Length: 4 } year
            ? year
            : throw form.Fault(field, "is not a four-digit year.");

    // Assumption: the codes are joined in the order the resident chose them, with no spaces.
    private static string Codes(this FormReader form, string field) =>
        form[field] is JsonArray { Count: > 0 } codes
            ? string.Join(',', codes.Select(code => code is JsonValue value && value.GetValueKind() == JsonValueKind.String
                && value.GetValue<string>() is { Length: > 0 } text && !text.Contains(',', StringComparison.Ordinal)
                ? text
                : throw form.Fault(field, "holds an item that is not a code.")))
            : throw form.Fault(field, "is not a non-empty list of codes.");
}
