using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>Interface v2.2: materials (upload, CLLB), supplement (BZTJ) and withdrawal (CHSQ).</summary>
internal static partial class PublicSecurityTranslator
{
    public const int MaxMaterialBytes = 5_242_880;
    public const string MaterialCodeHeader = "X-CLBM";
    private const int MaxNoteLength = 200;

    // The hub's material codes (round 4's catalog table) per item, and the bureau's (v2.2, "Reference materials").
    private static readonly DepartmentMaterials Materials = new(new Dictionary<string, (string, string)[]>
    {
        ["GA-001"] = [("leaseContract", "ZLHT")],
        ["GA-002"] = [("employmentProof", "JYZM"), ("studyProof", "JXZM"), ("residenceProof", "ZSZM")],
        ["GA-006"] = [("propertyCertificate", "FCZM"), ("leaseContract", "ZLHT")],
    });

    /// <summary>The bureau's CLBM for a hub material code of an item; a code the item does not take is a hub defect.</summary>
    public static string MaterialCode(string itemCode, string hubCode) =>
        Materials.DepartmentCode(itemCode, hubCode)
            ?? throw new PublicSecurityFormatException($"Item {itemCode} takes no material {hubCode}.");

    /// <summary>
    /// The CLBM for an upload, after the checks the document states: type and size. Refused here, the file is never
    /// sent: the bureau would answer 2005 or 2006 for it, and a retry cannot change that.
    /// </summary>
    public static string MaterialCode(string itemCode, MaterialFile file)
    {
        var code = MaterialCode(itemCode, file.Code);
        if (DepartmentMaterials.FileType(file.MediaType) is null)
        {
            throw new PublicSecurityFormatException($"The bureau takes JPEG, PNG or PDF, not {file.MediaType}.");
        }

        return file.Content.Length is > 0 and <= MaxMaterialBytes
            ? code
            : throw new PublicSecurityFormatException($"A material must be 1 to {MaxMaterialBytes} bytes.");
    }

    /// <summary>The hub's codes for the bureau's BZCL (comma-separated, may be empty); codes the hub does not know left out.</summary>
    public static IReadOnlyList<string> ToHubMaterials(string? bureauCodes) => Materials.ToHub(bureauCodes);

    // One CL per file, after SXXX (in an application) or BZSM (in a supplement); nothing when there are none.
    private static void MaterialList(RequestXml request, string itemCode, IReadOnlyList<MaterialReference> materials)
    {
        if (materials.Count == 0)
        {
            return;
        }

        request.Open("CLLB");
        foreach (var material in materials)
        {
            request.Open("CL")
                .Element("CLBM", MaterialCode(itemCode, material.Code))
                .Element("CLID", material.DepartmentFileId)
                .Close();
        }

        request.Close();
    }

    /// <summary>BZTJ: the resident's answer to a 补正, for the case <see cref="SupplementRequest.CaseNumber"/>.</summary>
    public static byte[] ToSupplement(SupplementRequest supplement, DateTimeOffset now)
    {
        var request = CaseRequest("BZTJ", supplement.RequestKey, supplement.CaseNumber, now)
            .Element("BZSM", Note(supplement.Note, "BZSM"));
        MaterialList(request, supplement.ItemCode, supplement.Materials);
        return Finish(request.Close().Close());
    }

    /// <summary>CHSQ: the resident's 撤回 of the case <see cref="WithdrawalRequest.CaseNumber"/>.</summary>
    public static byte[] ToWithdrawal(WithdrawalRequest withdrawal, DateTimeOffset now) =>
        Finish(CaseRequest("CHSQ", withdrawal.RequestKey, withdrawal.CaseNumber, now)
            .Element("CHYY", Note(withdrawal.Reason, "CHYY"))
            .Close().Close());

