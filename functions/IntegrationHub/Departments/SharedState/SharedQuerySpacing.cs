using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.SharedState;

/// <summary>
/// The minimum interval between two questions about one case, held for the whole hub: a row per case in the
/// <c>rs-case</c> partition records when it was last asked, and an instance claims the next question by rewriting that row
/// under its ETag, so of two instances asking at once one wins and the other is told to wait. Cost per question: one
/// conditional write when this instance asked last (it remembers the ETag) or when nobody has asked about the case yet
/// (an Add); otherwise that write fails and a read and a write follow; none when this instance already knows it is too soon. Assumption: the rows are a case number and a time (no personal data) and stay
/// after the case ends; 20 questions a second at most (the gateway's own limit) keeps the partition far below its limit.
/// </summary>
internal sealed class SharedQuerySpacing(DepartmentStateTable table, IOptions<SharedStateOptions> options, TimeProvider time)
{
    // The ETag of the row this instance wrote last, per case; trimmed like the guard it replaces.
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, ETag ETag)> _mine = new(StringComparer.Ordinal);

    /// <summary>
    /// Claims the right to ask about <paramref name="caseNumber"/> now; false, with how long to wait, when any instance
    /// asked less than <paramref name="interval"/> ago. A claimed question counts even if the call then fails.
    /// </summary>
    public async Task<(bool Acquired, TimeSpan Wait)> TryAcquireAsync(string caseNumber, TimeSpan interval, CancellationToken cancellationToken)
    {
        // Every time compared counts as that much later: another instance's clock may run behind ours, and a request
        // claimed first may leave later than one claimed after it (the gateway measures arrivals).
        var skew = options.Value.ClockSkew;
        var now = time.GetUtcNow();
        // A time this instance wrote itself (it holds the row's ETag) is on its own clock and its own questions about a case
        // leave one after another, so it needs no margin; a time another instance wrote does.
        var remembered = _mine.TryGetValue(caseNumber, out var known);
        if (remembered
            && Remaining(known.At + (known.ETag == default ? skew : TimeSpan.Zero), now, interval) is { } early)
        {
            return (false, early);
        }

        var rows = await table.ClientAsync().ConfigureAwait(false);
        var row = new TableEntity(DepartmentStateTable.CasePartition, caseNumber) { ["AskedAt"] = now };

        // We asked last, as far as we know: one conditional write, and a 412 means someone else has asked since. A case
        // this instance knows nothing of is most often one nobody has asked about yet (its first question, a moment after
        // its delivery): one Add, and a 409 means some instance has asked before, so its time is read and weighed below.
        // (A time this instance only read, it has no ETag for: the row is there, so it is read again.)
        if (!remembered || known.ETag != default)
        {
            if (known.ETag != default)
            {
                // Only a real ETag: a TableEntity keeps a default one as an empty string, which would make the Add an update.
                row.ETag = known.ETag;
            }

            if (await DepartmentStateTable.TryWriteAsync(rows, row, cancellationToken).ConfigureAwait(false) is { } etag)
            {
                Remember(caseNumber, now, etag, interval);
                return (true, TimeSpan.Zero);
            }
        }

        var stored = await DepartmentStateTable.FindAsync<TableEntity>(rows, DepartmentStateTable.CasePartition, caseNumber, cancellationToken).ConfigureAwait(false);
        if (stored?.GetDateTimeOffset("AskedAt") is { } asked && Remaining(asked + skew, now, interval) is { } wait)
        {
            _mine[caseNumber] = (asked, default);
            return (false, wait);
        }

        if (stored is not null)
        {
            row.ETag = stored.ETag;
        }

        if (await DepartmentStateTable.TryWriteAsync(rows, row, cancellationToken).ConfigureAwait(false) is not { } written)
        {
            return (false, interval);
        }

        Remember(caseNumber, now, written, interval);
        return (true, TimeSpan.Zero);
    }

    // A clock that stepped back counts as "just asked": waiting one interval is safe, guessing is not.
    private static TimeSpan? Remaining(DateTimeOffset last, DateTimeOffset now, TimeSpan interval)
    {
        var elapsed = now - last;
        return elapsed >= interval ? null : elapsed < TimeSpan.Zero ? interval : interval - elapsed;
    }

    private void Remember(string caseNumber, DateTimeOffset at, ETag etag, TimeSpan interval)
    {
        _mine[caseNumber] = (at, etag);
        if (_mine.Count > 4096)
        {
            // Cases asked longer than an interval ago no longer limit anything; dropping them keeps the map to the cases in flight.
            foreach (var stale in _mine.Where(e => at - e.Value.At >= interval).Select(e => e.Key).ToList())
            {
                _mine.TryRemove(stale, out _);
            }
        }
    }
}
