using System.Security.Cryptography;
using System.Text;
using IntegrationHub.Privacy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Tests.Privacy;

public sealed class EnvelopeCipherTests
{
    private static readonly string K1 = NewKey();
    private static readonly string K2 = NewKey();
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("""{"name":"王𠈌","idNumber":"320302198506121230"}""");

    [Fact]
    public void Seal_ThenOpen_GivesThePlaintextBackAndHidesIt()
    {
        var cipher = Cipher("k1", ("k1", K1));

        var envelope = cipher.Seal(Secret, "applications/a1/submission");

        Assert.Equal(Secret, cipher.Open(envelope, "applications/a1/submission"));
        Assert.Equal(-1, envelope.AsSpan().IndexOf(Encoding.UTF8.GetBytes("320302198506121230")));
        Assert.Equal("k1", EnvelopeCipher.KeyIdOf(envelope));
    }

    [Fact]
    public void Seal_TheSameDataTwice_GivesDifferentEnvelopes()
    {
        var cipher = Cipher("k1", ("k1", K1));

        Assert.NotEqual(cipher.Seal(Secret, "c"), cipher.Seal(Secret, "c"));
    }

    [Fact]
    public void Open_InAnotherContext_Fails()
    {
        var cipher = Cipher("k1", ("k1", K1));
        var envelope = cipher.Seal(Secret, "applications/a1/submission");

        var error = Assert.Throws<SealedDataException>(() => cipher.Open(envelope, "applications/a2/submission"));

        Assert.Contains("another record or field", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(40)]
    [InlineData(90)]
    [InlineData(-1)]
    public void Open_AlteredByteAnywhere_Fails(int position)
    {
        var cipher = Cipher("k1", ("k1", K1));
        var envelope = cipher.Seal(Secret, "c");
        envelope[position < 0 ? envelope.Length - 1 : position] ^= 0x01;

        Assert.Throws<SealedDataException>(() => cipher.Open(envelope, "c"));
    }

    [Fact]
    public void Rotation_NewActiveKey_OldEnvelopesStillOpenAndNewOnesUseTheNewKey()
    {
        var before = Cipher("k1", ("k1", K1));
        var old = before.Seal(Secret, "c");

        // Step 1 of a rotation: the new key joins every instance's ring while k1 stays active.
        var joined = Cipher("k1", ("k1", K1), ("k2", K2));

        // Step 2: k2 becomes active; instances still on step 1 run beside it during the rolling restart.
        var rotated = Cipher("k2", ("k1", K1), ("k2", K2));
        var fresh = rotated.Seal(Secret, "c");

        Assert.Equal("k2", EnvelopeCipher.KeyIdOf(fresh));
        Assert.Equal(Secret, rotated.Open(old, "c"));
        Assert.Equal(Secret, joined.Open(fresh, "c"));
        Assert.Equal(Secret, joined.Open(old, "c"));
    }

    [Fact]
    public void Open_KeyRemovedTooEarly_FailsNamingTheKey()
    {
        var old = Cipher("k1", ("k1", K1)).Seal(Secret, "c");

        var error = Assert.Throws<SealedDataException>(() => Cipher("k2", ("k2", K2)).Open(old, "c"));

        Assert.Contains("'k1'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(K1, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_KeyIdSpelledDifferentlyInConfiguration_StillOpens()
    {
        var sealedWithUpper = Cipher("KeyA", ("KeyA", K1)).Seal(Secret, "c");

        Assert.Equal(Secret, Cipher("keya", ("keya", K1)).Open(sealedWithUpper, "c"));
    }

    [Theory]
    [InlineData(null, null, "Security:Encryption:Keys must hold at least one key")]
    [InlineData("k1", "c2hvcnQ=", "Security:Encryption:Keys:k1 must be base64 of exactly 32 random bytes")]
    [InlineData("k1", "not base64 at all!", "Security:Encryption:Keys:k1 must be base64 of exactly 32 random bytes")]
    [InlineData("k-1", "VALID", "Security:Encryption:Keys:k-1: a key id is 1-32 letters and digits")]
    public void AddPrivacy_BadKeyRing_StopsTheStartNamingTheSetting(string? keyId, string? key, string message)
    {
        var settings = new Dictionary<string, string?> { ["Security:Encryption:ActiveKeyId"] = keyId ?? "k1" };
        if (keyId is not null)
        {
            settings[$"Security:Encryption:Keys:{keyId}"] = key == "VALID" ? K1 : key;
        }

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(K1, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPrivacy_ActiveKeyNotInTheRing_StopsTheStart()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["Security:Encryption:ActiveKeyId"] = "k2",
            ["Security:Encryption:Keys:k1"] = K1,
        }));

        Assert.Contains("Security:Encryption:ActiveKeyId 'k2' names no key in Security:Encryption:Keys (k1)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Security:Retention:EraseAfter", "00:00:00", "Security:Retention:EraseAfter must be a positive time span")]
    [InlineData("Security:Retention:BatchSize", "0", "BatchSize")]
    public void AddPrivacy_BadRetention_StopsTheStartNamingTheSetting(string key, string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["Security:Encryption:ActiveKeyId"] = "k1",
            ["Security:Encryption:Keys:k1"] = K1,
            [key] = value,
        }, typeof(RetentionOptions)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static EnvelopeCipher Cipher(string active, params (string Id, string Key)[] keys) =>
        new(Options.Create(new EncryptionOptions { ActiveKeyId = active, Keys = keys.ToDictionary(k => k.Id, k => k.Key) }));

    // Resolving the validated options is what ValidateOnStart does when the host starts.
    private static void Resolve(Dictionary<string, string?> settings, Type? options = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddPrivacy(configuration).BuildServiceProvider();
        if (options == typeof(RetentionOptions))
        {
            _ = services.GetRequiredService<IOptions<RetentionOptions>>().Value;
        }
        else
        {
            _ = services.GetRequiredService<EnvelopeCipher>();
            _ = services.GetRequiredService<IOptions<EncryptionOptions>>().Value;
        }
    }
}
