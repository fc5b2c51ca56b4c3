using System.Security.Cryptography;
using System.Text;

namespace IntegrationHub.Departments.SocialSecurity;

/// <summary>Gateway v3.1: materials (RS9101, CLLB), supplement (RS9102) and withdrawal (RS9103).</summary>
internal static partial class SocialSecurityTranslator
{
    public const int MaxMaterialBytes = 5_242_880;
    public const string UploadTrade = "RS9101";
    public const string SupplementTrade = "RS9102";
    public const string WithdrawalTrade = "RS9103";

    // The hub's material codes (round 4's catalog table) per item, and the gateway's (v3.1, "Reference materials").
    private static readonly DepartmentMaterials Materials = new(new Dictionary<string, (string, string)[]>
    {
        ["RS-002"] = [("certificationPhoto", "RZZP")],
        ["RS-004"] = [("labourContract", "LDHT"), ("contractEndProof", "JCZM")],
        ["RS-007"] = [("householdRegister", "HKB")],
        ["RS-008"] = [("educationCertificate", "XLZM")],
    });

    /// <summary>The gateway's CLBM for a hub material code of an item; a code the item does not take is a hub defect.</summary>
    public static string MaterialCode(string itemCode, string hubCode) =>
        Materials.DepartmentCode(itemCode, hubCode)
            ?? throw new SocialSecurityFormatException($"Item {itemCode} takes no material {hubCode}.");

    /// <summary>
    /// RS9101 for one file, after the checks the document states (type, 5,242,880 bytes): refused here, the file is
    /// never sent, since the gateway would answer 1005 or 1006 every time.
    /// </summary>
    // Assumption: the upload's trans_id is fixed by the code and the file's hash ("U" + 31 hex digits of SHA-256 over
    // both), so every retry, replay and instance sends the same logical request; the gateway's "same file and code, same
    // CLID" makes that safe.
    public static SocialSecurityRequest ToUpload(string itemCode, MaterialFile file)
    {
        var code = MaterialCode(itemCode, file.Code);
        if (DepartmentMaterials.FileType(file.MediaType) is not { } fileType)
        {
            throw new SocialSecurityFormatException($"The gateway takes JPEG, PNG or PDF, not {file.MediaType}.");
        }

        if (file.Content.Length is 0 or > MaxMaterialBytes)
        {
            throw new SocialSecurityFormatException($"A material must be 1 to {MaxMaterialBytes} bytes.");
        }

        var transId = "U" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{code}|{file.Sha256Hex}")))[..31];
        return new SocialSecurityRequest(UploadTrade, transId, StringObject(
        [
            ("CLBM", code),
            ("WJLX", fileType),
            ("WJHX", file.Sha256Hex),
            ("WJNR", Convert.ToBase64String(file.Content.Span)),
        ]));
    }

    /// <summary>RS9102: the resident's answer to a 补正.</summary>
    public static SocialSecurityRequest ToSupplement(SupplementRequest supplement) =>
        new(SupplementTrade, TransId(supplement.RequestKey), StringObject(
        [
            ("AAZ002", CaseNumber(supplement.CaseNumber)),
            ("BZSM", Text(supplement.Note, "已按要求补正材料")),
            ("CLLB", MaterialList(supplement.ItemCode, supplement.Materials)),
        ]));

    /// <summary>RS9103: the resident's 撤回.</summary>
    public static SocialSecurityRequest ToWithdrawal(WithdrawalRequest withdrawal) =>
        new(WithdrawalTrade, TransId(withdrawal.RequestKey), StringObject(
        [
            ("AAZ002", CaseNumber(withdrawal.CaseNumber)),
            ("CHYY", Text(withdrawal.Reason, "申请人撤回申请")),
        ]));

    /// <summary>The hub's codes for the gateway's BZCL (comma-separated, may be empty); codes the hub does not know left out.</summary>
    public static IReadOnlyList<string> ToHubMaterials(string? gatewayCodes) => Materials.ToHub(gatewayCodes);

