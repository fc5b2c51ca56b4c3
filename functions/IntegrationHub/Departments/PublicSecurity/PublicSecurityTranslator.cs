using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using IntegrationHub.Contracts;
using FormReader = IntegrationHub.Departments.FormReader<IntegrationHub.Departments.PublicSecurity.PublicSecurityFormatException>;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>
/// The canonical application and the bureau's GB18030 XML (interface v2.1), both ways. Pure: no I/O and no
/// clock, so every mapping is testable without a server.
/// </summary>
internal static partial class PublicSecurityTranslator
{
    public const string Department = "GA";
    public const string ContentType = "application/xml; charset=GB18030";

    // The document's declaration, spelled as it spells it: XmlWriter would write the WebName "gb18030", and a
    // legacy parser comparing case-sensitively is exactly what this bureau might run.
    private const string Declaration = """<?xml version="1.0" encoding="GB18030"?>""";
    private const string DateFormat = "yyyyMMdd";
    private const string TimestampFormat = "yyyyMMddHHmmss";

    /// <summary>China Standard Time; no daylight saving, so a fixed offset is exact.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    // Exception fallbacks: a character the encoding cannot carry, or bytes that are not GB18030, must fail loudly
    // instead of becoming '?' in a resident's name.
    public static Encoding Gb18030 { get; } = CreateEncoding();

