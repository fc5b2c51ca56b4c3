using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Departments;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace IntegrationHub.Tests.Departments.Housing;

/// <summary>
/// The v2.3 exchanges over HTTP against a stub that answers as the document says: multipart files with type_code under
/// the bearer token (201, then 200 with the same file_id for the same bytes and type), supplements and withdrawal.
/// </summary>
public sealed class HousingCaseRequestsTests : IDisposable
{
    private readonly WireMockServer _bureau = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly HashSet<string> _files = [];
    private readonly ServiceProvider _hub;

    public HousingCaseRequestsTests()
    {
        _bureau.Given(Request.Create().WithPath("/oauth/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"access_token":"abc","token_type":"Bearer","expires_in":7200}"""));
        _hub = FgTestData.Hub(new Uri(_bureau.Urls[0]));
    }

    public void Dispose()
    {
        _hub.Dispose();
        _bureau.Dispose();
    }

    [Fact]
    public async Task UploadAsync_SameFileTwice_SameFileIdCreatedThenExisting()
    {
        _bureau.Given(Request.Create().WithPath("/api/v2/files").UsingPost()).RespondWith(Response.Create().WithCallback(FileAsync));
        var file = File("incomeProof", Encoding.ASCII.GetBytes("%PDF-1.7 income"));

        var first = await Requests().UploadAsync("FG-001", file, CancellationToken.None);
        var second = await Requests().UploadAsync("FG-001", file, CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Received, "created"), (first.Kind, first.DepartmentCode));
        Assert.Equal((HandoffOutcomeKind.Received, "existing"), (second.Kind, second.DepartmentCode));
        Assert.Equal(first.DepartmentFileId, second.DepartmentFileId);
        Assert.All(_bureau.LogEntries.Where(e => e.RequestMessage.Path == "/api/v2/files"),
            e => Assert.Equal("Bearer abc", e.RequestMessage.Headers!["Authorization"].ToString()));
    }

    [Fact]
    public async Task UploadAsync_BadFile_InvalidWithTheBureausError()
    {
        GivenJson("/api/v2/files", 400, """{"error":"bad_file","message":"not a PDF"}""");

        var outcome = await Requests().UploadAsync("FG-001", File("incomeProof", [1, 2, 3]), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Invalid, "bad_file", "not a PDF"), (outcome.Kind, outcome.DepartmentCode, outcome.DepartmentMessage));
    }

    [Fact]
    public async Task UploadAsync_TooLarge413_Invalid()
    {
        _bureau.Given(Request.Create().WithPath("/api/v2/files").UsingPost()).RespondWith(Response.Create().WithStatusCode(413));

        var outcome = await Requests().UploadAsync("FG-001", File("incomeProof", [1, 2, 3]), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Invalid, "HTTP 413"), (outcome.Kind, outcome.DepartmentCode));
        Assert.Equal(1, Calls("/api/v2/files"));
    }

    [Fact]
    public async Task UploadAsync_503WithRetryAfter_HeldAndNotRetried()
    {
        _bureau.Given(Request.Create().WithPath("/api/v2/files").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "60"));

        var outcome = await Requests().UploadAsync("FG-001", File("incomeProof", [1, 2, 3]), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Held, TimeSpan.FromSeconds(60)), (outcome.Kind, outcome.RetryAfter));
        Assert.Equal(1, Calls("/api/v2/files"));
    }

    [Fact]
    public async Task UploadAsync_MaterialTheItemDoesNotTake_InvalidWithoutACall()
    {
        var outcome = await Requests().UploadAsync("FG-005", File("leaseContract", [1, 2, 3]), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Invalid, outcome.Kind);
        Assert.Empty(_bureau.LogEntries);
    }

    [Fact]
    public async Task SupplementAsync_Taken_ReceivedWithRequestIdNoteAndAttachments()
    {
        GivenJson("/api/v2/applications/FG-20261128-000123/supplements", 202, """{"ticket_no":"FG-20261128-000123","status":"supplement_received"}""");

        var outcome = await Requests().SupplementAsync(Supplement(), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Received, "supplement_received", "FG-20261128-000123"), (outcome.Kind, outcome.DepartmentCode, outcome.CaseNumber));
        var sent = JsonNode.Parse(Sent("/api/v2/applications/FG-20261128-000123/supplements"))!.AsObject();
        Assert.Equal("sup-1", (string?)sent["request_id"]);
        Assert.Equal("已补充收入证明", (string?)sent["note"]);
        Assert.Equal("""[{"type_code":"income_proof","file_id":"F1"}]""", sent["attachments"]!.ToJsonString());
    }

    [Fact]
    public async Task SupplementAsync_NotAwaitingSupplement409_Conflict()
    {
        GivenJson("/api/v2/applications/FG-20261128-000123/supplements", 409, """{"error":"not_awaiting_supplement"}""");

        var outcome = await Requests().SupplementAsync(Supplement(), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Conflict, "not_awaiting_supplement"), (outcome.Kind, outcome.DepartmentCode));
        Assert.Equal(1, Calls("/api/v2/applications/FG-20261128-000123/supplements"));
    }

    [Fact]
    public async Task WithdrawAsync_AlreadyDecided409_Conflict()
    {
        GivenJson("/api/v2/applications/FG-20261128-000123/withdrawal", 409, """{"error":"already_decided"}""");

        var outcome = await Requests().WithdrawAsync(Withdrawal(), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Conflict, "already_decided"), (outcome.Kind, outcome.DepartmentCode));
    }

    [Fact]
    public async Task WithdrawAsync_Taken_ReceivedWithRequestIdAndReason()
    {
        GivenJson("/api/v2/applications/FG-20261128-000123/withdrawal", 202, """{"ticket_no":"FG-20261128-000123","status":"withdrawal_received"}""");

        var outcome = await Requests().WithdrawAsync(Withdrawal(), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Received, "withdrawal_received"), (outcome.Kind, outcome.DepartmentCode));
        Assert.Equal("""{"request_id":"wd-1","reason":"不再需要"}""", Sent("/api/v2/applications/FG-20261128-000123/withdrawal"));
    }

    [Fact]
    public void AddHousing_CaseRequests_ResolvedPerDepartment()
    {
        Assert.Equal("FG", Assert.Single(_hub.GetServices<IDepartmentCaseRequests>()).Department);
        Assert.Equal("FG", _hub.GetRequiredKeyedService<IDepartmentCaseRequests>("FG").Department);
    }

    internal static MaterialFile File(string code, byte[] content, string mediaType = "application/pdf") =>
        new(code, mediaType, content, Convert.ToHexStringLower(SHA256.HashData(content)));

    private static SupplementRequest Supplement() =>
        new("app-1", "FG-001", "sup-1", "FG-20261128-000123", "已补充收入证明", [new("incomeProof", "F1")], null);

    private static WithdrawalRequest Withdrawal() => new("app-1", "FG-001", "wd-1", "FG-20261128-000123", "不再需要", null);

    // The stub's file_id is fixed by the file's bytes and its type code, as the document promises; 201 the first time.
    private async Task<IResponseMessage> FileAsync(IRequestMessage request)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.Headers!["Content-Type"].ToString()).Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(request.BodyData!.BodyAsBytes!));
        var parts = new Dictionary<string, byte[]>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var name = ContentDispositionHeaderValue.Parse(section.ContentDisposition).Name.Value!.Trim('"');
            using var bytes = new MemoryStream();
            await section.Body.CopyToAsync(bytes);
            parts[name] = bytes.ToArray();
        }

        var typeCode = Encoding.UTF8.GetString(parts["type_code"]);
        var fileId = "F" + Convert.ToHexString(SHA256.HashData([.. parts["file"], .. Encoding.UTF8.GetBytes(typeCode)]))[..20];
        var created = _files.Add(fileId);
        return new ResponseMessage
        {
            StatusCode = created ? 201 : 200,
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
            BodyData = new BodyData
            {
                BodyAsString = $$"""{"file_id":"{{fileId}}","type_code":"{{typeCode}}","sha256":"x","size":{{parts["file"].Length}}}""",
                DetectedBodyType = BodyType.String,
                Encoding = Encoding.UTF8,
            },
        };
    }

    private void GivenJson(string path, int status, string body) =>
        _bureau.Given(Request.Create().WithPath(path).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    private int Calls(string path) => _bureau.LogEntries.Count(e => e.RequestMessage.Path == path);

    private string Sent(string path) => _bureau.LogEntries.Single(e => e.RequestMessage.Path == path).RequestMessage.Body!;

    private IDepartmentCaseRequests Requests() => _hub.GetRequiredService<IDepartmentCaseRequests>();
}
