using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using FormReader = IntegrationHub.Departments.FormReader<IntegrationHub.Departments.Housing.HousingFormatException>;

namespace IntegrationHub.Departments.Housing;

/// <summary>
/// The canonical application and the bureau's JSON (房管 Open API v2), both ways. Pure: no I/O and no clock, so every
/// mapping is testable without a server.
/// </summary>
internal static class HousingTranslator
{
    public const string Department = "FG";
    public const string ContentType = "application/json";

    /// <summary>China Standard Time; no daylight saving, so a fixed offset is exact.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private const int MaxMembers = 10;
    private const int MaxRequestId = 64;
    private const int MaxEventId = 256;

    private static readonly FrozenDictionary<string, string> ServiceCodes = new Dictionary<string, string>
    {
        ["FG-001"] = "PRH_APPLY",
        ["FG-002"] = "LEASE_FILING",
        ["FG-003"] = "HOUSING_CERT",
        ["FG-004"] = "MAINT_FUND_QUERY",
        ["FG-005"] = "PRH_REVIEW",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, ApplicationStatus> WebhookStatuses = new Dictionary<string, ApplicationStatus>
    {
        ["accepted"] = ApplicationStatus.Accepted,
        ["rejected"] = ApplicationStatus.Rejected,
        ["supplement_required"] = ApplicationStatus.SupplementRequired,
        ["approved"] = ApplicationStatus.Approved,
        ["denied"] = ApplicationStatus.Denied,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Relations = new[] { "self", "spouse", "child", "parent", "other" }.ToFrozenSet(StringComparer.Ordinal);
    private static readonly FrozenSet<string> Purposes = new[] { "loan", "school", "subsidy", "other" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] LocalTimeFormats = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];
    private static readonly string[] OffsetTimeFormats =
        ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    // Chinese stays readable in the payload operators see; the body is JSON on the wire, never HTML.
    private static readonly JavaScriptEncoder WireEncoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _wire;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IReadOnlyCollection<string> ItemCodes => ServiceCodes.Keys;

    /// <summary>The service_code of an FG item, or null for an item this bureau does not handle.</summary>
    public static string? ServiceCode(string itemCode) => ServiceCodes.GetValueOrDefault(itemCode);

    /// <summary>The submit body: snake_case, in the document's field order, optional fields omitted (never null).</summary>
    public static string ToRequest(CanonicalApplication application)
    {
        var serviceCode = ServiceCode(application.ItemCode)
            ?? throw new HousingFormatException("itemCode", $"{application.ItemCode} is not a 房管 item.");
        // Assumption: request_id is the hub's hand-off key (the application id), the same on every attempt and replay.
        if (application.HandoffKey.Length is 0 or > MaxRequestId)
        {
            throw new HousingFormatException("request_id", $"must be 1-{MaxRequestId} characters.");
        }

        // Written as it is read, field by field in the document's order, into a buffer reused by this thread: the same
        // writer and escaping a JsonObject would use, without building one.
        var (buffer, json) = WireWriter();
        var applicant = application.Applicant;
        json.WriteStartObject();
        json.WriteString("request_id", application.HandoffKey);
        json.WriteString("service_code", serviceCode);
        json.WriteString("district_code", NotBlank("applicant.district", applicant.DistrictCode));

        // Assumption: submitted_at is when the resident submitted (the application's time, fixed across retries),
        // not the time of this attempt: the document names it so and gives it no freshness window.
        json.WriteString("submitted_at", Timestamp(application.SubmittedAt));
        json.WriteStartObject("applicant");
        json.WriteString("name", NotBlank("applicant.name", applicant.Name));
        json.WriteString("id_card_no", NotBlank("applicant.idNumber", applicant.IdNumber));
        json.WriteString("gender", Gender(applicant.SexCode));
        json.WriteString("mobile", NotBlank("applicant.phone", applicant.Phone));
        json.WriteString("ethnicity_code", NotBlank("applicant.ethnicity", applicant.EthnicityCode));
        json.WriteEndObject();
        json.WritePropertyName("payload");
        Payload(json, serviceCode, new FormReader(application.Form));
        json.WriteEndObject();
        json.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer) WireWriter()
    {
        var (buffer, writer) = _wire ??= (new ArrayBufferWriter<byte>(1024), new Utf8JsonWriter(Stream.Null, new JsonWriterOptions { Encoder = WireEncoder }));
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        return (buffer, writer);
    }

    /// <summary>ISO 8601 in China Standard Time, seconds precision: <c>2026-11-28T09:30:00+08:00</c>.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.ToOffset(ChinaOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    // GB/T 2261.1 → the bureau's two values. Assumption: 0 (unknown) and 9 (not stated) have no counterpart and are not
    // guessed: Invalid without a call. The hub derives the code from the ID number, so it is always 1 or 2 here.
    private static string Gender(string sexCode) => sexCode switch
    {
        "1" => "male",
        "2" => "female",
        _ => throw new HousingFormatException("applicant.sexCode", "the bureau knows only male (1) and female (2)."),
    };

    // Field order follows the document's table; optional fields are written only when they have a value.
    private static void Payload(Utf8JsonWriter json, string serviceCode, FormReader form)
    {
        switch (serviceCode)
        {
            case "PRH_APPLY":
                json.WriteStartObject();
                form.Members(json, "household_members", "householdMembers");
                json.WriteNumber("monthly_income_fen", form.Fen("monthlyIncomeYuan"));
                json.WriteNumber("current_housing_area_sqm", form.Sqm("currentHousingAreaSqm"));
                Optional(json, "employer", form.Optional("employer"));
                break;
            case "LEASE_FILING":
                json.WriteStartObject();
                LeaseFiling(json, form);
                break;
            case "HOUSING_CERT":
                json.WriteStartObject();
                json.WriteString("purpose", form.OneOf("purpose", Purposes));
                json.WriteBoolean("include_family", form.Boolean("includeFamily"));
                break;
            case "MAINT_FUND_QUERY":
                json.WriteStartObject();
                json.WriteString("house_code", form.Required("houseCode"));
                break;
            case "PRH_REVIEW":
                json.WriteStartObject();
                json.WriteString("contract_no", form.Required("contractNo"));
                json.WriteNumber("monthly_income_fen", form.Fen("monthlyIncomeYuan"));
                form.Members(json, "household_members", "householdMembers");
                Optional(json, "changes", form.Optional("changes"));
                break;
            default:
                throw new HousingFormatException("service_code", $"no payload table for {serviceCode}.");
        }

        json.WriteEndObject();
    }

    private static void LeaseFiling(Utf8JsonWriter json, FormReader form)
    {
        var landlord = form.Object("landlord");
        var (start, startText) = form.Day("leaseStart");
        var (end, endText) = form.Day("leaseEnd");

        // Assumption: a rule the document states is checked before sending, so a request it would refuse is never made.
        if (end <= start)
        {
            throw new HousingFormatException("form.leaseEnd", "must be after leaseStart (the bureau refuses it otherwise).");
        }

        json.WriteStartObject("landlord");
        json.WriteString("name", landlord.Required("name"));
        json.WriteString("id_card_no", landlord.Required("idNumber"));
        json.WriteEndObject();
        json.WriteString("property_cert_no", form.Required("propertyCertificateNo"));
        json.WriteString("address", form.Required("address"));
        json.WriteNumber("area_sqm", form.Sqm("areaSqm"));
        json.WriteNumber("monthly_rent_fen", form.Fen("monthlyRentYuan"));
        json.WriteString("lease_start", startText);
        json.WriteString("lease_end", endText);
    }

    // Null means "absent": the key is left out, because the bureau refuses null for an optional field.
    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string NotBlank(string field, string? value) =>
        string.IsNullOrWhiteSpace(value) ? throw new HousingFormatException(field, "is required.") : value;

    /// <summary>The bureau's synchronous answer to a submit, in the hub's terms (without Retry-After: that is the client's).</summary>
    public static HandoffOutcome ToOutcome(int httpStatus, ReadOnlySpan<byte> body)
    {
        switch (httpStatus)
        {
            case 200 or 202:
                return Answer(body);
            case 400:
            {
                var error = TryParseObject(body);
                return new HandoffOutcome(HandoffOutcomeKind.Invalid, DepartmentCode: Text(error, "error") ?? "HTTP 400",
                    DepartmentMessage: ValidationDetails(error) ?? "The bureau refused the request (400).");
            }

            case 409 when TryParseObject(body) is { } refusal && Text(refusal, "error") == "not_eligible":
                return new HandoffOutcome(HandoffOutcomeKind.Rejected, "not_eligible", Text(refusal, "message"), Status: ApplicationStatus.Rejected);
            case 401:
                // Only reaches here after the one renewal the document allows (see HousingAuthHandler).
                return new HandoffOutcome(HandoffOutcomeKind.ConfigurationFault, Text(TryParseObject(body), "error") ?? "HTTP 401",
                    "The bureau refused a freshly issued token too: the client may not be authorised for this API.");
            default:
                // 5xx, 408 and 429 are transient. Assumption: a status the document does not define (404, 403, 415, a 409
                // that is not not_eligible) means a wrong BaseUrl or a gateway refusing us, which only a configuration
                // change fixes.
                return DepartmentTransport.UnexpectedStatus(httpStatus, payload: null);
        }
    }

    // 202 received, 200 the same body again for a repeated request_id, or 200 completed with the instant result.
    private static HandoffOutcome Answer(ReadOnlySpan<byte> body)
    {
        var answer = TryParseObject(body) ?? throw new HousingFormatException("body", "the bureau's answer is not a JSON object.");
        var ticket = Text(answer, "ticket_no") ?? throw new HousingFormatException("ticket_no", "is missing from the bureau's answer.");
        return Text(answer, "status") switch
        {
            "received" => new HandoffOutcome(HandoffOutcomeKind.Received, "received", CaseNumber: ticket),

            // Assumption: an instant item's result is its decision and a result that was given is a request granted, so
            // "completed" maps to Approved (办结·准予). The result is passed on exactly as the bureau wrote it.
            "completed" => new HandoffOutcome(HandoffOutcomeKind.Completed, "completed", CaseNumber: ticket, Status: ApplicationStatus.Approved,
                Result: answer["result"] is JsonObject result
                    ? result.DeepClone().AsObject()
                    : throw new HousingFormatException("result", "a completed answer carries no result object.")),
            _ => throw new HousingFormatException("status", "the bureau's answer has no status received or completed."),
        };
    }

    private static string? ValidationDetails(JsonObject? error)
    {
        if (error?["details"] is not JsonArray details || details.Count == 0)
        {
            return Text(error, "message");
        }

        return string.Join("; ", details.Select(d => d is JsonObject detail
            ? $"{Text(detail, "field") ?? "?"}: {Text(detail, "message") ?? "invalid"}"
            : d?.ToJsonString() ?? "null"));
    }

    /// <summary>The <c>error</c> of a bureau error body (<c>invalid_token</c>, <c>not_eligible</c>…), or null.</summary>
    public static string? ErrorCode(ReadOnlySpan<byte> body) => Text(TryParseObject(body), "error");

    /// <summary>What an answer says in the bureau's words: its <c>error</c>, else its <c>status</c> (received, approved…), or null.</summary>
    public static string? CodeOf(ReadOnlySpan<byte> body) =>
        TryParseObject(body) is { } json ? Text(json, "error") ?? Text(json, "status") : null;

    /// <summary>A webhook, as a status report for the hub. Unknown fields are ignored; a missing or wrong one names itself.</summary>
    public static DepartmentStatusReport ToReport(ReadOnlySpan<byte> body)
    {
        // Assumption: fields the document does not list are ignored (the bureau may add some); event_id may be any
        // non-empty text up to 256 characters, the document's "uuid" being an example the hub does not depend on.
        var webhook = ParseObject(body);
        var eventId = RequiredText(webhook, "event_id");
        if (eventId.Length > MaxEventId)
        {
            throw new HousingFormatException("event_id", $"is longer than {MaxEventId} characters.");
        }

        var ticket = RequiredText(webhook, "ticket_no");
        var statusCode = RequiredText(webhook, "status");

        // An unknown status is refused (400) rather than guessed: the bureau keeps re-sending, and an operator sees it.
        if (!WebhookStatuses.TryGetValue(statusCode, out var status))
        {
            throw new HousingFormatException("status", "is not accepted, rejected, supplement_required, approved or denied.");
        }

        return new DepartmentStatusReport(
            Department,

            // Assumption: request_id and reason may be absent or null; the hub then matches by ticket_no.
            HandoffKey: OptionalText(webhook, "request_id"),
            CaseNumber: ticket,
            Status: status,
            Reason: OptionalText(webhook, "reason"),
            OccurredAt: RequiredTime(webhook, "occurred_at"),
            EventKey: eventId,
            DepartmentCode: statusCode);
    }

    /// <summary>
    /// The reconciliation answer (<c>GET /api/v2/applications/{ticket_no}</c>) as a report, or null while the case has no
    /// decision the hub could apply (received, or a status the webhooks do not use).
    /// </summary>
    public static DepartmentStatusReport? ToReconciledReport(ReadOnlySpan<byte> body, string deliveryKey, string caseNumber)
    {
        var answer = ParseObject(body);
        var statusCode = RequiredText(answer, "status");
        ApplicationStatus status;
        if (WebhookStatuses.TryGetValue(statusCode, out var known))
        {
            status = known;
        }
        else if (statusCode == "completed")
        {
            // Assumption: the same reading as the synchronous answer of an instant item.
            status = ApplicationStatus.Approved;
        }
        else
        {
            // Assumption: "received" and any status the document does not list (an in-progress stage) carry no decision.
            return null;
        }

        var ticket = OptionalText(answer, "ticket_no") ?? caseNumber;
        // Assumption: an answer about another ticket is a proxy or routing mix-up and must not move this application.
        if (ticket != caseNumber)
        {
            throw new HousingFormatException("ticket_no", "the bureau answered about another ticket.");
        }

        var updatedAt = RequiredText(answer, "updated_at");
        return new DepartmentStatusReport(
            Department,
            HandoffKey: OptionalText(answer, "request_id") ?? deliveryKey,
            CaseNumber: ticket,
            Status: status,
            Reason: OptionalText(answer, "reason"),
            OccurredAt: RequiredTime(answer, "updated_at"),

            // A webhook for the same change has its own event_id; the status model sees the equal status as a duplicate.
            EventKey: $"recon|{ticket}|{statusCode}|{updatedAt}",
            DepartmentCode: statusCode);
    }

    /// <summary>Bytes as UTF-8 text for operators; bytes that are not UTF-8 are shown as base64, never guessed.</summary>
    public static string? Describe(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            return StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return Convert.ToBase64String(body);
        }
    }

