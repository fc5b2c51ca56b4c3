using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Portal;

/// <summary>
/// Sign-in attempts per account name and per client address, each a fixed window (System.Threading.RateLimiting, the
/// limiters behind ASP.NET Core rate limiting, used inside the handler because the Functions worker runs no ASP.NET Core
/// middleware). Held in this instance's memory: it slows guessing cheaply, with no storage call; the lockout, which must
/// hold for the whole hub, lives in storage (<see cref="SignInLockout"/>).
/// </summary>
internal sealed class SignInThrottle : IDisposable
{
    private const int MaxRemembered = 4096;

    private readonly PartitionedRateLimiter<string> _accounts;
    private readonly PartitionedRateLimiter<string> _addresses;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _audited = new(StringComparer.Ordinal);
    private readonly TimeSpan _window;

    public SignInThrottle(IOptions<PortalOptions> options)
    {
        var rules = options.Value.SignIn;
        _window = rules.Window;
        _accounts = Limiter(rules.AttemptsPerAccount, rules.Window);
        _addresses = Limiter(rules.AttemptsPerAddress, rules.Window);
    }

    /// <summary>Takes one attempt from the address's and the account's budgets; null when both allow it.</summary>
    public SignInRefusal? Refuse(string account, string address)
    {
        using var byAddress = _addresses.AttemptAcquire(address);
        if (!byAddress.IsAcquired)
        {
            return new SignInRefusal($"address:{address}", "per client address", RetryAfter(byAddress));
        }

        using var byAccount = _accounts.AttemptAcquire(account);
        return byAccount.IsAcquired ? null : new SignInRefusal($"account:{account}", "per account", RetryAfter(byAccount));
    }

    /// <summary>
    /// True for the first refusal of a key in a window: a flood of refused attempts then costs one audit row per window,
    /// not one storage write per request (the write would be the attacker's amplifier).
    /// </summary>
    public bool FirstInWindow(string key, DateTimeOffset now)
    {
        if (_audited.Count > MaxRemembered)
        {
            foreach (var stale in _audited.Where(a => now - a.Value >= _window).Select(a => a.Key).ToList())
            {
                _audited.TryRemove(stale, out _);
            }
        }

        var first = !_audited.TryGetValue(key, out var last) || now - last >= _window;
        if (first)
        {
            _audited[key] = now;
        }

        return first;
    }

    public void Dispose()
    {
        _accounts.Dispose();
        _addresses.Dispose();
    }

    private TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : _window;

    private static PartitionedRateLimiter<string> Limiter(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}

/// <summary>A refused sign-in attempt: which budget ran out, and when to try again.</summary>
internal sealed record SignInRefusal(string Key, string Limit, TimeSpan RetryAfter);
