using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Applications;

/// <summary>A keyed hash of ID numbers: operators can search by a full number without the hub storing it searchable in clear.</summary>
public sealed class IdHasher(IOptions<IdHashOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    public string Hash(string idNumber) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(idNumber.Trim().ToUpperInvariant())));
}

public sealed class IdHashOptions
{
    public const string Section = "Security:IdHash";

    [System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.MinLength(16)]
    public string Key { get; set; } = "";
}
