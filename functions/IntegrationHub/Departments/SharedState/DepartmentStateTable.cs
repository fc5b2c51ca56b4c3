using Azure;
using Azure.Data.Tables;
using IntegrationHub.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.SharedState;

/// <summary>
/// The table holding what every hub instance must agree on about the departments (issue 16): <c>{prefix}deptstate</c>.
/// Its own table, apart from the store's key layout, so neither changes the other. Partitions:
/// <list type="table">
/// <item><term><c>token</c></term><description>RowKey <c>{department}|{client}</c>: the bureau token, sealed, with the renewal lease and the last token requests (<see cref="SharedTokenStore"/>).</description></item>
/// <item><term><c>members</c></term><description>RowKey <c>roster</c>: the instances sharing the call rates, each with its lease end (<see cref="DepartmentRateShares"/>).</description></item>
/// <item><term><c>rs-case</c></term><description>RowKey the 人社 case number (AAZ002): when it was last asked (<see cref="SharedQuerySpacing"/>).</description></item>
/// <item><term><c>circuit</c></term><description>RowKey <c>{department}|{instance}</c>: until when that instance's breaker is open (<see cref="Handoff.CircuitStates"/>).</description></item>
/// </list>
/// None of them holds personal data: a case number, a department code, an instance id, times, and a sealed token.
/// </summary>
internal sealed class DepartmentStateTable(TableServiceClient service, IOptions<StorageOptions> options)
{
    public const string TokenPartition = "token";
    public const string MembersPartition = "members";
    public const string CasePartition = "rs-case";
    public const string CircuitPartition = "circuit";

    private readonly Lock _gate = new();
    private Task<TableClient>? _ready;

    public string Name => options.Value.TablePrefix + "deptstate";

    /// <summary>The table, created on first use (one call per process); a failed creation is tried again next time.</summary>
    internal Task<TableClient> ClientAsync()
    {
        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = CreateAsync();
            }

            return _ready;
        }
    }

    private async Task<TableClient> CreateAsync()
    {
        try
        {
            await service.CreateTableIfNotExistsAsync(Name).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Another instance created it a moment ago.
        }

        return service.GetTableClient(Name);
    }

    /// <summary>The entity, or null when it does not exist: one point read.</summary>
    internal static async Task<T?> FindAsync<T>(TableClient table, string partition, string row, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var found = await table.GetEntityIfExistsAsync<T>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>
    /// Writes <paramref name="entity"/> only if nobody changed it since it was read (its ETag), or adds it when it was not
    /// there (no ETag); returns the new ETag, or null when another instance got there first (412 or 409).
    /// </summary>
    internal static async Task<ETag?> TryWriteAsync<T>(TableClient table, T entity, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        try
        {
            var response = entity.ETag == default
                ? await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                : await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return null;
        }
    }
}
