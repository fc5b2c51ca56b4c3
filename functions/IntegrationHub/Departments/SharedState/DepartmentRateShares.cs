using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.SharedState;

/// <summary>A department's hub-wide call rate, which the instances share, and its document's limit (registered by its adapter).</summary>
internal sealed record DepartmentRate(string Department, int DocumentLimit, Func<IServiceProvider, double> CallsPerSecond);

/// <summary>
/// Paces the calls to the departments with a call-rate limit so that all instances together stay within it. The
/// instances calling such a department are listed in one roster row (<c>members</c>/<c>roster</c>: instance id → lease
/// end), rewritten under its ETag, so joins are serialised and each writer knows exactly who was there before it. An
/// instance spaces its own calls to a department at <c>members / rate</c> seconds, from a count at most
/// <see cref="SharedStateOptions.MembershipRefresh"/> old (it re-counts before a call when its count is older: a read and
/// a conditional write). A newcomer that finds others waits <see cref="SharedStateOptions.JoinWait"/> before its first
/// call, by when every other member's next call is made on a count that includes it; one that finds nobody starts at
/// once. A member that stops calling stops counting after <see cref="SharedStateOptions.MemberLease"/>; one that leaves
/// removes itself. The storage cost is two calls per refresh per calling instance, not per department call, and nothing
/// while an instance makes no paced call.
/// </summary>
internal sealed class DepartmentRateShares : IAsyncDisposable, IDisposable
{
    public const string RosterRow = "roster";

    private readonly DepartmentStateTable _table;
    private readonly IOptions<SharedStateOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DepartmentRateShares> _logger;
    private readonly Dictionary<string, double> _rates = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DateTimeOffset> _next = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly string _instance = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
    private View? _view;

    public DepartmentRateShares(DepartmentStateTable table, IOptions<SharedStateOptions> options, TimeProvider time,
        ILogger<DepartmentRateShares> logger, IEnumerable<DepartmentRate> rates, IServiceProvider services)
    {
        _table = table;
        _options = options;
        _time = time;
        _logger = logger;
        foreach (var rate in rates)
        {
            _rates[rate.Department] = rate.CallsPerSecond(services);
        }
    }

    /// <summary>
    /// Returns when this instance may send one request to <paramref name="department"/> (at once for a department without
    /// a rate). Throws <see cref="DepartmentHeldException"/> instead of waiting longer than <see cref="SharedStateOptions.MaxWait"/>.
    /// </summary>
    public async ValueTask AcquireAsync(string department, CancellationToken cancellationToken)
    {
        if (!_rates.TryGetValue(department, out var rate))
        {
            return;
        }

        var settings = _options.Value;
        var view = await CurrentViewAsync(department, settings, cancellationToken).ConfigureAwait(false);
        TimeSpan wait;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var from = view.UsableFrom > now ? view.UsableFrom : now;
            var slot = _next.TryGetValue(department, out var next) && next > from ? next : from;
            wait = slot - now;
            if (wait > settings.MaxWait)
            {
                throw new DepartmentHeldException(department, wait);
            }

            _next[department] = slot + TimeSpan.FromSeconds(view.Members / rate);
        }