    // Strict: invalid UTF-8, a key twice, a lone surrogate escape or a number beyond decimal is a format error here,
    // not an exception when a field is read later. The error names the field, never its content.
    private static JsonObject ParseObject(ReadOnlySpan<byte> body) =>
        !StrictJson.TryParse(body, out var node, out var error)
            ? throw new HousingFormatException(error.Field, error.Message)
            : node as JsonObject ?? throw new HousingFormatException("body", "must be a JSON object.");

    /// <summary>The body as a JSON object, or null when it is empty, not JSON, or not an object.</summary>
    public static JsonObject? TryParseObject(ReadOnlySpan<byte> body)
    {
        try
        {
            return body.IsEmpty ? null : ParseObject(body);
        }
        catch (HousingFormatException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject? json, string name) =>
        json?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string RequiredText(JsonObject json, string name) => json[name] switch
    {
        null => throw new HousingFormatException(name, "is required."),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetValue<string>())
            ? throw new HousingFormatException(name, "must not be empty.")
            : value.GetValue<string>(),
        _ => throw new HousingFormatException(name, "must be a string."),
    };

    private static string? OptionalText(JsonObject json, string name) => json[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>() is { } text && !string.IsNullOrWhiteSpace(text) ? text : null,
        _ => throw new HousingFormatException(name, "must be a string."),
    };

