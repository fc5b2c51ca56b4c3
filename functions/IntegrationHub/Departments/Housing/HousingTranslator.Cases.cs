using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IntegrationHub.Departments.Housing;

/// <summary>Open API v2.3: files (upload, attachments), supplements and withdrawal.</summary>
internal static partial class HousingTranslator
{
    public const int MaxFileBytes = 10 * 1024 * 1024;
    public const string FilesPath = "api/v2/files";

    // The hub's material codes (round 4's catalog table) per item, and the bureau's type codes (v2.3, "Attach files").
    private static readonly DepartmentMaterials Materials = new(new Dictionary<string, (string, string)[]>
    {
        ["FG-001"] = [("incomeProof", "income_proof"), ("householdRegister", "household_register"), ("housingStatusStatement", "housing_status_statement")],
        ["FG-002"] = [("leaseContract", "lease_contract"), ("propertyCertificate", "property_certificate")],
        ["FG-005"] = [("incomeProof", "income_proof")],
    });

    /// <summary>The bureau's type_code for a hub material code of an item; a code the item does not take is a hub defect.</summary>
    public static string TypeCode(string itemCode, string hubCode) =>
        Materials.DepartmentCode(itemCode, hubCode)
            ?? throw new HousingFormatException("materials", $"item {itemCode} takes no material {hubCode}.");

    /// <summary>
    /// The type_code and the part's file name for an upload, after the checks the document states (type, 10 MiB):
    /// refused here, the file is never sent, since the bureau would answer 400 or 413 for it every time.
    /// </summary>
    // Assumption: the file part's name is the type code and the type's extension (income_proof.pdf): the document names
    // none, and the resident's own file name may be personal data.
    public static (string TypeCode, string FileName) ToUpload(string itemCode, MaterialFile file)
    {
        var typeCode = TypeCode(itemCode, file.Code);
        if (DepartmentMaterials.FileType(file.MediaType) is not { } extension)
        {
            throw new HousingFormatException("file", $"the bureau takes JPEG, PNG or PDF, not {file.MediaType}.");
        }

        return file.Content.Length is > 0 and <= MaxFileBytes
            ? (typeCode, $"{typeCode}.{extension}")
            : throw new HousingFormatException("file", $"must be 1 to {MaxFileBytes} bytes.");
    }

    /// <summary>The hub's codes for a webhook's <c>missing</c> (absent, null or empty: none); codes the hub does not know left out.</summary>
    public static IReadOnlyList<string> ToHubMaterials(JsonNode? missing) => missing switch
    {
        null => [],
        JsonArray codes => Materials.ToHub(codes.Select(code => code is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new HousingFormatException("missing", "must be a list of type codes."))),
        _ => throw new HousingFormatException("missing", "must be a list of type codes."),
    };

