using Azure.Data.Tables;
using IntegrationHub.Storage;

namespace IntegrationHub.Portal;

/// <summary>
/// Append-only: every operator action and every reveal of an unmasked field. Rows are only ever added
/// (newest first by an inverted time key); nothing in the hub updates or deletes them.
/// </summary>
public sealed class AuditLog(HubTables tables, TimeProvider time)
{
    private const string Partition = "audit";

    public async Task AppendAsync(PortalUser user, string action, string target, string? reason, string? detail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var table = await tables.Audit();
        var row = new TableEntity(Partition, $"{DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks:D19}-{Guid.NewGuid():N}")
        {
            ["At"] = now,
            ["User"] = user.Name,
            ["Role"] = user.Role,
            ["Action"] = action,
            ["Target"] = target,
            ["Reason"] = reason,
            ["Detail"] = detail,
        };
        await table.AddEntityAsync(row, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> NewestAsync(int count, CancellationToken cancellationToken)
    {
        var table = await tables.Audit();
        var entries = new List<AuditEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, maxPerPage: count, cancellationToken: cancellationToken))
        {
            entries.Add(new AuditEntry(row.GetDateTimeOffset("At")!.Value, row.GetString("User"), row.GetString("Role"), row.GetString("Action"),
                row.GetString("Target"), row.GetString("Reason"), row.GetString("Detail")));
            if (entries.Count == count)
            {
                break;
            }
        }

        return entries;
    }
}
