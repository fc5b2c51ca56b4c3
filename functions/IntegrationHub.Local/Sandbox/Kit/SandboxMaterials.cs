using System.Security.Cryptography;

namespace IntegrationHub.Local.Sandbox;

/// <summary>One material file as a department stored it: its id, the department's material code, type, size and hash.</summary>
public sealed record ReceivedMaterial(string Id, string Code, string MediaType, long Size, string Sha256, DateTimeOffset At);

/// <summary>
/// A department's store of uploaded materials (公安 v2.2, 房管 v2.3, 人社 v3.1): the same bytes with the same code get the
/// same id. Used under the department's lock.
/// </summary>
internal sealed class SandboxMaterials(Func<DateTimeOffset, int, string> newId)
{
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string Pdf = "application/pdf";

    private readonly Dictionary<string, ReceivedMaterial> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Code, string Sha256), ReceivedMaterial> _byContent = [];
    private readonly List<ReceivedMaterial> _uploads = [];

    /// <summary>Every upload in order, repeats included (a repeat carries the first upload's id).</summary>
    public IReadOnlyList<ReceivedMaterial> Uploads => _uploads;

    /// <summary>The real type of the bytes, read from their first bytes, or null when they are none of JPEG, PNG and PDF.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? Jpeg
        : bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? Png
        : bytes.StartsWith("%PDF-"u8) ? Pdf
        : null;

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Stores checked bytes under <paramref name="code"/>; <c>Created</c> is false when the same bytes and code came before.</summary>
    public (ReceivedMaterial Material, bool Created) Store(string code, string mediaType, byte[] bytes, DateTimeOffset at)
    {
        var hash = Sha256Hex(bytes);
        if (_byContent.TryGetValue((code, hash), out var known))
        {
            _uploads.Add(known with { At = at });
            return (known, false);
        }

        var material = new ReceivedMaterial(newId(at, _byId.Count + 1), code, mediaType, bytes.LongLength, hash, at);
        _byId[material.Id] = material;
        _byContent[(code, hash)] = material;
        _uploads.Add(material);
        return (material, true);
    }

    public ReceivedMaterial? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>
    /// The first reference a department refuses as a wrong value: a code not in <paramref name="allowed"/>, or an id it
    /// never issued, issued under another code, or (<paramref name="usableFor"/>) expired. Null when all are usable.
    /// </summary>
    public (string Code, string Id)? Refused(IReadOnlyList<(string Code, string Id)> references, IReadOnlySet<string> allowed, TimeSpan? usableFor = null, DateTimeOffset now = default) =>
        references.Where(r => !allowed.Contains(r.Code)
                || Find(r.Id) is not { } material
                || material.Code != r.Code
                || (usableFor is { } window && now - material.At > window))
            .Select(r => ((string, string)?)r)
            .FirstOrDefault();

    /// <summary>The first of <paramref name="required"/> that no reference carries, or null.</summary>
    public static string? Missing(IReadOnlyList<(string Code, string Id)> references, IEnumerable<string> required) =>
        required.FirstOrDefault(code => !references.Any(r => r.Code == code));
}
