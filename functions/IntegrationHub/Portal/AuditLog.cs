using IntegrationHub.Storage;

namespace IntegrationHub.Portal;

/// <summary>
/// Append-only: every operator action and every reveal of an unmasked field. Rows are only ever added
/// (newest first by an inverted time key); nothing in the hub updates or deletes them.
/// </summary>
internal sealed class AuditLog(AuditStore store, TimeProvider time)
{
    public Task AppendAsync(PortalUser user, string action, string target, string? reason, string? detail, CancellationToken cancellationToken) =>
        store.AppendAsync(new AuditEntity
        {
            At = time.GetUtcNow(),
            User = user.Name,
            Role = user.Role,
            Action = action,
            Target = target,
            Reason = reason,
            Detail = detail,
        }, cancellationToken);

    public async Task<IReadOnlyList<AuditEntry>> NewestAsync(int count, CancellationToken cancellationToken) =>
        [.. (await store.NewestAsync(count, cancellationToken)).Select(e => new AuditEntry(e.At, e.User, e.Role, e.Action, e.Target, e.Reason, e.Detail))];
}
