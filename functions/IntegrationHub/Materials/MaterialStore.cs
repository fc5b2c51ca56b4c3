using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Materials;

/// <summary>A material the hub holds: who uploaded it, for which code, what its bytes are. No personal data: ids, sizes, a hash.</summary>
internal sealed record StoredMaterial(string Id, string Platform, string Code, string MediaType, long Size, string Sha256Hex, DateTimeOffset UploadedAt);

/// <summary>
/// The materials' blobs, in the container <c>{prefix}-materials</c> (lower case; infra/modules/storage.bicep creates it on
/// Azure). A blob is named by the material id, holds the file sealed with the hub's key ring (Privacy/EnvelopeCipher, bound
/// to the id), and carries the facts of <see cref="StoredMaterial"/> as metadata, so checking a material at the door is one
/// properties read. Every call is counted (<see cref="StorageCalls"/>, service <c>blobs</c>).
/// </summary>
internal sealed class MaterialStore
{
    // One Put Blob for any file a department takes: it is stored whole or not at all (no staged blocks left behind).
    private static readonly StorageTransferOptions OneRequest = new() { InitialTransferSize = 16 * 1024 * 1024, MaximumTransferSize = 16 * 1024 * 1024 };

    private readonly BlobContainerClient _container;
    private readonly EnvelopeCipher _cipher;
    private readonly Lazy<Task> _created;

    public MaterialStore(IOptions<StorageOptions> options, StorageCalls calls, EnvelopeCipher cipher)
    {
        var settings = options.Value;
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(calls.PolicyFor("blobs"), HttpPipelinePosition.PerRetry);
        var service = settings.ConnectionString is { Length: > 0 } connection
            ? new BlobServiceClient(connection, blobOptions)
            : new BlobServiceClient(new Uri($"https://{settings.AccountName}.blob.core.windows.net"), new DefaultAzureCredential(), blobOptions);
        _container = service.GetBlobContainerClient(ContainerName(settings.TablePrefix));
        _cipher = cipher;
        _created = new(() => _container.CreateIfNotExistsAsync());
    }

    public static string ContainerName(string prefix) => prefix.ToLowerInvariant() + "-materials";

    /// <summary>
    /// Stores the material unless its id is taken; answers the material under that id (this one, or the one stored before)
    /// and whether this call stored it. One call; a repeat costs a second (the properties of the one there).
    /// </summary>
    public async Task<(StoredMaterial Material, bool Created)> PutAsync(StoredMaterial material, byte[] content, CancellationToken cancellationToken)
    {
        await _created.Value;
        var blob = _container.GetBlobClient(material.Id);
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(_cipher.Seal(content, Context(material.Id))), new BlobUploadOptions
            {
                Metadata = Metadata(material),
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                TransferOptions = OneRequest,
            }, cancellationToken);
            return (material, true);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return (await FindAsync(material.Id, cancellationToken) ?? throw new InvalidOperationException("A material blob vanished while it was being stored."), false);
        }
    }

    /// <summary>The material's facts, or null when there is none with this id (one call).</summary>
    public async Task<StoredMaterial?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await _created.Value;
        try
        {
            var properties = await _container.GetBlobClient(id).GetPropertiesAsync(cancellationToken: cancellationToken);
            return FromMetadata(id, properties.Value.Metadata);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The file's bytes, opened (one call). Only for sending it to its department or to an operator who gave a reason.</summary>
    public async Task<byte[]> ReadAsync(string id, CancellationToken cancellationToken)
    {
        await _created.Value;
        var content = await _container.GetBlobClient(id).DownloadContentAsync(cancellationToken);
        return _cipher.Open(content.Value.Content.ToArray(), Context(id));
    }

    /// <summary>Erases one material (retention).</summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await _created.Value;
        await _container.GetBlobClient(id).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    private static string Context(string id) => $"materials/{id}";

    private static Dictionary<string, string> Metadata(StoredMaterial m) => new()
    {
        ["platform"] = m.Platform,
        ["code"] = m.Code,
        ["mediatype"] = m.MediaType,
        ["size"] = m.Size.ToString(CultureInfo.InvariantCulture),
        ["sha256"] = m.Sha256Hex,
        ["uploadedat"] = m.UploadedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    private static StoredMaterial FromMetadata(string id, IDictionary<string, string> m) => new(
        id, m["platform"], m["code"], m["mediatype"], long.Parse(m["size"], CultureInfo.InvariantCulture), m["sha256"],
        DateTimeOffset.Parse(m["uploadedat"], CultureInfo.InvariantCulture));
}