        if (wait > TimeSpan.Zero)
        {
            // The slot is reckoned on the injected clock, the wait (at most MaxWait) is real: the request leaves in real
            // time, and a clock that only a test moves must not keep a reserved call from ever leaving.
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _view) is not null)
        {
            try
            {
                // Given back, so the others' shares grow at their next count rather than after the lease.
                var rows = await _table.ClientAsync().ConfigureAwait(false);
                await WriteRosterAsync(rows, members => members.Remove(_instance), CancellationToken.None).ConfigureAwait(false);
            }
            catch (RequestFailedException e)
            {
                _logger.LogWarning("Rate-share lease not given back: {Status}", e.Status);
            }
            catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is RequestFailedException))
            {
                // Storage unreachable at shutdown (the SDK's retries gave up): the lease runs out on its own.
                _logger.LogWarning("Rate-share lease not given back: storage unreachable");
            }
        }

        _refreshing.Dispose();
    }

    /// <summary>A container disposed synchronously: the lease then ends on its own after MemberLease.</summary>
    public void Dispose() => _refreshing.Dispose();

    // A count no older than MembershipRefresh, counted again (one instance-wide refresh at a time) when it is.
    private async Task<View> CurrentViewAsync(string department, SharedStateOptions settings, CancellationToken cancellationToken)
    {
        if (Fresh(settings) is { } fresh)
        {
            return fresh;
        }

        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh(settings) is { } counted)
            {
                return counted;
            }

            var started = _time.GetUtcNow();
            var rows = await _table.ClientAsync().ConfigureAwait(false);
            var before = await WriteRosterAsync(rows, members => members[_instance] = _time.GetUtcNow() + settings.MemberLease, cancellationToken)
                .ConfigureAwait(false);
            var listed = _time.GetUtcNow();
            var previous = Volatile.Read(ref _view);

            // Already listed: the others count us, keep our place. Newly listed beside others: wait until every count
            // they call on began after our row was written.
            var usableFrom = previous is not null && before.ContainsKey(_instance) ? previous.UsableFrom
                : before.Keys.Any(k => k != _instance) ? listed + settings.JoinWait
                : started;
            var members = before.Keys.Append(_instance).Distinct(StringComparer.Ordinal).Count();
            var view = new View(members, started, usableFrom);
            Volatile.Write(ref _view, view);
            if (previous?.Members != members)
            {
                _logger.LogInformation("Department call rates shared by {Members} hub instances", members);
            }

            return view;
        }
        catch (RequestFailedException e)
        {
            // No trustworthy count, no share: held for a refresh period rather than guessing.
            _logger.LogWarning("Rate shares not counted: {Status} {Error}", e.Status, e.ErrorCode);
            throw new DepartmentHeldException(department, settings.MembershipRefresh);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private View? Fresh(SharedStateOptions settings) =>
        Volatile.Read(ref _view) is { } view && _time.GetUtcNow() - view.CountedAt < settings.MembershipRefresh ? view : null;

    // Reads the roster, drops ended leases, applies the change and writes it back under the ETag, again on a conflict.
    // Returns the live members as they were before the change.
    private async Task<Dictionary<string, DateTimeOffset>> WriteRosterAsync(TableClient rows, Action<Dictionary<string, DateTimeOffset>> change,
        CancellationToken cancellationToken)
    {
        var skew = _options.Value.ClockSkew;
        while (true)
        {
            var row = await DepartmentStateTable.FindAsync<TableEntity>(rows, DepartmentStateTable.MembersPartition, RosterRow, cancellationToken)
                .ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var members = Parse(row?.GetString("Members")).Where(m => m.Value + skew > now).ToDictionary(StringComparer.Ordinal);
            var before = new Dictionary<string, DateTimeOffset>(members, StringComparer.Ordinal);
            change(members);
            var updated = new TableEntity(DepartmentStateTable.MembersPartition, RosterRow)
            {
                ["Members"] = string.Join(',', members.Select(m => $"{m.Key}={m.Value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}")),
            };
            if (row is not null)
            {
                updated.ETag = row.ETag;
            }

            if (await DepartmentStateTable.TryWriteAsync(rows, updated, cancellationToken).ConfigureAwait(false) is not null)
            {
                return before;
            }
        }
    }

    private static IEnumerable<KeyValuePair<string, DateTimeOffset>> Parse(string? stored) =>
        string.IsNullOrEmpty(stored)
            ? []
            : stored.Split(',').Select(m => m.Split('=')).Select(p => KeyValuePair.Create(p[0],
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(p[1], CultureInfo.InvariantCulture))));

    /// <param name="Members">Live leases counted, this instance's included.</param>
    /// <param name="CountedAt">When the count began: the roster read came after this.</param>
    /// <param name="UsableFrom">When this instance may call: its join plus the wait while others learn of it.</param>
    private sealed record View(int Members, DateTimeOffset CountedAt, DateTimeOffset UsableFrom);
}
