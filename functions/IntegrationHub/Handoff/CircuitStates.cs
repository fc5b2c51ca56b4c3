using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using IntegrationHub.Departments.SharedState;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Handoff;

/// <summary>
/// Which departments' circuit breakers are open, as the resilience pipelines report it. Each instance has its own breakers
/// (Polly's state is in process), so each writes a row <c>{department}|{instance}</c> to the department-state table when
/// one opens and deletes it when it closes: one call each, only on a change. The dashboard shows a department's circuit
/// open while it is open on any instance, and a replay is refused while it is, both from one query of the small
/// <c>circuit</c> partition (this instance's own state needs no call).
/// </summary>
internal sealed class CircuitStates(TimeProvider time, DepartmentStateTable table, ILogger<CircuitStates> logger)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _openUntil = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _instance = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    public async ValueTask OpenedAsync(string department, TimeSpan breakDuration)
    {
        var until = time.GetUtcNow() + breakDuration;
        _openUntil[department] = until;
        await WriteQuietlyAsync(department, rows => rows.UpsertEntityAsync(
            new TableEntity(DepartmentStateTable.CircuitPartition, RowKey(department)) { ["OpenUntil"] = until, ["Department"] = department },
            TableUpdateMode.Replace)).ConfigureAwait(false);
    }

    /// <summary>Half-open or closed: calls go through again from this instance.</summary>
    public async ValueTask ClosedAsync(string department)
    {
        if (_openUntil.TryRemove(department, out _))
        {
            await WriteQuietlyAsync(department, rows => rows.DeleteEntityAsync(DepartmentStateTable.CircuitPartition, RowKey(department))).ConfigureAwait(false);
        }
    }

    /// <summary>This instance's own breaker, no storage call.</summary>
    public bool IsOpen(string department) =>
        _openUntil.TryGetValue(department, out var until) && time.GetUtcNow() < until;

    /// <summary>The departments whose circuit is open on some instance now, with the latest time it closes (one query).</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> OpenAnywhereAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var open = _openUntil.Where(e => e.Value > now).ToDictionary(e => e.Key, e => e.Value, StringComparer.OrdinalIgnoreCase);
        var rows = await table.ClientAsync().ConfigureAwait(false);
        await foreach (var row in rows.QueryAsync<TableEntity>(e => e.PartitionKey == DepartmentStateTable.CircuitPartition,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("Department") is { } department && row.GetDateTimeOffset("OpenUntil") is { } until && until > now
                && (!open.TryGetValue(department, out var known) || known < until))
            {
                open[department] = until;
            }
        }

        return open;
    }

    /// <summary>Whether <paramref name="department"/>'s circuit is open on any instance: the view a replay decides on.</summary>
    public async Task<bool> IsOpenAnywhereAsync(string department, CancellationToken cancellationToken) =>
        IsOpen(department) || (await OpenAnywhereAsync(cancellationToken).ConfigureAwait(false)).ContainsKey(department);

    private string RowKey(string department) => $"{department}|{_instance}";

    // A breaker's state change must not fail the call that caused it; the row then says less than the instance knows.
    private async Task WriteQuietlyAsync(string department, Func<TableClient, Task> write)
    {
        try
        {
            await write(await table.ClientAsync().ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            HandoffLog.CircuitNotShared(logger, department, e.Status, e.ErrorCode);
        }
    }
}
