using System.Text;
using System.Xml.Linq;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.PublicSecurity;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

/// <summary>Interface v2.2 in the translator: CLLB, BZTJ, CHSQ, the upload and case answers, BLZT 07 and BZCL.</summary>
public sealed class PublicSecurityCaseTranslatorTests
{
    private static readonly Encoding Gb18030 = PublicSecurityTranslator.Gb18030;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToRequest_WithMaterials_CllbAfterSxxxInTheBureausCodes()
    {
        var application = GaTestData.Application("GA-006") with
        {
            Materials = [new("propertyCertificate", "M1"), new("leaseContract", "M2")],
        };

        var body = Xml(PublicSecurityTranslator.ToRequest(application)).Element("Body")!;

        Assert.Equal(["SQR", "SXXX", "CLLB"], body.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(["FCZM:M1", "ZLHT:M2"], body.Element("CLLB")!.Elements("CL").Select(cl => $"{cl.Element("CLBM")!.Value}:{cl.Element("CLID")!.Value}"));
    }

    [Fact]
    public void ToRequest_WithoutMaterials_NoCllb()
    {
        var body = Xml(PublicSecurityTranslator.ToRequest(GaTestData.Application("GA-006"))).Element("Body")!;

        Assert.Null(body.Element("CLLB"));
    }

    [Fact]
    public void ToRequest_MaterialTheItemDoesNotTake_FormatError()
    {
        var application = GaTestData.Application("GA-003") with { Materials = [new("leaseContract", "M1")] };

        var error = Assert.Throws<PublicSecurityFormatException>(() => PublicSecurityTranslator.ToRequest(application));

        Assert.Contains("leaseContract", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("employmentProof", "JYZM")]
    [InlineData("studyProof", "JXZM")]
    [InlineData("residenceProof", "ZSZM")]
    public void MaterialCode_Ga002Proofs_TheBureausCodes(string hubCode, string bureauCode) =>
        Assert.Equal(bureauCode, PublicSecurityTranslator.MaterialCode("GA-002", hubCode));

    [Fact]
    public void MaterialCode_FileTooLarge_FormatErrorWithoutSending()
    {
        var file = File("leaseContract", new byte[PublicSecurityTranslator.MaxMaterialBytes + 1]);

        Assert.Throws<PublicSecurityFormatException>(() => PublicSecurityTranslator.MaterialCode("GA-001", file));
    }

    [Fact]
    public void MaterialCode_TypeTheBureauDoesNotTake_FormatError()
    {
        var file = File("leaseContract", [1, 2, 3]) with { MediaType = "image/gif" };

        Assert.Throws<PublicSecurityFormatException>(() => PublicSecurityTranslator.MaterialCode("GA-001", file));
    }

    [Fact]
    public void ToSupplement_Bztj_HeadAsUsualAndBodyWithSlbhBzsmCllb()
    {
        var supplement = new SupplementRequest("app-1", "GA-001", "SUP-1", "GA3203022026112800001", "已补充租赁合同",
            [new("leaseContract", "M3203002026112800001")], null);

        var xml = Xml(PublicSecurityTranslator.ToSupplement(supplement, Now));

        var head = xml.Element("Head")!;
        Assert.Equal(("BZTJ", "SUP-1", "20261201100000", "SQPT", "320302"),
            (head.Element("YWLX")!.Value, head.Element("LSH")!.Value, head.Element("SQSJ")!.Value, head.Element("SQQD")!.Value, head.Element("SSXQ")!.Value));
        var body = xml.Element("Body")!;
        Assert.Equal(["SLBH", "BZSM", "CLLB"], body.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("GA3203022026112800001", body.Element("SLBH")!.Value);
        Assert.Equal("已补充租赁合同", body.Element("BZSM")!.Value);
        Assert.Equal("ZLHT", body.Element("CLLB")!.Element("CL")!.Element("CLBM")!.Value);
    }

    [Fact]
    public void ToSupplement_NoteLongerThan200_FormatError()
    {
        var supplement = new SupplementRequest("app-1", "GA-001", "SUP-1", "GA3203022026112800001", new string('补', 201), [], null);

        Assert.Throws<PublicSecurityFormatException>(() => PublicSecurityTranslator.ToSupplement(supplement, Now));
    }

    [Fact]
    public void ToWithdrawal_Chsq_BodyWithSlbhAndChyyOnly()
    {
        var withdrawal = new WithdrawalRequest("app-1", "GA-003", "WD-1", "GA3203032026112800002", "不再需要", null);

        var xml = Xml(PublicSecurityTranslator.ToWithdrawal(withdrawal, Now));

        Assert.Equal("CHSQ", xml.Element("Head")!.Element("YWLX")!.Value);
        Assert.Equal("320303", xml.Element("Head")!.Element("SSXQ")!.Value);
        Assert.Equal(["SLBH", "CHYY"], xml.Element("Body")!.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("不再需要", xml.Element("Body")!.Element("CHYY")!.Value);
    }

    [Fact]
    public void Lsh_KeyThatIsNoLsh_SameDigestEveryTime()
    {
        var key = "sup:0123456789abcdef0123456789abcdef:1";

        Assert.Matches("^[A-Za-z0-9-]{1,40}$", PublicSecurityTranslator.Lsh(key));
        Assert.Equal(PublicSecurityTranslator.Lsh(key), PublicSecurityTranslator.Lsh(key));
    }

    [Theory]
    [InlineData("0000", nameof(HandoffOutcomeKind.Received))]
    [InlineData("2005", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("2006", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("1001", nameof(HandoffOutcomeKind.ConfigurationFault))]
    [InlineData("1003", nameof(HandoffOutcomeKind.ConfigurationFault))]
    [InlineData("9001", nameof(HandoffOutcomeKind.Transient))]
    public void ToUploadOutcome_EachCode_MapsToItsClass(string code, string expected)
    {
        var kind = Enum.Parse<HandoffOutcomeKind>(expected);
        var outcome = PublicSecurityTranslator.ToUploadOutcome(Gb18030.GetBytes(
            $"<Response><Code>{code}</Code><Message>说明</Message><CLID>M3203002026112800001</CLID></Response>"));

        Assert.Equal((kind, code, "说明"), (outcome.Kind, outcome.DepartmentCode, outcome.DepartmentMessage));
        Assert.Equal(kind == HandoffOutcomeKind.Received ? "M3203002026112800001" : null, outcome.CaseNumber);
    }

    [Fact]
    public void ToUploadOutcome_ReceivedWithoutClid_FormatError() =>
        Assert.Throws<PublicSecurityFormatException>(() =>
            PublicSecurityTranslator.ToUploadOutcome(Gb18030.GetBytes("<Response><Code>0000</Code><Message>上传成功</Message></Response>")));

    [Theory]
    [InlineData("0000", nameof(HandoffOutcomeKind.Received))]
    [InlineData("2004", nameof(HandoffOutcomeKind.Received))]
    [InlineData("3002", nameof(HandoffOutcomeKind.Conflict))]
    [InlineData("2002", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("3003", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("1002", nameof(HandoffOutcomeKind.ConfigurationFault))]
    [InlineData("9001", nameof(HandoffOutcomeKind.Transient))]
    public void ToCaseOutcome_EachCode_MapsToItsClass(string code, string expected)
    {
        var kind = Enum.Parse<HandoffOutcomeKind>(expected);
        var outcome = PublicSecurityTranslator.ToCaseOutcome(Gb18030.GetBytes(
            $"<Response><Code>{code}</Code><Message>案件状态不允许</Message><SLBH>GA3203022026112800001</SLBH></Response>"));

        Assert.Equal((kind, code, "案件状态不允许"), (outcome.Kind, outcome.DepartmentCode, outcome.DepartmentMessage));
    }

    [Fact]
    public void ToReport_Blzt07_Withdrawn()
    {
        var report = PublicSecurityTranslator.ToReport(Notify("<BLZT>07</BLZT><BLYJ>已撤回</BLYJ>"));

        Assert.Equal((ApplicationStatus.Withdrawn, "07"), (report.Status, report.DepartmentCode));
    }

    [Fact]
    public void ToReport_SupplementWithBzcl_MissingMaterialsInHubCodesUnknownLeftOut()
    {
        var report = PublicSecurityTranslator.ToReport(Notify("<BLZT>03</BLZT><BLYJ>请补充房产证明和租赁合同</BLYJ><BZCL>FCZM,ZLHT,QTCL</BZCL>"));

        Assert.Equal(ApplicationStatus.SupplementRequired, report.Status);
        Assert.Equal(["propertyCertificate", "leaseContract"], report.MissingMaterials);
        Assert.Equal("请补充房产证明和租赁合同", report.Reason);
    }

    [Theory]
    [InlineData("<BZCL/>")]
    [InlineData("<BZCL></BZCL>")]
    [InlineData("")]
    public void ToReport_SupplementWithEmptyOrNoBzcl_NoMissingMaterials(string bzcl)
    {
        var report = PublicSecurityTranslator.ToReport(Notify($"<BLZT>03</BLZT><BLYJ>请补充说明</BLYJ>{bzcl}"));

        Assert.Equal(ApplicationStatus.SupplementRequired, report.Status);
        Assert.Empty(report.MissingMaterials);
    }

    internal static MaterialFile File(string code, byte[] content, string mediaType = "application/pdf") =>
        new(code, mediaType, content, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)));

    private static byte[] Notify(string elements) => Gb18030.GetBytes(
        $"""<?xml version="1.0" encoding="GB18030"?><Notify><SLBH>GA3203022026112800001</SLBH><LSH>HUB-1</LSH>{elements}<BLSJ>20261129101500</BLSJ></Notify>""");

    private static XElement Xml(byte[] body) => XElement.Parse(Gb18030.GetString(body));
}
