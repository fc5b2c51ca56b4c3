using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IntegrationHub.Departments.SocialSecurity;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

public sealed class SocialSecuritySignerTests
{
    // Computed outside .NET (Python hmac/hashlib) from the document's formula, key "rs-joint-test-key-2026" as UTF-8,
    // over trade_code|trans_id|timestamp|body with these exact body strings.
    private const string VectorBody = """{"AAC002":"320302198506121230","AAC003":"张三","AAC004":"1"}""";
    private const string VectorSign = "3D9D422793DB50AA008821DD460026F74269FB6AC7BF744CD3356CEA287442CF";
    private const string RareBody = """{"AAC003":"王𠈌","AAE006":"复兴北路\"66\"号"}""";
    private const string RareSign = "09DA1C35C097EC79C863B1BB93BE2A9E940469073AAF33CFB4E68711729DF6AB";

    private static readonly byte[] Key = Encoding.UTF8.GetBytes(RsTestData.SigningKey);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    // 2026-11-28 09:30:00 in Xuzhou.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 1, 30, 0, TimeSpan.Zero));

    [Fact]
    public void Sign_KnownVector_UppercaseHexOfDocumentFormula()
    {
        Assert.Equal(VectorSign, SocialSecuritySigner.Sign(Key, "RS1001", "0190f3a1c2d34e5f8a9b0c1d2e3f4a5b", "20261128093000", VectorBody));
    }

    [Fact]
    public void Sign_RareCharacterAndEscapedQuotes_OverTheExactStringAsUtf8()
    {
        Assert.Equal(RareSign, SocialSecuritySigner.Sign(Key, "RS5001", "Q0123456789ABCDEF0123456789ABCD", "20261128233000", RareBody));
    }

    [Fact]
    public void Sign_BodyReserialisedWithOtherSpacing_DifferentSignature()
    {
        var reserialised = JsonSerializer.Serialize(JsonDocument.Parse(VectorBody).RootElement, Indented);

        Assert.NotEqual(VectorSign, SocialSecuritySigner.Sign(Key, "RS1001", "0190f3a1c2d34e5f8a9b0c1d2e3f4a5b", "20261128093000", reserialised));
    }

    [Fact]
    public void Envelope_FixedClock_ChinaTimestampAndSignOverTheBodyAsSent()
    {
        var signer = new SocialSecuritySigner(Key, RsTestData.OrgCode, _time);
        var request = new SocialSecurityRequest("RS1001", "0190f3a1c2d34e5f8a9b0c1d2e3f4a5b", VectorBody);

        var envelope = JsonDocument.Parse(signer.Envelope(request)).RootElement;

        var head = envelope.GetProperty("head");
        Assert.Equal(["trade_code", "trans_id", "org_code", "timestamp", "sign"], head.EnumerateObject().Select(p => p.Name));
        Assert.Equal(RsTestData.OrgCode, head.GetProperty("org_code").GetString());
        Assert.Equal("20261128093000", head.GetProperty("timestamp").GetString());
        Assert.Equal(VectorSign, head.GetProperty("sign").GetString());
        Assert.Equal(VectorBody, envelope.GetProperty("body").GetString());
    }

    [Fact]
    public async Task SigningHandler_EachAttempt_FreshTimestampSameTransIdAndBody()
    {
        var inner = new RecordingHandler();
        using var invoker = new HttpMessageInvoker(new SocialSecuritySigningHandler(new SocialSecuritySigner(Key, RsTestData.OrgCode, _time)) { InnerHandler = inner });
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:9/si/gateway");
        request.Options.Set(SocialSecuritySigningHandler.RequestKey, new SocialSecurityRequest("RS1001", "0190f3a1c2d34e5f8a9b0c1d2e3f4a5b", VectorBody));

        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();
        _time.Advance(TimeSpan.FromMinutes(10));
        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();

        Assert.Equal(2, inner.Envelopes.Count);
        var (first, second) = (JsonDocument.Parse(inner.Envelopes[0]).RootElement, JsonDocument.Parse(inner.Envelopes[1]).RootElement);
        Assert.Equal("20261128093000", first.GetProperty("head").GetProperty("timestamp").GetString());
        Assert.Equal("20261128094000", second.GetProperty("head").GetProperty("timestamp").GetString());
        Assert.All([first, second], e =>
        {
            var head = e.GetProperty("head");
            Assert.Equal("0190f3a1c2d34e5f8a9b0c1d2e3f4a5b", head.GetProperty("trans_id").GetString());
            Assert.Equal(VectorBody, e.GetProperty("body").GetString());
            Assert.Equal(Independent(head.GetProperty("timestamp").GetString()!), head.GetProperty("sign").GetString());
        });
        Assert.Equal(["application/json; charset=utf-8", "application/json; charset=utf-8"], inner.ContentTypes);
        Assert.True(request.Options.TryGetValue(SocialSecuritySigningHandler.SentKey, out var sent));
        Assert.Equal(inner.Envelopes[1], sent);
    }

    [Fact]
    public async Task SigningHandler_RequestWithoutGatewayRequest_Throws()
    {
        using var invoker = new HttpMessageInvoker(new SocialSecuritySigningHandler(new SocialSecuritySigner(Key, RsTestData.OrgCode, _time)) { InnerHandler = new RecordingHandler() });
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:9/si/gateway");

        await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(request, CancellationToken.None));
    }

    private static string Independent(string timestamp)
    {
        using var hmac = new HMACSHA256(Key);
        return Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes($"RS1001|0190f3a1c2d34e5f8a9b0c1d2e3f4a5b|{timestamp}|{VectorBody}"))).ToUpperInvariant();
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<string> Envelopes { get; } = [];

        public List<string?> ContentTypes { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Envelopes.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            ContentTypes.Add(request.Content.Headers.ContentType?.ToString());
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("""{"head":{"ret_code":"9001"}}""") };
        }
    }
}
