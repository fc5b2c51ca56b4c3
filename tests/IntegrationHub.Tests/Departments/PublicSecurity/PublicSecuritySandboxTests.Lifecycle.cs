using System.Globalization;
using System.Xml.Linq;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

/// <summary>v2.2: materials (upload, CLLB), the supplement (BLZT 03 + BZCL, BZTJ) and the withdrawal (CHSQ, BLZT 07).</summary>
public sealed partial class PublicSecuritySandboxTests
{
    [Fact]
    public async Task Upload_SameBytesAndCodeTwice_SameClid()
    {
        var first = await UploadAsync("ZLHT", "application/pdf", SandboxFiles.Pdf());
        var again = await UploadAsync("ZLHT", "application/pdf", SandboxFiles.Pdf());
        var otherCode = await UploadAsync("FCZM", "application/pdf", SandboxFiles.Pdf());

        Assert.Equal("0000", first.Code);
        Assert.Matches("^M320300[0-9]{8}[0-9]{5}$", Clid(first));
        Assert.Equal(Clid(first), Clid(again));
        Assert.NotEqual(Clid(first), Clid(otherCode));
    }

    [Theory]
    [InlineData("image/jpeg")]
    [InlineData("image/gif")]
    public async Task Upload_PdfBytesDeclaredOtherwise_2005(string contentType)
    {
        Assert.Equal("2005", (await UploadAsync("ZLHT", contentType, SandboxFiles.Pdf())).Code);
    }

    [Fact]
    public async Task Upload_OneByteOverTheLimit_2006()
    {
        Assert.Equal("2006", (await UploadAsync("ZLHT", "image/png", SandboxFiles.PngOver(PublicSecuritySandbox.MaxMaterialBytes))).Code);
    }

