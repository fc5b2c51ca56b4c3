using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Storage;

/// <summary>
/// The hub's tables, created on first use. Each holds rows read in one way: point reads only (applications' rows, lookup),
/// or small ranges (work, retention, the feed, audit). Azurite answers every range query by scanning the
/// table it is in, so what is read by range lives apart from what grows without bound (docs/storage.md).
/// </summary>
internal sealed class HubTables(TableServiceClient service, IOptions<StorageOptions> options)
{
    private static readonly string[] Names = ["applications", "events", "work", "lookup", "retention", "audit"];

    private readonly Lazy<Task> _created = new(() => Task.WhenAll(Names.Select(n => Create(service, options.Value.TablePrefix + n))));

    /// <summary>One partition per application: the record, its timeline and the reports it has applied.</summary>
    public Task<TableClient> Applications() => Ready("applications");

    /// <summary>The platforms' event feeds, one partition per platform, positions without gaps.</summary>
    public Task<TableClient> Events() => Ready("events");

    /// <summary>In-flight work (pending hand-offs, step intents, follow-ups of delivered cases), the portal's small sets and its counters, feed cursors.</summary>
    public Task<TableClient> Work() => Ready("work");

    /// <summary>Point lookups: case numbers, ID-number and name hashes, sign-in lockout, revoked sessions.</summary>
    public Task<TableClient> Lookup() => Ready("lookup");

    /// <summary>Closed applications by when they closed, for erasing personal data.</summary>
    public Task<TableClient> Retention() => Ready("retention");

    public Task<TableClient> Audit() => Ready("audit");

    private async Task<TableClient> Ready(string name)
    {
        await _created.Value;
        return service.GetTableClient(options.Value.TablePrefix + name);
    }

    private static async Task Create(TableServiceClient service, string name)
    {
        try
        {
            await service.CreateTableIfNotExistsAsync(name);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another instance created it a moment ago.
        }
    }
}
