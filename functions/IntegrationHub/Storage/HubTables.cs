using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Storage;

/// <summary>The hub's tables, created on first use.</summary>
public sealed class HubTables(TableServiceClient service, IOptions<StorageOptions> options)
{
    private readonly Lazy<Task> _created = new(() => Task.WhenAll(
        Create(service, options.Value.TablePrefix + "applications"),
        Create(service, options.Value.TablePrefix + "index"),
        Create(service, options.Value.TablePrefix + "events"),
        Create(service, options.Value.TablePrefix + "audit")));

    /// <summary>One partition per application: the record, its timeline and its attempts.</summary>
    public async Task<TableClient> Applications() => await Ready(options.Value.TablePrefix + "applications");

    /// <summary>Lookups and intents: idempotency keys, pending hand-offs, unpublished events.</summary>
    public async Task<TableClient> Index() => await Ready(options.Value.TablePrefix + "index");

    /// <summary>The platforms' event feeds, one partition per platform.</summary>
    public async Task<TableClient> Events() => await Ready(options.Value.TablePrefix + "events");

    public async Task<TableClient> Audit() => await Ready(options.Value.TablePrefix + "audit");

    private async Task<TableClient> Ready(string name)
    {
        await _created.Value;
        return service.GetTableClient(name);
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