    /// <summary>The answer to RS9101: Received with the CLID in <see cref="HandoffOutcome.CaseNumber"/>.</summary>
    public static HandoffOutcome ToUploadOutcome(SocialSecurityRequest request, SocialSecurityAnswer answer, TimeSpan maintenanceHold)
    {
        EnsureAnswers(request, answer);
        var outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, answer.RetCode, answer.RetMsg);
        return answer.RetCode switch
        {
            // Assumption: 2001 (a repeated trans_id) carries the original CLID, as it carries the original AAZ002.
            "0000" or "2001" => outcome with
            {
                Kind = HandoffOutcomeKind.Received,
                CaseNumber = answer.Body.GetValueOrDefault("CLID") ?? throw new SocialSecurityFormatException($"ret_code {answer.RetCode} without CLID."),
            },
            "1001" => outcome with { Kind = HandoffOutcomeKind.ConfigurationFault },

            // 1005: not an allowed type, not that type, or the hash does not match; 1006: too large.
            "1002" or "1003" or "1004" or "1005" or "1006" => outcome with { Kind = HandoffOutcomeKind.Invalid },
            "9003" => outcome with { Kind = HandoffOutcomeKind.Held, RetryAfter = maintenanceHold },
            _ => outcome,
        };
    }

    /// <summary>
    /// The answer to RS9102 or RS9103. 8003 (not waiting for a supplement) and 8004 (already decided or withdrawn) are the
    /// case's state: Conflict, final for this request, never a failed hand-off.
    /// </summary>
    public static HandoffOutcome ToCaseOutcome(SocialSecurityRequest request, SocialSecurityAnswer answer, TimeSpan maintenanceHold)
    {
        EnsureAnswers(request, answer);
        var outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, answer.RetCode, answer.RetMsg, answer.Body.GetValueOrDefault("AAZ002"));
        return answer.RetCode switch
        {
            "0000" or "2001" => outcome with { Kind = HandoffOutcomeKind.Received },
            "8003" or "8004" => outcome with { Kind = HandoffOutcomeKind.Conflict },
            "1001" => outcome with { Kind = HandoffOutcomeKind.ConfigurationFault },

            // 1002: a code BZCL named is missing.
            "1002" or "1003" or "1004" => outcome with { Kind = HandoffOutcomeKind.Invalid },
            "9003" => outcome with { Kind = HandoffOutcomeKind.Held, RetryAfter = maintenanceHold },
            _ => outcome,
        };
    }

    // "CLBM:CLID,CLBM:CLID"; null (the field omitted) when there are none.
    private static string? MaterialList(string itemCode, IReadOnlyList<MaterialReference> materials) =>
        materials.Count == 0
            ? null
            : string.Join(',', materials.Select(m => $"{MaterialCode(itemCode, m.Code)}:{NoSeparators(m.DepartmentFileId)}"));

    private static string NoSeparators(string fileId) =>
        fileId.Length > 0 && fileId.IndexOfAny([',', ':']) < 0 ? fileId : throw new SocialSecurityFormatException("A CLID is empty or holds , or :.");

    private static string CaseNumber(string caseNumber) =>
        string.IsNullOrWhiteSpace(caseNumber) ? throw new SocialSecurityFormatException("The case has no AAZ002.") : caseNumber;

    // Assumption: BZSM and CHYY are sent whenever the resident gave none (the document shows them, says nothing of
    // empty ones, and an optional field is omitted, never empty): in the gateway's words, not left out.
    private static string Text(string text, string none) => string.IsNullOrWhiteSpace(text) ? none : text.Trim();

    // Assumption: the hub's request key is the trans_id when it fits [A-Za-z0-9]{1,32}, else "K" + 31 hex digits of its
    // SHA-256: the same on every retry and replay.
    private static string TransId(string requestKey) =>
        TransIdPattern().IsMatch(requestKey) ? requestKey : "K" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(requestKey)))[..31];
}