    private static readonly FrozenDictionary<string, string> BusinessTypes = new Dictionary<string, string>
    {
        ["GA-001"] = "JZDJ",
        ["GA-002"] = "JZZSL",
        ["GA-003"] = "JZZQZ",
        ["GA-004"] = "HJZM",
        ["GA-005"] = "SFZJD",
        ["GA-006"] = "CZFWDJ",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, ApplicationStatus> NotificationStatuses = new Dictionary<string, ApplicationStatus>
    {
        ["01"] = ApplicationStatus.Accepted,
        ["02"] = ApplicationStatus.Rejected,
        ["03"] = ApplicationStatus.SupplementRequired,
        ["04"] = ApplicationStatus.InReview,
        ["05"] = ApplicationStatus.Approved,
        ["06"] = ApplicationStatus.Denied,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, string> IdCardProgress = new Dictionary<string, string>
    {
        ["01"] = "已受理",
        ["02"] = "制证中",
        ["03"] = "待领取",
        ["04"] = "已领取",
    }.ToFrozenDictionary();

    public static IReadOnlyCollection<string> ItemCodes => BusinessTypes.Keys;

    public static byte[] NotifyAck => Gb18030.GetBytes("<NotifyAck><Code>0000</Code></NotifyAck>");

    /// <summary>The YWLX of a GA item, or null for an item this bureau does not handle.</summary>
    public static string? BusinessType(string itemCode) => BusinessTypes.GetValueOrDefault(itemCode);

    public static byte[] ToRequest(CanonicalApplication application)
    {
        var businessType = BusinessType(application.ItemCode)
            ?? throw new PublicSecurityFormatException($"Item {application.ItemCode} is not a 公安 item.");
        if (!HandoffKeyPattern().IsMatch(application.HandoffKey))
        {
            throw new PublicSecurityFormatException("The hand-off key is not a valid LSH (1-40 characters [A-Za-z0-9-]).");
        }

        var applicant = application.Applicant;
        var form = new FormReader(application.Form);
        var request = RequestXml.Start();
        request.Open("Request").Open("Head")
            .Element("YWLX", businessType)
            .Element("LSH", application.HandoffKey)
            .Element("SQSJ", application.SubmittedAt.ToOffset(ChinaOffset).ToString(TimestampFormat, CultureInfo.InvariantCulture))
            .Element("SQQD", "SQPT")
            .Element("SSXQ", applicant.DistrictCode)
            .Close()
            .Open("Body").Open("SQR")
            .Element("GMSFHM", applicant.IdNumber)
            .Element("XM", applicant.Name)
            .Element("XBDM", applicant.SexCode)
            .Element("MZDM", applicant.EthnicityCode)
            .Element("CSRQ", applicant.BirthDate.ToString(DateFormat, CultureInfo.InvariantCulture))
            .Element("LXDH", applicant.Phone)
            .Close()
            .Open("SXXX");
        ItemElements(request, businessType, form);
        request.Close().Close().Close();

        try
        {
            return request.ToBytes(Declaration, Gb18030);
        }
        catch (ArgumentException e)
        {
            // A control character (XmlWriter refuses it) or a lone surrogate (the encoder refuses it): a data defect.
            throw new PublicSecurityFormatException("The application contains a character that XML in GB18030 cannot carry.", e);
        }
    }

    /// <summary>The request as XElement writes it, however plain its text: the reference the quick writer is tested against.</summary>
    internal static byte[] ToRequestThroughXElement(CanonicalApplication application)
    {
        RequestXml.ForceXElement = true;
        try
        {
            return ToRequest(application);
        }
        finally
        {
            RequestXml.ForceXElement = false;
        }
    }

    // Element order follows the document's table; the bureau's parser may be order-sensitive even if the document does not say.
    private static void ItemElements(RequestXml request, string businessType, FormReader form)
    {
        switch (businessType)
        {
            case "JZDJ":
                ResidenceRegistration(request, form);
                break;
            case "JZZSL":
                request.Element("XZZ", form.Required("currentAddress"))
                    .Element("JZSY", form.Required("residenceReason"))
                    .Element("JZDJBH", form.Required("residenceRegistrationNo"))
                    .Element("ZPBH", form.Required("photoId"))
                    .Optional("FWCS", form.Optional("employerOrSchool"));
                break;
            case "JZZQZ":
                request.Element("JZZBH", form.Required("residencePermitNo"))
                    .Element("XZZ", form.Required("currentAddress"));
                break;
            case "HJZM":
                HouseholdCertificate(request, form);
                break;
            case "SFZJD":
                request.Element("SLH", form.Required("receiptNo"));
                break;
            case "CZFWDJ":
                RentalRegistration(request, form);
                break;
            default:
                throw new PublicSecurityFormatException($"No element table for YWLX {businessType}.");
        }
    }

    private static void ResidenceRegistration(RequestXml request, FormReader form)
    {
        var dwellingType = form.Required("dwellingType");
        request.Element("XZZ", form.Required("currentAddress"))
            .Element("LZRQ", form.BureauDate("arrivalDate"))
            .Element("JZSY", form.Required("residenceReason"))
            .Element("ZSLX", dwellingType);

        // Assumption: the landlord is sent only for rented housing (ZSLX=02), where the document requires it. For
        // other dwelling types it means nothing to the bureau, and a third party's ID is not sent without need (PIPL).
        if (dwellingType == "02")
        {
            request.Element("FZGMSFHM", form.Required("landlordIdNumber"))
                .Element("FZXM", form.Required("landlordName"));
        }
    }

    private static void HouseholdCertificate(RequestXml request, FormReader form)
    {
        var purpose = form.Required("purpose");
        request.Element("ZMYT", purpose);

        // Assumption: ZMYTSM accompanies only purpose 04 (其他), the one case the document asks for it.
        if (purpose == "04")
        {
            request.Element("ZMYTSM", form.Required("purposeDescription"));
        }
    }

    private static void RentalRegistration(RequestXml request, FormReader form)
    {
        // ZHLB takes 1 to 10 tenants.
        var tenants = form.Objects("tenants", 1, 10);

        request.Element("FWDZ", form.Required("propertyAddress"))
            .Optional("BDCQZH", form.Optional("propertyCertificateNo"))
            .Element("ZLQSRQ", form.BureauDate("leaseStart"))
            .Element("ZLZZRQ", form.BureauDate("leaseEnd"))
            .Element("YZJ", form.WholeNumber("monthlyRentYuan"))
            .Open("ZHLB");
        foreach (var tenant in tenants)
        {
            request.Open("ZH")
                .Element("GMSFHM", tenant.Required("idNumber"))
                .Element("XM", tenant.Required("name"))
                .Element("LXDH", tenant.Required("phone"))
                .Close();
        }

        request.Close();
    }

    /// <summary>The bureau's synchronous answer, in the hub's terms.</summary>
    public static HandoffOutcome ToOutcome(ReadOnlySpan<byte> body)
    {
        var root = Parse(body, "Response");
        var code = Value(root, "Code") ?? throw new PublicSecurityFormatException("The bureau's answer has no Code.");
        var message = Value(root, "Message");
        var caseNumber = Value(root, "SLBH");
        var outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, code, message, caseNumber);

        return code switch
        {
            // 2004 is the bureau's idempotency at work (a retry after a lost answer): the case already exists.
            "0000" or "2004" => outcome with
            {
                Kind = HandoffOutcomeKind.Received,
                CaseNumber = caseNumber ?? throw new PublicSecurityFormatException($"Code {code} without SLBH."),
            },

            // Assumption: an instant item's answer is its final decision, and a progress report that was given is a
            // request granted, so 0001 maps to Approved (办结·准予) whatever stage the ID card has reached.
            "0001" => outcome with
            {
                Kind = HandoffOutcomeKind.Completed,
                Status = ApplicationStatus.Approved,
                Result = InstantResult(root),
            },
            "1001" or "1002" or "1003" or "1004" => outcome with { Kind = HandoffOutcomeKind.ConfigurationFault },
            "2001" or "2002" or "2003" => outcome with { Kind = HandoffOutcomeKind.Invalid },
            "3001" => outcome with { Kind = HandoffOutcomeKind.Rejected, Status = ApplicationStatus.Rejected },

            // 9001 is busy by definition. Assumption: a code the document does not list is treated the same way,
            // so a new bureau code delays an application (visible to operators) instead of failing it for good.
            _ => outcome,
        };
    }

    /// <summary>True for an instant item (即办件): the bureau's first answer is its only result.</summary>
    public static bool IsInstant(string itemCode) => BusinessTypes.GetValueOrDefault(itemCode) == "SFZJD";

    /// <summary>True for a well-formed 9001 (busy) answer, the one 200 that is worth retrying.</summary>
    public static bool IsBusy(ReadOnlySpan<byte> body) => CodeOf(body) == "9001";

    /// <summary>The <c>Code</c> of a well-formed answer, or null (an empty body, a proxy's page).</summary>
    public static string? CodeOf(ReadOnlySpan<byte> body)
    {
        try
        {
            return body.IsEmpty ? null : Value(Parse(body, "Response"), "Code");
        }
        catch (PublicSecurityFormatException)
        {
            return null;
        }
    }

    // Assumption: only SFZJD is instant (the document lists no other <Result>); its Result carries JD and,
    // once there is one, LQDD.
    private static JsonObject InstantResult(BureauXml document)
    {
        var result = document.Child(BureauXml.Root, "Result") is >= 0 and var found ? found : throw new PublicSecurityFormatException("Code 0001 without Result.");
        var progress = document.Value(result, "JD") ?? throw new PublicSecurityFormatException("Result without JD.");
        var json = new JsonObject { ["jd"] = progress };
        if (IdCardProgress.TryGetValue(progress, out var label))
        {
            json["jdLabel"] = label;
        }

        if (document.Value(result, "LQDD") is { } pickUpPlace)
        {
            json["lqdd"] = pickUpPlace;
        }

        return json;
    }

    /// <summary>A notification pushed by the bureau, as a status report for the hub.</summary>
    public static DepartmentStatusReport ToReport(ReadOnlySpan<byte> body)
    {
        var root = Parse(body, "Notify");
        var caseNumber = Value(root, "SLBH") ?? throw new PublicSecurityFormatException("Notify without SLBH.");
        var statusCode = Value(root, "BLZT") ?? throw new PublicSecurityFormatException("Notify without BLZT.");
        var time = Value(root, "BLSJ") ?? throw new PublicSecurityFormatException("Notify without BLSJ.");

        // An unknown BLZT is refused (400) rather than guessed: the bureau keeps re-sending, and an operator sees it.
        if (!NotificationStatuses.TryGetValue(statusCode, out var status))
        {
            throw new PublicSecurityFormatException($"Notify with unknown BLZT {statusCode}.");
        }

        if (!DateTime.TryParseExact(time, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            throw new PublicSecurityFormatException("Notify BLSJ is not yyyyMMddHHmmss.");
        }

        return new DepartmentStatusReport(
            Department,
            HandoffKey: Value(root, "LSH"),
            CaseNumber: caseNumber,
            Status: status,
            Reason: Value(root, "BLYJ"),
            OccurredAt: new DateTimeOffset(local, ChinaOffset),
            EventKey: $"{caseNumber}|{statusCode}|{time}",
            DepartmentCode: statusCode);
    }

    /// <summary>GB18030 bytes as text; bytes that are not GB18030 are a format error, never silently replaced.</summary>
    public static string Decode(ReadOnlySpan<byte> body)
    {
        try
        {
            return Gb18030.GetString(body);
        }
        catch (DecoderFallbackException e)
        {
            throw new PublicSecurityFormatException("The body is not GB18030 text.", e);
        }
    }

    // Assumption: the bureau's bodies are GB18030 whatever their declaration says (the document's own Response example
    // has none), so the bytes are decoded as GB18030 first and the text parsed, which ignores the declared encoding.
    private static BureauXml Parse(ReadOnlySpan<byte> body, string rootName)
    {
        var text = Decode(body);
        BureauXml root;
        try
        {
            root = BureauXml.Read(text);
        }
        catch (XmlException e)
        {
            // XmlException texts quote the offending characters, which may be personal data: position only.
            throw new PublicSecurityFormatException($"The body is not well-formed XML (line {e.LineNumber}, position {e.LinePosition}).", e);
        }

        return root.RootLocalName == rootName
            ? root
            : throw new PublicSecurityFormatException($"Expected <{rootName}>, got <{root.RootLocalName}>.");
    }

    private static string? Value(BureauXml document, string name) => document.Value(BureauXml.Root, name);

    private static Encoding CreateEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,40}$")]
    private static partial Regex HandoffKeyPattern();

    // The bureau's dates are yyyyMMdd; the form's are yyyy-MM-dd.
    private static string BureauDate(this FormReader form, string field) =>
        form.Date(field).ToString(DateFormat, CultureInfo.InvariantCulture);
}
