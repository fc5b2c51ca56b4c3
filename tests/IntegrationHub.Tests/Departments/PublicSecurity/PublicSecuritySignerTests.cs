using System.Security.Cryptography;
using System.Text;
using IntegrationHub.Departments.PublicSecurity;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

public sealed class PublicSecuritySignerTests
{
    // Computed outside .NET (Python hmac/hashlib) from the document's formula with key bytes 01..20,
    // JRDW 320300SQPT01, SJC 20261128093000, SJS 0123456789abcdef0123456789abcdef and this GB18030 body.
    private const string VectorBody = """<?xml version="1.0" encoding="GB18030"?><Notify><SLBH>GA3203022026112800001</SLBH><BLZT>05</BLZT></Notify>""";
    private const string VectorNonce = "0123456789abcdef0123456789abcdef";
    private const string VectorSignature = "2c81a50a25c25ac087d7472f45e9dc8616f4afd7fc38551d58c19bb3a2e302ec";

    private static readonly byte[] Body = PublicSecurityTranslator.Gb18030.GetBytes(VectorBody);

    // 2026-11-28 09:30:00 in Xuzhou.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 1, 30, 0, TimeSpan.Zero));

    [Fact]
    public void Sign_FixedClock_TimestampInChinaTimeAndDocumentFormula()
    {
        var signer = new PublicSecuritySigner(GaTestData.Key, _time);

        var signature = signer.Sign(GaTestData.AccessUnit, Body);

        Assert.Equal(GaTestData.AccessUnit, signature.AccessUnit);
        Assert.Equal("20261128093000", signature.Timestamp);
        Assert.Matches("^[0-9a-f]{32}$", signature.Nonce);
        Assert.Equal(Independent(GaTestData.Key, $"{GaTestData.AccessUnit}\n20261128093000\n{signature.Nonce}\n{Sha256Hex(Body)}"), signature.Signature);
    }

    [Fact]
    public void Sign_TwoAttempts_FreshNonceEachTime()
    {
        var signer = new PublicSecuritySigner(GaTestData.Key, _time);

        Assert.NotEqual(signer.Sign(GaTestData.AccessUnit, Body).Nonce, signer.Sign(GaTestData.AccessUnit, Body).Nonce);
    }

    [Fact]
    public void Verify_KnownVector_Valid()
    {
        var signer = new PublicSecuritySigner(GaTestData.Key, _time);

        Assert.Equal(VectorSignature, Independent(GaTestData.Key, $"320300SQPT01\n20261128093000\n{VectorNonce}\n{Sha256Hex(Body)}"));
        Assert.Equal(SignatureCheck.Valid, signer.Verify("320300SQPT01", "20261128093000", VectorNonce, VectorSignature, Body, TimeSpan.FromSeconds(300)));
    }

    [Theory]
    [InlineData(-300, nameof(SignatureCheck.Valid))]
    [InlineData(300, nameof(SignatureCheck.Valid))]
    [InlineData(301, nameof(SignatureCheck.OutsideWindow))]
    [InlineData(-301, nameof(SignatureCheck.OutsideWindow))]
    public void Verify_ClockDifference_WindowOf300Seconds(int seconds, string expected)
    {
        var signer = new PublicSecuritySigner(GaTestData.Key, _time);
        var signature = new PublicSecuritySigner(GaTestData.Key, new FakeTimeProvider(_time.GetUtcNow().AddSeconds(seconds)))
            .Sign("GA320300", Body);

        Assert.Equal(expected, signer.Verify(signature.AccessUnit, signature.Timestamp, signature.Nonce, signature.Signature, Body, TimeSpan.FromSeconds(300)).ToString());
    }

    [Theory]
    [InlineData("320300SQPT02", "20261128093000", VectorNonce, VectorSignature, nameof(SignatureCheck.BadSignature))]
    [InlineData("320300SQPT01", "20261128093001", VectorNonce, VectorSignature, nameof(SignatureCheck.BadSignature))]
    [InlineData("320300SQPT01", "20261128093000", "0123456789abcdef0123456789abcdee", VectorSignature, nameof(SignatureCheck.BadSignature))]
    [InlineData("320300SQPT01", "20261128093000", "0123456789abcde", "ignored", nameof(SignatureCheck.BadSignature))]
    [InlineData("320300SQPT01", "20261128093000", VectorNonce, "2c81a50a", nameof(SignatureCheck.BadSignature))]
    [InlineData("320300SQPT01", "20261128093000", VectorNonce, "not hex at all, but sixty-four characters long, exactly so here.", nameof(SignatureCheck.BadSignature))]
    [InlineData("320300SQPT01", null, VectorNonce, VectorSignature, nameof(SignatureCheck.MissingHeader))]
    [InlineData("320300SQPT01", "20261128093000", VectorNonce, null, nameof(SignatureCheck.MissingHeader))]
    public void Verify_AnyPartChanged_Refused(string accessUnit, string? timestamp, string nonce, string? signature, string expected)
    {
        var signer = new PublicSecuritySigner(GaTestData.Key, _time);

        Assert.Equal(expected, signer.Verify(accessUnit, timestamp, nonce, signature, Body, TimeSpan.FromSeconds(300)).ToString());
    }

    [Fact]
    public void Verify_BodyChanged_Refused()
    {
        var signer = new PublicSecuritySigner(GaTestData.Key, _time);
        var tampered = PublicSecurityTranslator.Gb18030.GetBytes(VectorBody.Replace("<BLZT>05", "<BLZT>06", StringComparison.Ordinal));

        Assert.Equal(SignatureCheck.BadSignature, signer.Verify("320300SQPT01", "20261128093000", VectorNonce, VectorSignature, tampered, TimeSpan.FromSeconds(300)));
    }

    [Fact]
    public void Verify_OtherKey_Refused()
    {
        var signer = new PublicSecuritySigner([.. GaTestData.Key.Reverse()], _time);

        Assert.Equal(SignatureCheck.BadSignature, signer.Verify("320300SQPT01", "20261128093000", VectorNonce, VectorSignature, Body, TimeSpan.FromSeconds(300)));
    }

    private static string Independent(byte[] key, string canonical)
    {
        using var hmac = new HMACSHA256(key);
        return Convert.ToHexString(hmac.ComputeHash(Encoding.ASCII.GetBytes(canonical))).ToLowerInvariant();
    }

    private static string Sha256Hex(byte[] body) => Convert.ToHexString(SHA256.HashData(body)).ToLowerInvariant();
}
