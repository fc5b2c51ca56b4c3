using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.Housing;

/// <summary>The sandbox is only worth testing against if it is as strict as the document: these prove it refuses.</summary>
public sealed partial class HousingSandboxTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private readonly FakeTimeProvider _clock = FgTestData.Clock();
    private HousingSandbox _bureau = null!;
    private string? _token;

    public Task InitializeAsync()
    {
        _bureau = FgTestData.Bureau(_clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _bureau.DisposeAsync();
    }

    [Fact]
    public async Task Token_ClientCredentials_BearerWithExpiry()
    {
        var (status, body, _) = await TokenAsync(Form());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", body!["token_type"]!.GetValue<string>());
        Assert.Equal(7200, body["expires_in"]!.GetValue<long>());
        Assert.NotEmpty(body["access_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_WrongSecret_401InvalidClient()
    {
        var (status, body, _) = await TokenAsync(Form(secret: "guess"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_OtherGrant_400UnsupportedGrantType()
    {
        var (status, body, _) = await TokenAsync(Form(grant: "password"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unsupported_grant_type", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_JsonInsteadOfForm_400InvalidRequest()
    {
        using var content = new StringContent($$"""{"grant_type":"client_credentials","client_id":"{{FgTestData.ClientId}}","client_secret":"{{FgTestData.ClientSecret}}"}""",
            Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(_bureau.BaseUrl, HousingSandbox.TokenPath), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Token_EleventhInAMinute_429UntilTheMinuteHasPassed()
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await TokenAsync(Form())).Status);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        var (throttled, _, retryAfter) = await TokenAsync(Form());
        _clock.Advance(TimeSpan.FromSeconds(51));
        var (again, _, _) = await TokenAsync(Form());

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled);
        Assert.Equal(TimeSpan.FromSeconds(50), retryAfter);
        Assert.Equal(HttpStatusCode.OK, again);
    }

    [Fact]
    public async Task Post_ValidRequest_202WithTicket()
    {
        var (status, body) = await PostAsync(Valid("FG-001"));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Matches("^FG-20261128-[0-9]{6}$", body!["ticket_no"]!.GetValue<string>());
        Assert.Equal("received", body["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_RepeatedRequestId_200SameBodyOneTicket()
    {
        var request = Valid("FG-005");

        var first = await PostAsync(request);
        var second = await PostAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Body!.ToJsonString(), second.Body!.ToJsonString());
        Assert.Equal(1, _bureau.TicketCount);
    }

    [Fact]
    public async Task Post_WithoutToken_401InvalidToken()
    {
        var (status, body) = await PostAsync(Valid("FG-001"), token: "");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_token", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_ExpiredToken_401InvalidToken()
    {
        var token = await AccessTokenAsync();
        _clock.Advance(TimeSpan.FromSeconds(7200));

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Valid("FG-001"), token)).Status);
    }

    [Fact]
    public async Task Post_TwentyFirstInOneSecond_429WithRetryAfter()
    {
        var token = await AccessTokenAsync();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Valid("FG-001"), token)).Status);
        }

        using var response = await SendAsync(Valid("FG-001"), token);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Valid("FG-001"), token)).Status);
    }

    [Theory]
    [InlineData("", "channel", "unknown field")]
    [InlineData("payload.", "remark", "unknown field")]
    [InlineData("applicant.", "birth_date", "unknown field")]
    public async Task Post_UnknownField_400NamingIt(string path, string name, string message)
    {
        var request = Valid("FG-001");
        Node(request, path)[name] = "x";

        AssertRefused(await PostAsync(request), path + name, message);
    }

    [Fact]
    public async Task Post_NullForAnOptionalField_400OmitItInstead()
    {
        var request = Valid("FG-001", "validMinimal");
        request["payload"]!["employer"] = null;

        AssertRefused(await PostAsync(request), "payload.employer", "omitted");
    }

    [Theory]
    [InlineData("", "district_code")]
    [InlineData("applicant.", "mobile")]
    [InlineData("payload.", "monthly_income_fen")]
    public async Task Post_RequiredFieldMissingOrNull_400NamingIt(string path, string name)
    {
        var missing = Valid("FG-001");
        Node(missing, path).Remove(name);
        var asNull = Valid("FG-001");
        Node(asNull, path)[name] = null;

        AssertRefused(await PostAsync(missing), path + name, "required");
        AssertRefused(await PostAsync(asNull), path + name, "required");
    }

    [Theory]
    [InlineData("685050.0")]
    [InlineData("685050.5")]
    [InlineData("\"685050\"")]
    [InlineData("-1")]
    [InlineData("6.8505E5")]
    public async Task Post_FenNotANonNegativeJsonInteger_400(string fen)
    {
        var request = Valid("FG-001");
        request["payload"]!["monthly_income_fen"] = JsonNode.Parse(fen);

        AssertRefused(await PostAsync(request), "payload.monthly_income_fen");
    }

    [Theory]
    [InlineData("28.605")]
    [InlineData("-0.5")]
    [InlineData("\"28.6\"")]
    public async Task Post_AreaNotANumberWithTwoDecimals_400(string area)
    {
        var request = Valid("FG-001");
        request["payload"]!["current_housing_area_sqm"] = JsonNode.Parse(area);

        AssertRefused(await PostAsync(request), "payload.current_housing_area_sqm");
    }

    [Theory]
    [InlineData(0, "spouse")]
    [InlineData(1, "self")]
    public async Task Post_NotExactlyOneSelf_400(int member, string relation)
    {
        var request = Valid("FG-001");
        request["payload"]!["household_members"]![member]!["relation"] = relation;

        AssertRefused(await PostAsync(request), "payload.household_members", "exactly one");
    }

    [Fact]
    public async Task Post_ElevenMembers_400()
    {
        var request = Valid("FG-005", "validMinimal");
        var members = request["payload"]!["household_members"]!.AsArray();
        for (var i = 0; i < 10; i++)
        {
            members.Add(new JsonObject { ["name"] = "陈秀兰", ["id_card_no"] = "320311197002281283", ["relation"] = "other" });
        }

        AssertRefused(await PostAsync(request), "payload.household_members");
    }

    [Fact]
    public async Task Post_LeaseEndingBeforeItStarts_400()
    {
        var request = Valid("FG-002");
        request["payload"]!["lease_end"] = "2026-11-30";

        AssertRefused(await PostAsync(request), "payload.lease_end");
    }

    [Theory]
    [InlineData("applicant.", "gender", "F")]
    [InlineData("applicant.", "ethnicity_code", "77")]
    [InlineData("applicant.", "id_card_no", "110105194912310021")]
    [InlineData("applicant.", "mobile", "1381234567")]
    [InlineData("", "district_code", "110105")]
    [InlineData("", "service_code", "PRH_TRANSFER")]
    [InlineData("", "request_id", "")]
    [InlineData("payload.", "purpose", "rent")]
    public async Task Post_ValueOutsideItsTableOrFormat_400NamingIt(string path, string name, string value)
    {
        var request = Valid(name == "purpose" ? "FG-003" : "FG-001");
        Node(request, path)[name] = value;

        AssertRefused(await PostAsync(request), path + name);
    }

    [Fact]
    public async Task Post_LandlordIdWithBadCheckDigit_400()
    {
        var request = Valid("FG-002");
        request["payload"]!["landlord"]!["id_card_no"] = "320302196504123154";

        AssertRefused(await PostAsync(request), "payload.landlord.id_card_no");
    }

    [Fact]
    public async Task Post_IncludeFamilyAsText_400()
    {
        var request = Valid("FG-003");
        request["payload"]!["include_family"] = "true";

        AssertRefused(await PostAsync(request), "payload.include_family");
    }

    [Fact]
    public async Task Post_ChangesOver500Characters_400()
    {
        var request = Valid("FG-005");
        request["payload"]!["changes"] = new string('变', 501);

        AssertRefused(await PostAsync(request), "payload.changes");
    }

    [Theory]
    [InlineData("2026-11-28T09:30:00")]
    [InlineData("2026-11-28T01:30:00Z")]
    [InlineData("2026-11-28 09:30:00+08:00")]
    [InlineData("2026-11-28T12:30:00+08:00")]
    public async Task Post_SubmittedAtNotCstOrInTheFuture_400(string submittedAt)
    {
        var request = Valid("FG-003");
        request["submitted_at"] = submittedAt;

        AssertRefused(await PostAsync(request), "submitted_at");
    }

    [Fact]
    public async Task Post_DuplicateKey_400()
    {
        var json = Valid("FG-004").ToJsonString();
        var body = json.Insert(1, "\"request_id\":\"dup\",");

        var (status, _) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Post_InstantItem_200CompletedWithResult()
    {
        var (status, body) = await PostAsync(Valid("FG-004"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("completed", body!["status"]!.GetValue<string>());
        Assert.NotNull(body["result"]!["balance_fen"]);
        Assert.NotNull(body["result"]!["last_deposit_at"]);
    }

    [Fact]
    public async Task Get_UnknownTicket_404()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_bureau.BaseUrl, HousingSandbox.ApplicationsPath + "/FG-20261128-999999"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync());

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static void AssertRefused((HttpStatusCode Status, JsonObject? Body) answer, string field, string? message = null)
    {
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("validation_failed", answer.Body!["error"]!.GetValue<string>());
        var details = answer.Body["details"]!.AsArray();
        Assert.Contains(details, d => d!["field"]!.GetValue<string>() == field
            && (message is null || d["message"]!.GetValue<string>().Contains(message, StringComparison.Ordinal)));
    }

    private static JsonObject Node(JsonObject request, string path) =>
        path.Length == 0 ? request : request[path.TrimEnd('.')]!.AsObject();

    // The hub's own translation of a realistic sample, at the bureau's "now".
    private JsonObject Valid(string code, string sample = "valid") =>
        JsonNode.Parse(HousingTranslator.ToRequest(FgTestData.Application(code, sample, submittedAt: _clock.GetUtcNow().AddMinutes(-1))))!.AsObject();

    private static Dictionary<string, string> Form(string grant = "client_credentials", string secret = FgTestData.ClientSecret) => new()
    {
        ["grant_type"] = grant,
        ["client_id"] = FgTestData.ClientId,
        ["client_secret"] = secret,
    };

    private async Task<(HttpStatusCode Status, JsonObject? Body, TimeSpan? RetryAfter)> TokenAsync(Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await Http.PostAsync(new Uri(_bureau.BaseUrl, HousingSandbox.TokenPath), content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject, response.Headers.RetryAfter?.Delta);
    }

    // One token per test, as a well-behaved client holds it: the bureau throttles the eleventh in a minute.
    private async Task<string> AccessTokenAsync() => _token ??= (await TokenAsync(Form())).Body!["access_token"]!.GetValue<string>();

    private async Task<(HttpStatusCode Status, JsonObject? Body)> PostAsync(JsonObject request, string? token = null) =>
        await PostAsync(request.ToJsonString(), token);

    private async Task<(HttpStatusCode Status, JsonObject? Body)> PostAsync(string request, string? token = null)
    {
        using var response = await SendAsync(request, token ?? await AccessTokenAsync());
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject);
    }

    private Task<HttpResponseMessage> SendAsync(JsonObject request, string token) => SendAsync(request.ToJsonString(), token);

    private async Task<HttpResponseMessage> SendAsync(string request, string token)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_bureau.BaseUrl, HousingSandbox.ApplicationsPath))
        {
            Content = new StringContent(request, Encoding.UTF8, "application/json"),
        };
        if (token.Length > 0)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Http.SendAsync(message);
    }
}
