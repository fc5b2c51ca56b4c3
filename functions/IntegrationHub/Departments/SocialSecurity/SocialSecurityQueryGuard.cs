namespace IntegrationHub.Departments.SocialSecurity;

// Assumption: the guard is per process; several hub instances asking about one case are held back by the gateway's
// own 9001, which the client turns into a RetryAfter.
/// <summary>
/// The adapter's own guarantee that it never asks about one case (AAZ002) more often than the gateway allows,
/// whatever the hub's schedule does: one instance per process (a singleton), remembering when each case was last asked.
/// </summary>
internal sealed class SocialSecurityQueryGuard
{
    private readonly Dictionary<string, DateTimeOffset> _lastAsked = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _pruneAbove = 1024;

    /// <summary>
    /// Claims the right to ask about <paramref name="caseNumber"/> now; false, with how long to wait, when it was
    /// asked less than <paramref name="interval"/> ago. A claimed question counts even if the call then fails,
    /// since the gateway may have seen it.
    /// </summary>
    public bool TryAcquire(string caseNumber, DateTimeOffset now, TimeSpan interval, out TimeSpan wait)
    {
        lock (_gate)
        {
            if (_lastAsked.TryGetValue(caseNumber, out var last))
            {
                // A clock that stepped back counts as "just asked": waiting one interval is safe, guessing is not.
                var elapsed = now - last;
                if (elapsed < interval)
                {
                    wait = elapsed < TimeSpan.Zero ? interval : interval - elapsed;
                    return false;
                }
            }

            _lastAsked[caseNumber] = now;
            Prune(now, interval);
            wait = TimeSpan.Zero;
            return true;
        }
    }

    // Cases asked longer than an interval ago no longer limit anything; dropping them keeps the map to the cases in flight.
    private void Prune(DateTimeOffset now, TimeSpan interval)
    {
        if (_lastAsked.Count <= _pruneAbove)
        {
            return;
        }

        foreach (var stale in _lastAsked.Where(e => now - e.Value >= interval).Select(e => e.Key).ToList())
        {
            _lastAsked.Remove(stale);
        }

        _pruneAbove = Math.Max(1024, _lastAsked.Count * 2);
    }
}
