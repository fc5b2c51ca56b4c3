using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Applications;

/// <summary>
/// Keyed hashes of ID numbers and names: operators can search by a full number or an exact name without the hub storing
/// either searchable in clear.
/// </summary>
internal sealed class IdHasher(IOptions<IdHashOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    public string Hash(string idNumber) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(idNumber.Trim().ToUpperInvariant())));

    /// <summary>
    /// The name exactly as intake keeps it (trimmed, code point for code point, no normalisation form: see ApplicationText),
    /// so any character a resident has finds the application. A separate domain, so a name can never hash like an ID number.
    /// </summary>
    public string HashName(string name) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("name\n" + name.Trim())));
}

internal sealed class IdHashOptions
{
    public const string Section = "Security:IdHash";

    [System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.MinLength(16)]
    public string Key { get; set; } = "";
}