    [Fact]
    public async Task Post_RentingWithoutLeaseContract_2002NamingIt()
    {
        _bureau.RequireMaterials = true;

        var answer = await PostAsync(Bytes(Valid("GA-001")));

        Assert.Equal("2002", answer.Code);
        Assert.Contains("ZLHT", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_RentingWithUploadedLeaseContract_Received()
    {
        _bureau.RequireMaterials = true;
        var clid = Clid(await UploadAsync("ZLHT", "image/png", SandboxFiles.Png()));

        Assert.Equal("0000", (await PostAsync(Bytes(WithMaterials(Valid("GA-001"), ("ZLHT", clid))))).Code);
    }

    [Fact]
    public async Task Post_WorkerWithProofOfStudy_2003()
    {
        var clid = Clid(await UploadAsync("JXZM", "image/png", SandboxFiles.Png()));
        var xml = Valid("GA-002");
        Items(xml).Element("JZSY")!.Value = "01";

        Assert.Equal("2003", (await PostAsync(Bytes(WithMaterials(xml, ("JXZM", clid))))).Code);
    }

    [Fact]
    public async Task Post_ClidEightDaysOld_2003()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await _bureau.DisposeAsync();
        _bureau = GaTestData.Bureau(clock);
        var clid = Clid(await UploadAsync("ZLHT", "image/png", SandboxFiles.Png(), signedAt: clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromDays(8));

        Assert.Equal("2003", (await PostAsync(Bytes(WithMaterials(Valid("GA-001"), ("ZLHT", clid))), signedAt: clock.GetUtcNow())).Code);
    }

    [Fact]
    public async Task Clerk_NameRuleSupplement_03WithBzclThenSupplementedAndApproved()
    {
        using var inbox = Inbox();
        _bureau.AutoDecide(TimeSpan.Zero, retryUnit: TimeSpan.FromSeconds(1));
        var clid = Clid(await UploadAsync("ZLHT", "image/png", SandboxFiles.Png()));
        var xml = WithMaterials(Valid("GA-001"), ("ZLHT", clid));
        xml.Element("Body")!.Element("SQR")!.Element("XM")!.Value = "张补正";
        var slbh = (await PostAsync(Bytes(xml))).Xml.Element("SLBH")!.Value;

        var asked = await NextAsync(inbox, "03");
        var withoutFile = await PostAsync(Bytes(CaseRequest("BZTJ", slbh, "补交租赁合同")));
        var supplemented = await PostAsync(Bytes(CaseRequest("BZTJ", slbh, "补交租赁合同", ("ZLHT", clid))));
        var approved = await NextAsync(inbox, "05");
        var second = await PostAsync(Bytes(CaseRequest("BZTJ", slbh, "再次补交", ("ZLHT", clid))));

        Assert.Equal("ZLHT", asked.Element("BZCL")!.Value);
        Assert.Equal(("2002", "0000"), (withoutFile.Code, supplemented.Code));
        Assert.Equal(slbh, approved.Element("SLBH")!.Value);
        Assert.Equal("3002", second.Code);
        Assert.Equal(SandboxCaseState.Decided, _bureau.CaseState(slbh));
    }

    [Fact]
    public async Task RequestSupplement_ByTest_NotificationWithEmptyBzclAndTheCaseWaits()
    {
        using var inbox = Inbox();
        var slbh = (await PostAsync(Bytes(Valid("GA-003")))).Xml.Element("SLBH")!.Value;

        var reply = await _bureau.RequestSupplementAsync(slbh, [], "请补充说明");
        var notified = await NextAsync(inbox, "03");

        Assert.True(reply.Acknowledged);
        Assert.Equal("", notified.Element("BZCL")!.Value);
        Assert.Equal(SandboxCaseState.AwaitingSupplement, _bureau.CaseState(slbh));
        Assert.Equal("0000", (await PostAsync(Bytes(CaseRequest("BZTJ", slbh, "补充说明")))).Code);
    }

    [Fact]
    public async Task Post_SupplementUnknownCase_3003()
    {
        Assert.Equal("3003", (await PostAsync(Bytes(CaseRequest("BZTJ", "GA3203022026112899999", "补交")))).Code);
    }

    [Fact]
    public async Task Post_SupplementNotAsked_3002()
    {
        var slbh = (await PostAsync(Bytes(Valid("GA-003")))).Xml.Element("SLBH")!.Value;

        Assert.Equal("3002", (await PostAsync(Bytes(CaseRequest("BZTJ", slbh, "补交")))).Code);
    }

    [Fact]
    public async Task Post_Withdrawal_0000ThenNotified07AndASecondOne3002()
    {
        using var inbox = Inbox();
        var slbh = (await PostAsync(Bytes(Valid("GA-003")))).Xml.Element("SLBH")!.Value;
        var request = CaseRequest("CHSQ", slbh, "不再需要");

        var withdrawn = await PostAsync(Bytes(request));
        var repeated = await PostAsync(Bytes(request));
        var notified = await NextAsync(inbox, "07");
        var again = await PostAsync(Bytes(CaseRequest("CHSQ", slbh, "不再需要")));

        Assert.Equal(("0000", slbh), (withdrawn.Code, withdrawn.Xml.Element("SLBH")!.Value));
        Assert.Equal(("2004", slbh), (repeated.Code, repeated.Xml.Element("SLBH")!.Value));
        Assert.Equal(slbh, notified.Element("SLBH")!.Value);
        Assert.Equal("3002", again.Code);
        Assert.Single(_bureau.WithdrawalsReceived);
    }

    [Fact]
    public async Task Post_WithdrawalOfAnInstantItem_3002()
    {
        var slbh = (await PostAsync(Bytes(Valid("GA-005")))).Xml.Element("SLBH")!.Value;

        Assert.Equal("3002", (await PostAsync(Bytes(CaseRequest("CHSQ", slbh, "不再需要")))).Code);
    }

    private SandboxInbox Inbox()
    {
        var inbox = new SandboxInbox("application/xml; charset=GB18030", Gb18030.GetBytes("<NotifyAck><Code>0000</Code></NotifyAck>"));
        _bureau.NotifyUrl = inbox.Url;
        return inbox;
    }

    private static async Task<XElement> NextAsync(SandboxInbox inbox, string blzt)
    {
        var body = await inbox.NextAsync(b => XElement.Parse(Gb18030.GetString(b)).Element("BLZT")?.Value == blzt);
        return XElement.Parse(Gb18030.GetString(body));
    }

    private Task<BureauReply> UploadAsync(string code, string contentType, byte[] file, DateTimeOffset? signedAt = null) =>
        PostAsync(file, contentType: contentType, path: PublicSecuritySandbox.MaterialsPath, materialCode: code, signedAt: signedAt);

    private static string Clid(BureauReply reply) => reply.Xml.Element("CLID")!.Value;

    private static XElement WithMaterials(XElement request, params (string Code, string Id)[] materials)
    {
        request.Element("Body")!.Add(Cllb(materials));
        return request;
    }

    private static XElement? Cllb((string Code, string Id)[] materials) => materials.Length == 0
        ? null
        : new XElement("CLLB", materials.Select(m => new XElement("CL", new XElement("CLBM", m.Code), new XElement("CLID", m.Id))));

    private static XElement CaseRequest(string businessType, string slbh, string note, params (string Code, string Id)[] materials) =>
        new("Request",
            new XElement("Head",
                new XElement("YWLX", businessType),
                new XElement("LSH", GaTestData.NewLsh()),
                new XElement("SQSJ", TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)),
                new XElement("SQQD", "SQPT"),
                new XElement("SSXQ", "320302")),
            new XElement("Body",
                new XElement("SLBH", slbh),
                new XElement(businessType == "BZTJ" ? "BZSM" : "CHYY", note),
                Cllb(materials)));

    private sealed record BureauReply(string? Code, string? Message, XElement Xml);
}