    // "attachments":[{"type_code","file_id"}].
    private static void Attachments(Utf8JsonWriter json, string itemCode, IReadOnlyList<MaterialReference> materials)
    {
        json.WriteStartArray("attachments");
        foreach (var material in materials)
        {
            json.WriteStartObject();
            json.WriteString("type_code", TypeCode(itemCode, material.Code));
            json.WriteString("file_id", NotBlank("file_id", material.DepartmentFileId));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>The body of <c>POST /applications/{ticket_no}/supplements</c>; attachments always there, empty when none.</summary>
    public static string ToSupplement(SupplementRequest supplement)
    {
        var (buffer, json) = WireWriter();
        json.WriteStartObject();
        json.WriteString("request_id", RequestId(supplement.RequestKey));
        json.WriteString("note", supplement.Note.Trim());
        Attachments(json, supplement.ItemCode, supplement.Materials);
        json.WriteEndObject();
        json.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The body of <c>POST /applications/{ticket_no}/withdrawal</c>.</summary>
    public static string ToWithdrawal(WithdrawalRequest withdrawal)
    {
        var (buffer, json) = WireWriter();
        json.WriteStartObject();
        json.WriteString("request_id", RequestId(withdrawal.RequestKey));
        json.WriteString("reason", withdrawal.Reason.Trim());
        json.WriteEndObject();
        json.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The answer to a file upload: Received with the file_id in <see cref="HandoffOutcome.CaseNumber"/>.</summary>
    public static HandoffOutcome ToUploadOutcome(int httpStatus, ReadOnlySpan<byte> body)
    {
        switch (httpStatus)
        {
            case 200 or 201:
                var answer = TryParseObject(body) ?? throw new HousingFormatException("body", "the bureau's answer is not a JSON object.");
                var fileId = Text(answer, "file_id") ?? throw new HousingFormatException("file_id", "is missing from the bureau's answer.");
                return new HandoffOutcome(HandoffOutcomeKind.Received, httpStatus == 201 ? "created" : "existing", CaseNumber: fileId);
            case 400:
                var error = TryParseObject(body);
                return new HandoffOutcome(HandoffOutcomeKind.Invalid, Text(error, "error") ?? "HTTP 400",
                    ValidationDetails(error) ?? "The bureau refused the file (400).");
            case 413:
                return new HandoffOutcome(HandoffOutcomeKind.Invalid, "HTTP 413", "The file is larger than the bureau takes (10 MiB).");
            default:
                return Refused(httpStatus, body);
        }
    }

    /// <summary>
    /// The answer to a supplement or withdrawal: 202 (or 200 for a repeated request_id) is Received; a 409 is the case's
    /// state (not_awaiting_supplement, already_decided): Conflict, final for this request, never a failed hand-off.
    /// </summary>
    public static HandoffOutcome ToCaseOutcome(int httpStatus, ReadOnlySpan<byte> body, string ticket)
    {
        switch (httpStatus)
        {
            case 200 or 202:
                var answer = TryParseObject(body) ?? throw new HousingFormatException("body", "the bureau's answer is not a JSON object.");
                var status = Text(answer, "status") ?? throw new HousingFormatException("status", "is missing from the bureau's answer.");
                return new HandoffOutcome(HandoffOutcomeKind.Received, status, CaseNumber: Text(answer, "ticket_no") ?? ticket);

            // Assumption: every 409 here is about the case's state, whatever its error says: the document gives no other.
            case 409:
                var conflict = TryParseObject(body);
                return new HandoffOutcome(HandoffOutcomeKind.Conflict, Text(conflict, "error") ?? "HTTP 409", Text(conflict, "message"), ticket);
            case 400:
                var error = TryParseObject(body);
                return new HandoffOutcome(HandoffOutcomeKind.Invalid, Text(error, "error") ?? "HTTP 400",
                    ValidationDetails(error) ?? "The bureau refused the request (400).");

            // Assumption: an unknown ticket is a hub defect (it sends only tickets the bureau gave): permanent.
            case 404:
                return new HandoffOutcome(HandoffOutcomeKind.Invalid, Text(TryParseObject(body), "error") ?? "HTTP 404",
                    "The bureau does not know this ticket.");
            default:
                return Refused(httpStatus, body);
        }
    }

    private static HandoffOutcome Refused(int httpStatus, ReadOnlySpan<byte> body) => httpStatus == 401
        ? new HandoffOutcome(HandoffOutcomeKind.ConfigurationFault, Text(TryParseObject(body), "error") ?? "HTTP 401",
            "The bureau refused a freshly issued token too: the client may not be authorised for this API.")
        : DepartmentTransport.UnexpectedStatus(httpStatus, payload: null);

    // Assumption: the hub's request key is the request_id when it fits (1-64 characters), else its SHA-256 in hex
    // (64 characters): the same on every retry and replay, as the bureau's idempotency needs.
    private static string RequestId(string requestKey) =>
        requestKey.Length is > 0 and <= MaxRequestId
            ? requestKey
            : requestKey.Length > MaxRequestId
                ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requestKey)))
                : throw new HousingFormatException("request_id", "must not be empty.");
}
