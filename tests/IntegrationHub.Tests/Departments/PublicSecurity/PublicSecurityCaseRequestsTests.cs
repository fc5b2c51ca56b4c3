using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using IntegrationHub.Departments;
using IntegrationHub.Departments.PublicSecurity;
using Microsoft.Extensions.DependencyInjection;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

/// <summary>
/// The v2.2 exchanges over HTTP against a stub that answers as the document says: materials by raw bytes with X-CLBM
/// (the same bytes and code, the same CLID), BZTJ and CHSQ on the applications URL.
/// </summary>
public sealed class PublicSecurityCaseRequestsTests : IDisposable
{
    private static readonly Encoding Gb18030 = PublicSecurityTranslator.Gb18030;
    private readonly WireMockServer _bureau = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly ServiceProvider _hub;

    public PublicSecurityCaseRequestsTests()
    {
        _hub = new ServiceCollection().AddLogging().AddPublicSecurity(GaTestData.Configuration(new Uri(_bureau.Urls[0]))).BuildServiceProvider(validateScopes: true);
    }

    public void Dispose()
    {
        _hub.Dispose();
        _bureau.Dispose();
    }

    [Fact]
    public async Task UploadAsync_SameFileTwice_SameClidFromOneSignedRequestEach()
    {
        GivenMaterials(request => Answer(200, $"<Response><Code>0000</Code><Message>上传成功</Message><CLID>{Clid(request)}</CLID></Response>"));
        var file = PublicSecurityCaseTranslatorTests.File("leaseContract", Encoding.ASCII.GetBytes("%PDF-1.7 lease"));

        var first = await Requests().UploadAsync("GA-001", file, CancellationToken.None);
        var second = await Requests().UploadAsync("GA-001", file, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, first.Kind);
        Assert.Equal(first.DepartmentFileId, second.DepartmentFileId);
        Assert.StartsWith("M", first.DepartmentFileId, StringComparison.Ordinal);
        var sent = _bureau.LogEntries.Select(e => e.RequestMessage).ToList();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, r =>
        {
            Assert.Equal("ZLHT", r.Headers!["X-CLBM"].ToString());
            Assert.Equal("application/pdf", r.Headers!["Content-Type"].ToString());
            Assert.Equal(file.Content.ToArray(), r.BodyData!.BodyAsBytes);
            Assert.Matches("^[0-9a-f]{64}$", r.Headers!["X-QM"].ToString());
        });
    }

    [Fact]
    public async Task UploadAsync_BytesNotTheDeclaredType_InvalidWithTheBureausText()
    {
        GivenMaterials(_ => Answer(200, "<Response><Code>2005</Code><Message>文件类型与内容不符</Message></Response>"));

        var outcome = await Requests().UploadAsync("GA-001", PublicSecurityCaseTranslatorTests.File("leaseContract", [0x89, 0x50, 0x4E, 0x47]), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Invalid, "2005", "文件类型与内容不符"), (outcome.Kind, outcome.DepartmentCode, outcome.DepartmentMessage));
        Assert.Single(_bureau.LogEntries);
    }

    [Fact]
    public async Task UploadAsync_503WithRetryAfter_HeldAndNotRetried()
    {
        GivenMaterials(_ => new ResponseMessage
        {
            StatusCode = 503,
            Headers = new Dictionary<string, WireMockList<string>> { ["Retry-After"] = new("300") },
        });

        var outcome = await Requests().UploadAsync("GA-001", PublicSecurityCaseTranslatorTests.File("leaseContract", [1, 2, 3]), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Held, TimeSpan.FromSeconds(300)), (outcome.Kind, outcome.RetryAfter));
        Assert.Single(_bureau.LogEntries);
    }

    [Fact]
    public async Task SupplementAsync_CaseWaiting_ReceivedAsBztj()
    {
        GivenApplications(_ => Answer(200, "<Response><Code>0000</Code><Message>接收成功</Message><SLBH>GA3203022026112800001</SLBH></Response>"));

        var outcome = await Requests().SupplementAsync(Supplement(), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Received, "GA3203022026112800001"), (outcome.Kind, outcome.CaseNumber));
        var sent = XElement.Parse(Gb18030.GetString(Assert.Single(_bureau.LogEntries).RequestMessage.BodyData!.BodyAsBytes!));
        Assert.Equal("BZTJ", sent.Element("Head")!.Element("YWLX")!.Value);
        Assert.Equal("M1", sent.Element("Body")!.Element("CLLB")!.Element("CL")!.Element("CLID")!.Value);
    }

    [Fact]
    public async Task SupplementAsync_CaseNotWaiting3002_Conflict()
    {
        GivenApplications(_ => Answer(200, "<Response><Code>3002</Code><Message>案件不在补正状态</Message></Response>"));

        var outcome = await Requests().SupplementAsync(Supplement(), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Conflict, "3002", "案件不在补正状态"), (outcome.Kind, outcome.DepartmentCode, outcome.DepartmentMessage));
        Assert.Single(_bureau.LogEntries);
    }

    [Fact]
    public async Task WithdrawAsync_AlreadyDecided3002_Conflict()
    {
        GivenApplications(_ => Answer(200, "<Response><Code>3002</Code><Message>案件已办结</Message></Response>"));

        var outcome = await Requests().WithdrawAsync(Withdrawal(), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Conflict, "3002"), (outcome.Kind, outcome.DepartmentCode));
        var sent = XElement.Parse(Gb18030.GetString(Assert.Single(_bureau.LogEntries).RequestMessage.BodyData!.BodyAsBytes!));
        Assert.Equal("CHSQ", sent.Element("Head")!.Element("YWLX")!.Value);
    }

    [Fact]
    public async Task WithdrawAsync_Taken_ReceivedOnceWithTheSameLshOnARetry()
    {
        GivenApplications(_ => Answer(200, "<Response><Code>0000</Code><Message>接收成功</Message><SLBH>GA3203022026112800001</SLBH></Response>"));

        var first = await Requests().WithdrawAsync(Withdrawal(), CancellationToken.None);
        var replay = await Requests().WithdrawAsync(Withdrawal(), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, first.Kind);
        Assert.Equal(HandoffOutcomeKind.Received, replay.Kind);
        var lshs = _bureau.LogEntries.Select(e => XElement.Parse(Gb18030.GetString(e.RequestMessage.BodyData!.BodyAsBytes!)).Element("Head")!.Element("LSH")!.Value).Distinct();
        Assert.Single(lshs);
    }

    [Fact]
    public void AddPublicSecurity_CaseRequests_ResolvedPerDepartment()
    {
        Assert.Equal("GA", Assert.Single(_hub.GetServices<IDepartmentCaseRequests>()).Department);
        Assert.Equal("GA", _hub.GetRequiredKeyedService<IDepartmentCaseRequests>("GA").Department);
    }

    private static SupplementRequest Supplement() =>
        new("app-1", "GA-001", "SUP-0001", "GA3203022026112800001", "已补充租赁合同", [new("leaseContract", "M1")], null);

    private static WithdrawalRequest Withdrawal() => new("app-1", "GA-003", "WD-0001", "GA3203022026112800001", "不再需要", null);

    // The bureau's CLID is fixed by the bytes and the code, as the document promises.
    private static string Clid(IRequestMessage request) =>
        "M" + Convert.ToHexString(SHA256.HashData([.. request.BodyData!.BodyAsBytes!, .. Encoding.ASCII.GetBytes(request.Headers!["X-CLBM"].ToString())]))[..20];

    private static ResponseMessage Answer(int status, string xml) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/xml; charset=GB18030") },
        BodyData = new BodyData { BodyAsBytes = Gb18030.GetBytes(xml), DetectedBodyType = BodyType.Bytes },
    };

    private void GivenMaterials(Func<IRequestMessage, ResponseMessage> answer) =>
        _bureau.Given(Request.Create().WithPath("/" + PublicSecurityClient.MaterialsPath).UsingPost()).RespondWith(Response.Create().WithCallback(answer));

    private void GivenApplications(Func<IRequestMessage, ResponseMessage> answer) =>
        _bureau.Given(Request.Create().WithPath("/" + PublicSecurityClient.ApplicationsPath).UsingPost()).RespondWith(Response.Create().WithCallback(answer));

    private IDepartmentCaseRequests Requests() => _hub.GetRequiredService<IDepartmentCaseRequests>();
}