    private static DateTimeOffset RequiredTime(JsonObject json, string name) =>
        ParseTime(RequiredText(json, name)) ?? throw new HousingFormatException(name, "is not an ISO 8601 date-time (2026-11-29T10:15:00+08:00).");

    /// <summary>ISO 8601 with an offset or Z. Assumption: a time without an offset is China Standard Time (the document's rule).</summary>
    public static DateTimeOffset? ParseTime(string text)
    {
        if (DateTime.TryParseExact(text, LocalTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return new DateTimeOffset(local, ChinaOffset);
        }

        return DateTimeOffset.TryParseExact(text, OffsetTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
    }

    private static string OneOf(this FormReader form, string field, FrozenSet<string> allowed)
    {
        var value = form.Required(field);
        return allowed.Contains(value) ? value : throw form.Fault(field, "is not in the bureau's code table.");
    }

    // Yuan with at most two decimals → whole fen, in decimal arithmetic: 0.07 yuan is 7 fen, never 7.000000000000001.
    private static long Fen(this FormReader form, string field)
    {
        var fen = form.Number(field) * 100m;
        if (fen != decimal.Truncate(fen))
        {
            throw form.Fault(field, "has more than two decimals (the bureau counts whole fen).");
        }

        return fen <= long.MaxValue ? decimal.ToInt64(fen) : throw form.Fault(field, "is too large.");
    }

    // Square metres with at most two decimals (the document); sent as a JSON number.
    private static decimal Sqm(this FormReader form, string field)
    {
        var area = form.Number(field);
        var rounded = decimal.Round(area, 2);
        return rounded == area ? rounded : throw form.Fault(field, "has more than two decimals.");
    }

    // The bureau's dates are the form's (yyyy-MM-dd); the date itself is kept for the lease's order check.
    private static (DateOnly Date, string Text) Day(this FormReader form, string field)
    {
        var date = form.Date(field);
        return (date, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    private static void Members(this FormReader form, Utf8JsonWriter json, string name, string field)
    {
        var members = form.Objects(field, 1, MaxMembers);
        json.WriteStartArray(name);
        var selves = 0;
        foreach (var member in members)
        {
            json.WriteStartObject();
            json.WriteString("name", member.Required("name"));
            json.WriteString("id_card_no", member.Required("idNumber"));
            var relation = member.OneOf("relation", Relations);
            json.WriteString("relation", relation);
            json.WriteEndObject();
            selves += relation == "self" ? 1 : 0;
        }

        json.WriteEndArray();

        // Assumption: as for the lease dates, the document's "exactly one self" is checked before sending.
        if (selves != 1)
        {
            throw form.Fault(field, "needs exactly one member whose relation is self.");
        }
    }
}
