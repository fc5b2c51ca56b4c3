namespace IntegrationHub.Storage;

/// <summary>Append-only rows of operator actions (audit table), newest first by an inverted time key.</summary>
internal sealed class AuditStore(HubTables tables)
{
    public async Task AppendAsync(AuditEntity entry, CancellationToken cancellationToken)
    {
        entry.PartitionKey = Keys.AuditPartition;
        entry.RowKey = Keys.Audit(entry.At);
        var table = await tables.Audit();
        await table.AddEntityAsync(entry, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntity>> NewestAsync(int count, CancellationToken cancellationToken)
    {
        var table = await tables.Audit();
        var entries = new List<AuditEntity>();
        await foreach (var row in table.QueryAsync<AuditEntity>(e => e.PartitionKey == Keys.AuditPartition, maxPerPage: count, cancellationToken: cancellationToken))
        {
            entries.Add(row);
            if (entries.Count == count)
            {
                break;
            }
        }

        return entries;
    }
}
