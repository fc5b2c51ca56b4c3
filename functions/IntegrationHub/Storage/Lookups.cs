using Azure;
using Azure.Data.Tables;

namespace IntegrationHub.Storage;

/// <summary>
/// Point lookups (lookup table): a department's case number, the applications of one person by the keyed hash of an ID
/// number or a name (one row per person and department, one property per application, so finding them is a point read
/// and adding one is a merge without a read), a portal account's lockout, revoked portal sessions.
/// </summary>
internal sealed class Lookups(HubTables tables, GroupCommit commit)
{
    public const string TableName = "lookup";

    internal Task<BatchResult> WriteAsync(string department, RowBatch batch) =>
        commit.WriteAsync(t => t.Lookup(), TableName, department, batch);

    /// <summary>The rows a step writes before its transaction: a new case number; the person's rows on the first step; blanks after erasure.</summary>
    internal static RowBatch Changes(ApplicationEntity? before, ApplicationEntity after)
    {
        var batch = new RowBatch();
        if (after.CaseNumber is { } caseNumber && caseNumber != before?.CaseNumber)
        {
            batch.Add(RowWriteKind.Upsert, new CaseEntity { RowKey = Keys.CaseNumber(caseNumber), ApplicationId = after.PartitionKey, Platform = after.Platform });
        }

        if (before is { Indexed: false } && after.IdNumberHash.Length > 0)
        {
            // The application's first step makes it findable; until then its pending row is what the portal finds.
            after.Indexed = true;
            Post(batch, after, after.SubmittedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (before is { Indexed: true, IdNumberHash.Length: > 0 } && after.IdNumberHash.Length == 0)
        {
            // Erased: the person's rows no longer lead here (a merge cannot remove a property, so it is blanked).
            Post(batch, before, "");
        }

        return batch;
    }

    /// <summary>The applications a case number of one of <paramref name="departments"/> belongs to.</summary>
    public async Task<IReadOnlyList<string>> ByCaseNumberAsync(string caseNumber, IEnumerable<string> departments, CancellationToken cancellationToken)
    {
        var table = await tables.Lookup();
        var found = await Task.WhenAll(departments.Select(d => table.GetEntityIfExistsAsync<CaseEntity>(d, Keys.CaseNumber(caseNumber), cancellationToken: cancellationToken)));
        return [.. found.Where(f => f.HasValue).Select(f => f.Value!.ApplicationId).Distinct()];
    }

    public Task<IReadOnlyList<string>> ByIdNumberAsync(string idNumberHash, IEnumerable<string> departments, CancellationToken cancellationToken) =>
        PostedAsync(Keys.IdNumber(idNumberHash), departments, cancellationToken);

    public Task<IReadOnlyList<string>> ByNameAsync(string nameHash, IEnumerable<string> departments, CancellationToken cancellationToken) =>
        PostedAsync(Keys.Name(nameHash), departments, cancellationToken);

    public async Task<LockoutEntity?> LockoutAsync(string account, CancellationToken cancellationToken)
    {
        var table = await tables.Lookup();
        var row = await table.GetEntityIfExistsAsync<LockoutEntity>(Keys.PortalPartition, Keys.Lockout(account), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Writes the lockout row as read (ETag) or new; throws 409/412/404 when another instance wrote it meanwhile.</summary>
    public async Task WriteLockoutAsync(LockoutEntity row, ETag? readAs, CancellationToken cancellationToken)
    {
        var table = await tables.Lookup();
        row.PartitionKey = Keys.PortalPartition;
        row.RowKey = Keys.Lockout(row.Account);
        if (readAs is { } etag)
        {
            await table.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            await table.AddEntityAsync(row, cancellationToken);
        }
    }

    /// <summary>Deletes the lockout row if it is still as read; false when it was gone or changed.</summary>
    public async Task<bool> ClearLockoutAsync(string account, ETag readAs, CancellationToken cancellationToken)
    {
        var table = await tables.Lookup();
        try
        {
            await table.DeleteEntityAsync(Keys.PortalPartition, Keys.Lockout(account), readAs, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    public async Task RevokeAsync(string sessionId, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var table = await tables.Lookup();
        await table.UpsertEntityAsync(new TableEntity(Keys.PortalPartition, Keys.Revoked(sessionId)) { ["Expires"] = expires }, cancellationToken: cancellationToken);
    }

    public async Task<bool> IsRevokedAsync(string sessionId, CancellationToken cancellationToken)
    {
        var table = await tables.Lookup();
        return (await table.GetEntityIfExistsAsync<TableEntity>(Keys.PortalPartition, Keys.Revoked(sessionId), select: ["Expires"], cancellationToken: cancellationToken)).HasValue;
    }

    private static void Post(RowBatch batch, ApplicationEntity application, string value)
    {
        foreach (var key in new[] { Keys.IdNumber(application.IdNumberHash), Keys.Name(application.NameHash) })
        {
            if (key.Length > 1)
            {
                batch.Add(RowWriteKind.Merge, new TableEntity(application.Department, key) { [Keys.Posting(application.PartitionKey)] = value });
            }
        }
    }

    private async Task<IReadOnlyList<string>> PostedAsync(string rowKey, IEnumerable<string> departments, CancellationToken cancellationToken)
    {
        var table = await tables.Lookup();
        var rows = await Task.WhenAll(departments.Select(d => table.GetEntityIfExistsAsync<TableEntity>(d, rowKey, cancellationToken: cancellationToken)));
        return
        [
            .. rows.Where(r => r.HasValue).SelectMany(r => r.Value!)
                .Where(p => p.Value is string { Length: > 0 } && Keys.PostedApplication(p.Key) is not null)
                .Select(p => Keys.PostedApplication(p.Key)!)
                .Distinct(),
        ];
    }
}
