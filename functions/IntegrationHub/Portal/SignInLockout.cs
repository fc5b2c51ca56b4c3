using Azure;
using IntegrationHub.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Portal;

/// <summary>
/// Locks an account for a while after repeated wrong passwords. Azure runs many hub instances, so the count and the
/// lock live in storage (one row per account in the lookup table) and every instance honours them.
/// Storage calls per sign-in of a configured account: 1 read; a right password after wrong ones adds 1 delete; a wrong
/// password adds 1 write (1 read and 1 write more for each other instance that wrote the same row meanwhile).
/// An unknown account name costs none: there is nothing to lock.
/// </summary>
internal sealed class SignInLockout(Lookups lookups, IOptions<PortalOptions> options, TimeProvider time)
{
    private const int MaxWriteRaces = 5;

    public async Task<LockoutRow?> ReadAsync(string account, CancellationToken cancellationToken) =>
        await lookups.LockoutAsync(account, cancellationToken) is { } row ? LockoutRow.From(row) : null;

    /// <summary>When the account is locked now, until when.</summary>
    public DateTimeOffset? LockedUntil(LockoutRow? row) => row?.LockedUntil is { } until && until > time.GetUtcNow() ? until : null;

    /// <summary>Counts one wrong password; returns the end of the lock when this one locked the account.</summary>
    public async Task<DateTimeOffset?> RecordFailureAsync(string account, LockoutRow? row, CancellationToken cancellationToken)
    {
        var rules = options.Value.SignIn;
        for (var race = 0; ; race++)
        {
            var now = time.GetUtcNow();
            var counting = row is not null && now - row.WindowStart < rules.LockoutWindow && row.Failures > 0;
            var failures = counting ? row!.Failures + 1 : 1;
            var windowStart = counting ? row!.WindowStart : now;
            DateTimeOffset? lockedUntil = failures >= rules.LockoutThreshold ? now + rules.LockoutDuration : row?.LockedUntil;
            var entity = new LockoutEntity
            {
                Account = account,
                Failures = failures >= rules.LockoutThreshold ? 0 : failures,
                WindowStart = windowStart,
                LockedUntil = lockedUntil,
            };

            try
            {
                await lookups.WriteLockoutAsync(entity, row?.ETag, cancellationToken);
                return failures >= rules.LockoutThreshold ? lockedUntil : null;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404 && race < MaxWriteRaces)
            {
                // Another instance counted a failure of the same account meanwhile: count on top of its row.
                row = await ReadAsync(account, cancellationToken);
            }
        }
    }

    /// <summary>A right password clears the count (and an expired lock's row); another instance's newer failure stands.</summary>
    public Task ClearAsync(LockoutRow row, CancellationToken cancellationToken) => lookups.ClearLockoutAsync(row.Account, row.ETag, cancellationToken);
}

internal sealed record LockoutRow(string Account, int Failures, DateTimeOffset WindowStart, DateTimeOffset? LockedUntil, ETag ETag)
{
    public static LockoutRow From(LockoutEntity row) => new(row.Account, row.Failures, row.WindowStart, row.LockedUntil, row.ETag);
}