    /// <summary>The bureau's answer to a material upload: Received with the CLID in <see cref="HandoffOutcome.CaseNumber"/>.</summary>
    public static HandoffOutcome ToUploadOutcome(ReadOnlySpan<byte> body)
    {
        var root = Parse(body, "Response");
        var code = Value(root, "Code") ?? throw new PublicSecurityFormatException("The bureau's answer has no Code.");
        var outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, code, Value(root, "Message"));
        return code switch
        {
            "0000" => outcome with
            {
                Kind = HandoffOutcomeKind.Received,
                CaseNumber = Value(root, "CLID") ?? throw new PublicSecurityFormatException("Code 0000 without CLID."),
            },
            "1001" or "1002" or "1003" or "1004" => outcome with { Kind = HandoffOutcomeKind.ConfigurationFault },

            // 2005: not an allowed type, or not what Content-Type says; 2006: too large. Assumption: 2001-2003 (which
            // the document does not name for uploads) mean the request is wrong in the same permanent way.
            "2001" or "2002" or "2003" or "2005" or "2006" => outcome with { Kind = HandoffOutcomeKind.Invalid },

            // 9001 and codes the document does not list: try again later, as for applications.
            _ => outcome,
        };
    }

    /// <summary>
    /// The bureau's answer to BZTJ or CHSQ. 3002 is a state conflict (not waiting for a supplement; already decided or
    /// withdrawn): final for this request, never a failed hand-off.
    /// </summary>
    public static HandoffOutcome ToCaseOutcome(ReadOnlySpan<byte> body)
    {
        var root = Parse(body, "Response");
        var code = Value(root, "Code") ?? throw new PublicSecurityFormatException("The bureau's answer has no Code.");
        var outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, code, Value(root, "Message"), Value(root, "SLBH"));
        return code switch
        {
            // Assumption: 2004 (a repeated LSH) is this request taken before, as for applications.
            "0000" or "2004" => outcome with { Kind = HandoffOutcomeKind.Received },
            "3002" => outcome with { Kind = HandoffOutcomeKind.Conflict },
            "1001" or "1002" or "1003" or "1004" => outcome with { Kind = HandoffOutcomeKind.ConfigurationFault },

            // 2002: a code BZCL named is missing; 3003: an unknown SLBH (a hub defect: it sends only numbers the bureau gave).
            "2001" or "2002" or "2003" or "3003" => outcome with { Kind = HandoffOutcomeKind.Invalid },
            _ => outcome,
        };
    }

    /// <summary>
    /// A request key as an LSH: the hub's key when it already is one, else a fixed digest of it, so the bureau sees the
    /// same LSH on every retry and replay of the request.
    /// </summary>
    public static string Lsh(string requestKey) =>
        HandoffKeyPattern().IsMatch(requestKey) ? requestKey : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requestKey)))[..40];

    // Head as for an application; Body opened, with the case's SLBH.
    private static RequestXml CaseRequest(string businessType, string requestKey, string caseNumber, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(caseNumber))
        {
            throw new PublicSecurityFormatException("The case has no SLBH.");
        }

        var request = RequestXml.Start();
        request.Open("Request").Open("Head")
            .Element("YWLX", businessType)
            .Element("LSH", Lsh(requestKey))
            .Element("SQSJ", now.ToOffset(ChinaOffset).ToString(TimestampFormat, CultureInfo.InvariantCulture))
            .Element("SQQD", "SQPT")
            .Element("SSXQ", District(caseNumber))
            .Close()
            .Open("Body")
            .Element("SLBH", caseNumber);
        return request;
    }

    // Assumption: SSXQ of a supplement or withdrawal is the applicant's district as the bureau wrote it into the case
    // number (GA + the six-digit GB/T 2260 code, as in the document's GA3203022026112800001), so the hub need not keep
    // the district beside the case; a number of another shape falls back to the city, 320300 徐州市.
    private static string District(string caseNumber) =>
        CaseNumberPattern().Match(caseNumber) is { Success: true } match ? match.Groups[1].Value : "320300";

    // Assumption: BZSM is required and CHYY is sent too, each at most 200 characters (the document); the hub's API
    // bounds the text, so a longer one is a defect, and an empty one says so in the bureau's words instead of leaving
    // the element empty, which the bureau refuses.
    private static string Note(string text, string element)
    {
        var note = string.IsNullOrWhiteSpace(text) ? NoNote(element) : text.Trim();
        return note.Length <= MaxNoteLength ? note : throw new PublicSecurityFormatException($"{element} is longer than {MaxNoteLength} characters.");
    }

    private static string NoNote(string element) => element == "CHYY" ? "申请人撤回申请" : "已按要求补正材料";

    private static byte[] Finish(RequestXml request)
    {
        try
        {
            return request.ToBytes(Declaration, Gb18030);
        }
        catch (ArgumentException e)
        {
            throw new PublicSecurityFormatException("The request contains a character that XML in GB18030 cannot carry.", e);
        }
    }

    [GeneratedRegex("^GA([0-9]{6})")]
    private static partial Regex CaseNumberPattern();
}
