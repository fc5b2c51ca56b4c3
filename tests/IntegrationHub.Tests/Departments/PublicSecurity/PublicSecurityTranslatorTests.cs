using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.PublicSecurity;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

public sealed class PublicSecurityTranslatorTests
{
    private static readonly Encoding Gb18030 = PublicSecurityTranslator.Gb18030;

    public static TheoryData<string, string> AllSamples()
    {
        var data = new TheoryData<string, string>();
        foreach (var code in GaTestData.ItemCodes)
        {
            data.Add(code, "valid");
            data.Add(code, "validMinimal");
        }

        return data;
    }

    [Theory]
    [InlineData("GA-001", "JZDJ")]
    [InlineData("GA-002", "JZZSL")]
    [InlineData("GA-003", "JZZQZ")]
    [InlineData("GA-004", "HJZM")]
    [InlineData("GA-005", "SFZJD")]
    [InlineData("GA-006", "CZFWDJ")]
    public void ToRequest_EachItem_HeadAndApplicantAsDocumented(string code, string businessType)
    {
        var application = GaTestData.Application(code);

        var xml = Request(application);

        var head = xml.Element("Head")!;
        Assert.Equal(["YWLX", "LSH", "SQSJ", "SQQD", "SSXQ"], Names(head));
        Assert.Equal(businessType, head.Element("YWLX")!.Value);
        Assert.Equal(application.HandoffKey, head.Element("LSH")!.Value);
        Assert.Equal("20261128093000", head.Element("SQSJ")!.Value);
        Assert.Equal("SQPT", head.Element("SQQD")!.Value);
        Assert.Equal("320302", head.Element("SSXQ")!.Value);
        var applicant = xml.Element("Body")!.Element("SQR")!;
        Assert.Equal(["GMSFHM", "XM", "XBDM", "MZDM", "CSRQ", "LXDH"], Names(applicant));
        Assert.Equal(["11010519491231002X", "张伟", "2", "01", "19491231", "13812345678"], applicant.Elements().Select(e => e.Value));
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void ToRequest_EverySample_GB18030WithDocumentedDeclarationAndNoEmptyElement(string code, string sample)
    {
        var bytes = PublicSecurityTranslator.ToRequest(GaTestData.Application(code, sample));

        var text = Gb18030.GetString(bytes);
        Assert.StartsWith("""<?xml version="1.0" encoding="GB18030"?><Request>""", text, StringComparison.Ordinal);
        var leaves = XElement.Parse(text).Descendants().Where(e => !e.HasElements).ToList();
        Assert.All(leaves, e => Assert.False(string.IsNullOrWhiteSpace(e.Value), $"{e.Name} is empty"));
        Assert.All(leaves, e => Assert.Equal(e.Name.LocalName.ToUpperInvariant(), e.Name.LocalName));
    }

    [Fact]
    public void ToRequest_RentedDwelling_SendsLandlordAndCompactDates()
    {
        var items = Items(GaTestData.Application("GA-001"));

        Assert.Equal(["XZZ", "LZRQ", "JZSY", "ZSLX", "FZGMSFHM", "FZXM"], Names(items));
        Assert.Equal("20261120", items.Element("LZRQ")!.Value);
        Assert.Equal("02", items.Element("ZSLX")!.Value);
        Assert.Equal("320311197002281283", items.Element("FZGMSFHM")!.Value);
        Assert.Equal("陈秀兰", items.Element("FZXM")!.Value);
    }

    [Fact]
    public void ToRequest_NotRented_OmitsLandlordEvenWhenGiven()
    {
        var form = GaTestData.Form("GA-001");
        form["dwellingType"] = "04";

        var items = Items(GaTestData.Application("GA-001", form: form));

        Assert.Equal(["XZZ", "LZRQ", "JZSY", "ZSLX"], Names(items));
    }

    [Fact]
    public void ToRequest_ResidencePermitWithEmployer_SendsOptionalFwcs()
    {
        Assert.Equal(["XZZ", "JZSY", "JZDJBH", "ZPBH", "FWCS"], Names(Items(GaTestData.Application("GA-002"))));
        Assert.Equal(["XZZ", "JZSY", "JZDJBH", "ZPBH"], Names(Items(GaTestData.Application("GA-002", "validMinimal"))));
    }

    [Fact]
    public void ToRequest_Endorsement_SendsPermitNumberThenAddress()
    {
        var items = Items(GaTestData.Application("GA-003"));

        Assert.Equal(["JZZBH", "XZZ"], Names(items));
        Assert.Equal("JS320311202411000157", items.Element("JZZBH")!.Value);
    }

    [Fact]
    public void ToRequest_OtherPurpose_SendsPurposeText()
    {
        var items = Items(GaTestData.Application("GA-004"));

        Assert.Equal(["ZMYT", "ZMYTSM"], Names(items));
        Assert.Equal("04", items.Element("ZMYT")!.Value);
    }

    [Fact]
    public void ToRequest_ListedPurpose_OmitsPurposeText()
    {
        var form = GaTestData.Form("GA-004");
        form["purpose"] = "01";

        Assert.Equal(["ZMYT"], Names(Items(GaTestData.Application("GA-004", form: form))));
        Assert.Equal(["ZMYT"], Names(Items(GaTestData.Application("GA-004", "validMinimal"))));
    }

    [Fact]
    public void ToRequest_IdCardProgress_SendsReceiptNumber()
    {
        var items = Items(GaTestData.Application("GA-005"));

        Assert.Equal(["SLH"], Names(items));
        Assert.Equal("SL3203022026110500123", items.Element("SLH")!.Value);
    }

    [Fact]
    public void ToRequest_RentalWithTwoTenants_SendsTenantListAndWholeRent()
    {
        var items = Items(GaTestData.Application("GA-006"));

        Assert.Equal(["FWDZ", "BDCQZH", "ZLQSRQ", "ZLZZRQ", "YZJ", "ZHLB"], Names(items));
        Assert.Equal("20261201", items.Element("ZLQSRQ")!.Value);
        Assert.Equal("20271130", items.Element("ZLZZRQ")!.Value);
        Assert.Equal("1600", items.Element("YZJ")!.Value);
        var tenants = items.Element("ZHLB")!.Elements().ToList();
        Assert.Equal(2, tenants.Count);
        Assert.All(tenants, t => Assert.Equal(["GMSFHM", "XM", "LXDH"], Names(t)));
        Assert.Equal(["341302199305172313", "刘强", "15251873046"], tenants[0].Elements().Select(e => e.Value));
    }

    [Fact]
    public void ToRequest_RentalMinimal_OmitsCertificateNumber()
    {
        var items = Items(GaTestData.Application("GA-006", "validMinimal"));

        Assert.Equal(["FWDZ", "ZLQSRQ", "ZLZZRQ", "YZJ", "ZHLB"], Names(items));
        Assert.Single(items.Element("ZHLB")!.Elements("ZH"));
    }

    [Theory]
    [InlineData("1600.0", "1600")]
    [InlineData("0", "0")]
    public void ToRequest_IntegralRent_WrittenAsDigits(string json, string expected)
    {
        var form = GaTestData.Form("GA-006");
        form["monthlyRentYuan"] = JsonNode.Parse(json);

        Assert.Equal(expected, Items(GaTestData.Application("GA-006", form: form)).Element("YZJ")!.Value);
    }

    [Fact]
    public void ToRequest_TenTenants_AllSent()
    {
        var form = GaTestData.Form("GA-006");
        var tenant = form["tenants"]![0]!;
        form["tenants"] = new JsonArray([.. Enumerable.Range(0, 10).Select(_ => tenant.DeepClone())]);

        Assert.Equal(10, Items(GaTestData.Application("GA-006", form: form)).Element("ZHLB")!.Elements("ZH").Count());
    }

    [Fact]
    public void ToRequest_RareCharactersOutsideGbk_SurviveEncodeDecode()
    {
        var applicant = GaTestData.Applicant with { Name = "王𠈌" };
        var form = GaTestData.Form("GA-003");
        form["currentAddress"] = "徐州市鼓楼区䶮龑路1号";

        var bytes = PublicSecurityTranslator.ToRequest(GaTestData.Application("GA-003", form: form, applicant: applicant));

        // 𠈌 (U+2020C) is outside GBK: GB18030 carries it as the four bytes 95 32 82 36.
        Assert.Contains(Convert.ToHexString(Gb18030.GetBytes("王𠈌")), Convert.ToHexString(bytes), StringComparison.Ordinal);
        Assert.Equal("CDF59532B730", Convert.ToHexString(Gb18030.GetBytes("王𠈌")));
        var xml = XElement.Parse(PublicSecurityTranslator.Decode(bytes));
        Assert.Equal("王𠈌", xml.Element("Body")!.Element("SQR")!.Element("XM")!.Value);
        Assert.Equal("徐州市鼓楼区䶮龑路1号", xml.Element("Body")!.Element("SXXX")!.Element("XZZ")!.Value);
    }

    [Theory]
    [InlineData("HUB_1")]
    [InlineData("")]
    [InlineData("HUB-0123456789012345678901234567890123456")]
    public void ToRequest_InvalidLsh_Refused(string lsh)
    {
        Assert.Throws<PublicSecurityFormatException>(() => PublicSecurityTranslator.ToRequest(GaTestData.Application("GA-003", lsh: lsh)));
    }

    [Fact]
    public void ToRequest_FormLacksRequiredField_RefusedNamingIt()
    {
        var form = GaTestData.Form("GA-001");
        form.Remove("arrivalDate");

        var error = Assert.Throws<PublicSecurityFormatException>(() => PublicSecurityTranslator.ToRequest(GaTestData.Application("GA-001", form: form)));

        Assert.Contains("arrivalDate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToRequest_NotAGaItem_Refused()
    {
        Assert.Throws<PublicSecurityFormatException>(() =>
            PublicSecurityTranslator.ToRequest(GaTestData.Application("GA-003") with { ItemCode = "FG-001" }));
    }

    [Fact]
    public void ToOutcome_Received_RecordsCaseNumber()
    {
        var outcome = Outcome("<Response><Code>0000</Code><Message>接收成功</Message><SLBH>GA3203022026112800001</SLBH></Response>");

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal("GA3203022026112800001", outcome.CaseNumber);
        Assert.Equal("0000", outcome.DepartmentCode);
        Assert.Null(outcome.Status);
    }

    [Fact]
    public void ToOutcome_InstantResult_CompletedApprovedWithProgress()
    {
        var outcome = Outcome(
            """<?xml version="1.0" encoding="GB18030"?><Response><Code>0001</Code><Message>办理完成</Message><SLBH>GA3203022026112800002</SLBH><Result><JD>03</JD><LQDD>鼓楼分局户政服务大厅</LQDD></Result></Response>""");

        Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);
        Assert.Equal(ApplicationStatus.Approved, outcome.Status);
        Assert.Equal("GA3203022026112800002", outcome.CaseNumber);
        Assert.Equal("03", outcome.Result!["jd"]!.GetValue<string>());
        Assert.Equal("待领取", outcome.Result["jdLabel"]!.GetValue<string>());
        Assert.Equal("鼓楼分局户政服务大厅", outcome.Result["lqdd"]!.GetValue<string>());
    }

    [Fact]
    public void ToOutcome_InstantResultWithoutPickUpPlace_OmitsIt()
    {
        var outcome = Outcome("<Response><Code>0001</Code><Message>办理完成</Message><Result><JD>01</JD></Result></Response>");

        Assert.Equal("已受理", outcome.Result!["jdLabel"]!.GetValue<string>());
        Assert.False(outcome.Result.ContainsKey("lqdd"));
    }

    [Fact]
    public void ToOutcome_DuplicateLsh_ReceivedWithOriginalCase()
    {
        var outcome = Outcome("<Response><Code>2004</Code><Message>流水号重复</Message><SLBH>GA3203022026112800001</SLBH></Response>");

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal("GA3203022026112800001", outcome.CaseNumber);
        Assert.Equal("2004", outcome.DepartmentCode);
    }

    [Theory]
    [InlineData("1001", nameof(HandoffOutcomeKind.ConfigurationFault))]
    [InlineData("1002", nameof(HandoffOutcomeKind.ConfigurationFault))]
    [InlineData("1003", nameof(HandoffOutcomeKind.ConfigurationFault))]
    [InlineData("1004", nameof(HandoffOutcomeKind.ConfigurationFault))]
    [InlineData("2001", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("2002", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("2003", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("9001", nameof(HandoffOutcomeKind.Transient))]
    [InlineData("5555", nameof(HandoffOutcomeKind.Transient))]
    public void ToOutcome_ErrorCodes_MapToKind(string code, string kind)
    {
        var outcome = Outcome($"<Response><Code>{code}</Code><Message>说明</Message></Response>");

        Assert.Equal(Enum.Parse<HandoffOutcomeKind>(kind), outcome.Kind);
        Assert.Equal(code, outcome.DepartmentCode);
        Assert.Equal("说明", outcome.DepartmentMessage);
        Assert.Null(outcome.Status);
    }

    [Fact]
    public void ToOutcome_IntakeRejection_RejectedWithReason()
    {
        var outcome = Outcome("<Response><Code>3001</Code><Message>申请人已在本市登记居住</Message></Response>");

        Assert.Equal(HandoffOutcomeKind.Rejected, outcome.Kind);
        Assert.Equal(ApplicationStatus.Rejected, outcome.Status);
        Assert.Equal("申请人已在本市登记居住", outcome.DepartmentMessage);
    }

    [Theory]
    [InlineData("<Response><Code>0000</Code>")]
    [InlineData("<Answer><Code>0000</Code></Answer>")]
    [InlineData("<Response><Message>接收成功</Message></Response>")]
    [InlineData("<Response><Code>0000</Code><Message>接收成功</Message></Response>")]
    [InlineData("<Response><Code>0001</Code><Message>办理完成</Message></Response>")]
    [InlineData("<!DOCTYPE r [<!ENTITY x \"y\">]><Response><Code>0000</Code></Response>")]
    public void ToOutcome_MalformedAnswer_Refused(string xml)
    {
        Assert.Throws<PublicSecurityFormatException>(() => Outcome(xml));
    }

    [Fact]
    public void ToOutcome_BytesNotGb18030_Refused()
    {
        Assert.Throws<PublicSecurityFormatException>(() => PublicSecurityTranslator.ToOutcome([0x3C, 0x52, 0x81, 0x20, 0x3E]));
    }

    [Theory]
    [InlineData("<Response><Code>9001</Code><Message>系统繁忙</Message></Response>", true)]
    [InlineData("<Response><Code>0000</Code><SLBH>GA1</SLBH></Response>", false)]
    [InlineData("<html>bad gateway</html", false)]
    public void IsBusy_Answer_OnlyFor9001(string xml, bool busy)
    {
        Assert.Equal(busy, PublicSecurityTranslator.IsBusy(Gb18030.GetBytes(xml)));
    }

    [Theory]
    [InlineData("01", ApplicationStatus.Accepted)]
    [InlineData("02", ApplicationStatus.Rejected)]
    [InlineData("03", ApplicationStatus.SupplementRequired)]
    [InlineData("04", ApplicationStatus.InReview)]
    [InlineData("05", ApplicationStatus.Approved)]
    [InlineData("06", ApplicationStatus.Denied)]
    public void ToReport_EachBlzt_MapsToUnifiedStatus(string blzt, ApplicationStatus status)
    {
        var report = PublicSecurityTranslator.ToReport(Gb18030.GetBytes(
            $"""<?xml version="1.0" encoding="GB18030"?><Notify><SLBH>GA3203022026112800001</SLBH><LSH>HUB-1</LSH><BLZT>{blzt}</BLZT><BLYJ>意见</BLYJ><BLSJ>20261129101500</BLSJ></Notify>"""));

        Assert.Equal(status, report.Status);
        Assert.Equal("GA", report.Department);
        Assert.Equal("HUB-1", report.HandoffKey);
        Assert.Equal("GA3203022026112800001", report.CaseNumber);
        Assert.Equal("意见", report.Reason);
        Assert.Equal(blzt, report.DepartmentCode);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 2, 15, 0, TimeSpan.Zero), report.OccurredAt);
        Assert.Equal(TimeSpan.FromHours(8), report.OccurredAt.Offset);
        Assert.Equal($"GA3203022026112800001|{blzt}|20261129101500", report.EventKey);
    }

    [Fact]
    public void ToReport_WithoutLshOrOpinion_LeavesThemNull()
    {
        var report = PublicSecurityTranslator.ToReport(Gb18030.GetBytes(
            "<Notify><SLBH>GA3203022026112800001</SLBH><BLZT>04</BLZT><BLSJ>20261129101500</BLSJ></Notify>"));

        Assert.Null(report.HandoffKey);
        Assert.Null(report.Reason);
    }

    [Fact]
    public void ToReport_RareCharacterOpinion_Survives()
    {
        var report = PublicSecurityTranslator.ToReport(Gb18030.GetBytes(
            "<Notify><SLBH>GA1</SLBH><BLZT>03</BLZT><BLYJ>请补正王𠈌的户口簿</BLYJ><BLSJ>20261129101500</BLSJ></Notify>"));

        Assert.Equal("请补正王𠈌的户口簿", report.Reason);
    }

    [Theory]
    [InlineData("<Notify><SLBH>GA1</SLBH><BLZT>08</BLZT><BLSJ>20261129101500</BLSJ></Notify>")]
    [InlineData("<Notify><SLBH>GA1</SLBH><BLZT>05</BLZT><BLSJ>2026-11-29 10:15</BLSJ></Notify>")]
    [InlineData("<Notify><BLZT>05</BLZT><BLSJ>20261129101500</BLSJ></Notify>")]
    [InlineData("<Notify><SLBH>GA1</SLBH><BLZT>05</BLZT></Notify>")]
    [InlineData("<Response><Code>0000</Code></Response>")]
    [InlineData("not xml")]
    public void ToReport_MalformedNotification_Refused(string xml)
    {
        Assert.Throws<PublicSecurityFormatException>(() => PublicSecurityTranslator.ToReport(Gb18030.GetBytes(xml)));
    }

    [Fact]
    public void NotifyAck_IsTheDocumentedAcknowledgement()
    {
        Assert.Equal("<NotifyAck><Code>0000</Code></NotifyAck>", Gb18030.GetString(PublicSecurityTranslator.NotifyAck));
    }

    private static XElement Request(CanonicalApplication application) =>
        XElement.Parse(PublicSecurityTranslator.Decode(PublicSecurityTranslator.ToRequest(application)));

    private static XElement Items(CanonicalApplication application) => Request(application).Element("Body")!.Element("SXXX")!;

    private static string[] Names(XElement parent) => [.. parent.Elements().Select(e => e.Name.LocalName)];

    private static HandoffOutcome Outcome(string xml) => PublicSecurityTranslator.ToOutcome(Gb18030.GetBytes(xml));
}
