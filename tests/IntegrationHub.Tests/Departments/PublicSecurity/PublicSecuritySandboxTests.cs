using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Local.Sandbox;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

/// <summary>The sandbox is only worth testing against if it is as strict as the document: these prove it refuses.</summary>
public sealed partial class PublicSecuritySandboxTests : IAsyncLifetime
{
    private static readonly Encoding Gb18030 = PublicSecurityTranslator.Gb18030;
    private static readonly HttpClient Http = new();
    private PublicSecuritySandbox _bureau = null!;

    public Task InitializeAsync()
    {
        _bureau = GaTestData.Bureau();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _bureau.DisposeAsync();
    }

    [Fact]
    public async Task Post_ValidRequest_Received()
    {
        Assert.Equal("0000", (await PostAsync(Bytes(Valid("GA-001")))).Code);
    }

    [Fact]
    public async Task Post_UnknownAccessUnit_1004()
    {
        Assert.Equal("1004", (await PostAsync(Bytes(Valid("GA-001")), accessUnit: "320300SQPT99")).Code);
    }

    [Fact]
    public async Task Post_SignatureOverOtherBody_1001()
    {
        var body = Bytes(Valid("GA-001"));

        Assert.Equal("1001", (await PostAsync(body, signedBody: Bytes(Valid("GA-003")))).Code);
    }

    [Fact]
    public async Task Post_UppercaseHexSignature_1001()
    {
        Assert.Equal("1001", (await PostAsync(Bytes(Valid("GA-001")), upperCaseSignature: true)).Code);
    }

    [Fact]
    public async Task Post_TimestampSixMinutesOld_1002()
    {
        Assert.Equal("1002", (await PostAsync(Bytes(Valid("GA-001")), signedAt: TimeProvider.System.GetUtcNow().AddMinutes(-6))).Code);
    }

    [Fact]
    public async Task Post_NonceReplayed_1003()
    {
        var nonce = "00112233445566778899aabbccddeeff";
        await PostAsync(Bytes(Valid("GA-001")), nonce: nonce);

        Assert.Equal("1003", (await PostAsync(Bytes(Valid("GA-001")), nonce: nonce)).Code);
    }

    [Fact]
    public async Task Post_Utf8Declared_2003()
    {
        var xml = Valid("GA-001");
        var body = Encoding.UTF8.GetBytes("""<?xml version="1.0" encoding="UTF-8"?>""" + xml.ToString(SaveOptions.DisableFormatting));

        Assert.Equal("2003", (await PostAsync(body)).Code);
    }

    [Fact]
    public async Task Post_ContentTypeWithoutCharset_2003()
    {
        Assert.Equal("2003", (await PostAsync(Bytes(Valid("GA-001")), contentType: "application/xml")).Code);
    }

    [Fact]
    public async Task Post_UnknownElement_2003()
    {
        var xml = Valid("GA-003");
        Items(xml).Add(new XElement("BZ", "备注"));

        Assert.Equal("2003", (await PostAsync(Bytes(xml))).Code);
    }

    [Fact]
    public async Task Post_EmptyOptionalElement_2003()
    {
        var xml = Valid("GA-002", "validMinimal");
        Items(xml).Add(new XElement("FWCS", ""));

        Assert.Equal("2003", (await PostAsync(Bytes(xml))).Code);
    }

