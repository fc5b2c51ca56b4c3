using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Privacy;

/// <summary>
/// AES-256-GCM envelope encryption. Every sealed value gets a fresh random data key; the data key is wrapped (AES-GCM)
/// by the ring's active key, whose id is written into the envelope, so a rotated ring still opens older envelopes.
/// Both layers authenticate the header and a context (the application and field), so an envelope copied into another
/// record or field does not open. Layout, in bytes:
/// <code>
/// 1 version (1) | 1 key id length n | n key id (ASCII) | 12 wrap nonce | 32 wrapped data key | 16 wrap tag
///   | 12 data nonce | 16 data tag | ciphertext (as long as the plaintext)
/// </code>
/// </summary>
internal sealed class EnvelopeCipher
{
    private const byte Version = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int DataKeyBytes = 32;
    private const int Overhead = NonceBytes + DataKeyBytes + TagBytes + NonceBytes + TagBytes;

    private readonly Dictionary<string, byte[]> _keys;
    private readonly string _activeKeyId;

    public EnvelopeCipher(IOptions<EncryptionOptions> options)
    {
        var settings = options.Value;
        _keys = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, key) in settings.Keys)
        {
            _keys[id] = EncryptionOptions.Decode(key) is { Length: EncryptionOptions.KeyBytes } bytes
                ? bytes
                : throw new OptionsValidationException(EncryptionOptions.Section, typeof(EncryptionOptions), [$"{EncryptionOptions.Section}:Keys:{id} is not a 256-bit base64 key."]);
        }

        // The id is written as the configuration spells the key, so every instance finds it again.
        _activeKeyId = _keys.Keys.FirstOrDefault(k => string.Equals(k, settings.ActiveKeyId, StringComparison.OrdinalIgnoreCase))
            ?? throw new OptionsValidationException(EncryptionOptions.Section, typeof(EncryptionOptions), [$"{EncryptionOptions.Section}:ActiveKeyId names no key."]);
    }

    public string ActiveKeyId => _activeKeyId;

    public byte[] Seal(ReadOnlySpan<byte> plaintext, string context)
    {
        var header = Header(_activeKeyId);
        var envelope = new byte[header.Length + Overhead + plaintext.Length];
        header.CopyTo(envelope, 0);
        var aad = AssociatedData(header, context);
        var parts = new Parts(envelope, header.Length);

        Span<byte> dataKey = stackalloc byte[DataKeyBytes];
        RandomNumberGenerator.Fill(dataKey);
        try
        {
            RandomNumberGenerator.Fill(parts.WrapNonce);
            using (var wrap = new AesGcm(_keys[_activeKeyId], TagBytes))
            {
                wrap.Encrypt(parts.WrapNonce, dataKey, parts.WrappedKey, parts.WrapTag, aad);
            }

            RandomNumberGenerator.Fill(parts.DataNonce);
            using var data = new AesGcm(dataKey, TagBytes);
            data.Encrypt(parts.DataNonce, plaintext, parts.Ciphertext, parts.DataTag, aad);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        return envelope;
    }

    public byte[] Open(byte[] envelope, string context)
    {
        var keyId = KeyIdOf(envelope);
        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new SealedDataException($"The data was sealed with key '{keyId}', which is not in {EncryptionOptions.Section}:Keys: keep a key in the ring until nothing sealed with it is left.");
        }

        var at = 2 + keyId.Length;
        if (envelope.Length < at + Overhead)
        {
            throw new SealedDataException("The envelope is truncated.");
        }

        var aad = AssociatedData(envelope.AsSpan(0, at), context);
        var parts = new Parts(envelope, at);
        var plaintext = new byte[parts.Ciphertext.Length];
        Span<byte> dataKey = stackalloc byte[DataKeyBytes];
        try
        {
            using (var wrap = new AesGcm(key, TagBytes))
            {
                wrap.Decrypt(parts.WrapNonce, parts.WrappedKey, parts.WrapTag, dataKey, aad);
            }

            using var data = new AesGcm(dataKey, TagBytes);
            data.Decrypt(parts.DataNonce, parts.Ciphertext, parts.DataTag, plaintext, aad);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new SealedDataException("The envelope does not open: it was altered, or it belongs to another record or field.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        return plaintext;
    }

    /// <summary>The id of the key an envelope's data key is wrapped with.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> envelope)
    {
        if (envelope.Length < 2 || envelope[0] != Version || envelope[1] is 0 or > 32 || envelope.Length < 2 + envelope[1])
        {
            throw new SealedDataException("Not a sealed envelope of a known version.");
        }

        return Encoding.ASCII.GetString(envelope.Slice(2, envelope[1]));
    }

    private static byte[] Header(string keyId)
    {
        var header = new byte[2 + keyId.Length];
        header[0] = Version;
        header[1] = (byte)keyId.Length;
        Encoding.ASCII.GetBytes(keyId, header.AsSpan(2));
        return header;
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, string context) => [.. header, .. Encoding.UTF8.GetBytes(context)];

    /// <summary>The envelope's fields after its header, in layout order.</summary>
    private readonly ref struct Parts
    {
        public Parts(byte[] envelope, int headerLength)
        {
            var rest = envelope.AsSpan(headerLength);
            WrapNonce = rest[..NonceBytes];
            WrappedKey = rest.Slice(NonceBytes, DataKeyBytes);
            WrapTag = rest.Slice(NonceBytes + DataKeyBytes, TagBytes);
            DataNonce = rest.Slice(NonceBytes + DataKeyBytes + TagBytes, NonceBytes);
            DataTag = rest.Slice(NonceBytes + DataKeyBytes + TagBytes + NonceBytes, TagBytes);
            Ciphertext = rest[Overhead..];
        }

        public Span<byte> WrapNonce { get; }

        public Span<byte> WrappedKey { get; }

        public Span<byte> WrapTag { get; }

        public Span<byte> DataNonce { get; }

        public Span<byte> DataTag { get; }

        public Span<byte> Ciphertext { get; }
    }
}

/// <summary>Sealed personal data that does not open: a missing key, an altered or misplaced envelope.</summary>
internal sealed class SealedDataException : Exception
{
    public SealedDataException(string message)
        : base(message)
    {
    }

    public SealedDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SealedDataException()
    {
    }
}