    [Fact]
    public async Task Post_RentedWithoutLandlord_2002NamingIt()
    {
        var xml = Valid("GA-001");
        Items(xml).Element("FZGMSFHM")!.Remove();

        var answer = await PostAsync(Bytes(xml));

        Assert.Equal("2002", answer.Code);
        Assert.Contains("FZGMSFHM", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_OtherPurposeWithoutText_2002NamingIt()
    {
        var xml = Valid("GA-004");
        Items(xml).Element("ZMYTSM")!.Remove();

        Assert.Contains("ZMYTSM", (await PostAsync(Bytes(xml))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BirthDateDisagreesWithId_2001()
    {
        var xml = Valid("GA-003");
        xml.Element("Body")!.Element("SQR")!.Element("CSRQ")!.Value = "19500101";

        Assert.Equal("2001", (await PostAsync(Bytes(xml))).Code);
    }

    [Theory]
    [InlineData("MZDM", "77")]
    [InlineData("XBDM", "3")]
    public async Task Post_ApplicantCodeOutsideTable_2003(string element, string value)
    {
        var xml = Valid("GA-003");
        xml.Element("Body")!.Element("SQR")!.Element(element)!.Value = value;

        Assert.Equal("2003", (await PostAsync(Bytes(xml))).Code);
    }

    [Fact]
    public async Task Post_ArrivalInTheFuture_2003()
    {
        var xml = Valid("GA-001");
        Items(xml).Element("LZRQ")!.Value = TimeProvider.System.GetUtcNow().AddDays(3).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

        Assert.Equal("2003", (await PostAsync(Bytes(xml))).Code);
    }

    [Fact]
    public async Task Post_LeaseEndingBeforeItStarts_2003()
    {
        var xml = Valid("GA-006");
        Items(xml).Element("ZLZZRQ")!.Value = "20261130";

        Assert.Equal("2003", (await PostAsync(Bytes(xml))).Code);
    }

    [Fact]
    public async Task Post_ElevenTenants_2003()
    {
        var xml = Valid("GA-006");
        var list = Items(xml).Element("ZHLB")!;
        var tenant = list.Element("ZH")!;
        list.RemoveNodes();
        list.Add(Enumerable.Range(0, 11).Select(_ => new XElement(tenant)));

        Assert.Equal("2003", (await PostAsync(Bytes(xml))).Code);
    }

    [Fact]
    public async Task Post_UnknownBusinessType_2003()
    {
        var xml = Valid("GA-003");
        xml.Element("Head")!.Element("YWLX")!.Value = "HZBL";

        Assert.Equal("2003", (await PostAsync(Bytes(xml))).Code);
    }

    private async Task<BureauReply> PostAsync(
        byte[] body,
        string accessUnit = GaTestData.AccessUnit,
        byte[]? signedBody = null,
        DateTimeOffset? signedAt = null,
        string? nonce = null,
        string contentType = "application/xml; charset=GB18030",
        bool upperCaseSignature = false,
        string path = PublicSecuritySandbox.ApplicationsPath,
        string? materialCode = null)
    {
        var timestamp = (signedAt ?? TimeProvider.System.GetUtcNow()).ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        nonce ??= Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var canonical = $"{accessUnit}\n{timestamp}\n{nonce}\n{Convert.ToHexString(SHA256.HashData(signedBody ?? body)).ToLowerInvariant()}";
        var signature = Convert.ToHexString(HMACSHA256.HashData(GaTestData.Key, Encoding.ASCII.GetBytes(canonical)));

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_bureau.BaseUrl, path))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-JRDW", accessUnit);
        request.Headers.Add("X-SJC", timestamp);
        request.Headers.Add("X-SJS", nonce);
        request.Headers.Add("X-QM", upperCaseSignature ? signature : signature.ToLowerInvariant());
        if (materialCode is not null)
        {
            request.Headers.Add("X-CLBM", materialCode);
        }

        using var response = await Http.SendAsync(request);
        var answer = XElement.Parse(Gb18030.GetString(await response.Content.ReadAsByteArrayAsync()));
        return new BureauReply(answer.Element("Code")?.Value, answer.Element("Message")?.Value, answer);
    }

    private static XElement Valid(string code, string sample = "valid") =>
        XElement.Parse(Gb18030.GetString(PublicSecurityTranslator.ToRequest(GaTestData.Application(code, sample))));

    private static XElement Items(XElement request) => request.Element("Body")!.Element("SXXX")!;

    private static byte[] Bytes(XElement request) =>
        Gb18030.GetBytes("""<?xml version="1.0" encoding="GB18030"?>""" + request.ToString(SaveOptions.DisableFormatting));
}
