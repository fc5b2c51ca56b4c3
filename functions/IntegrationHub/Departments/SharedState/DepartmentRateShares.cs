using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.SharedState;

/// <summary>A department's hub-wide call rate, which the instances share, and its document's limit (registered by its adapter).</summary>
internal sealed record DepartmentRate(string Department, int DocumentLimit, Func<IServiceProvider, double> CallsPerSecond);

/// <summary>
/// Paces the calls to the departments with a call-rate limit so that all instances together stay within it: each
/// instance holds a lease row in the <c>members</c> partition, renewed every <see cref="SharedStateOptions.MembershipRefresh"/>
/// together with a count of the live leases (an upsert and a one-partition query), and spaces its own calls to a
/// department at <c>members / rate</c> seconds. A newcomer calls only after <see cref="SharedStateOptions.JoinWait"/>, by
/// when every other member has re-counted and shrunk its share; a member whose count is older than that stops calling
/// until it has counted again; a member that leaves deletes its row, and the others grow their share only once they no
/// longer count it. The storage cost is fixed per instance (two calls per refresh), not per department call.
/// </summary>
internal sealed class DepartmentRateShares : IAsyncDisposable
{
    private readonly DepartmentStateTable _table;
    private readonly IOptions<SharedStateOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DepartmentRateShares> _logger;
    private readonly Dictionary<string, double> _rates = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DateTimeOffset> _next = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _instance = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
    private Task? _membership;
    private DateTimeOffset? _joinedAt;
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

    /// <summary>How many instances this one counted last (0 before its first count), for the log and the tests.</summary>
    public int Members => Volatile.Read(ref _view)?.Members ?? 0;

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

        Start();
        var settings = _options.Value;
        while (true)
        {
            var (wait, reserved) = Reserve(department, rate, settings);
            if (wait > settings.MaxWait)
            {
                throw new DepartmentHeldException(department, wait);
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }

            // Without a share yet (joining, or the count too old to trust) the wait was for one; ask again.
            if (reserved)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_membership is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    // The next free slot of this instance's share, reserved only when it is within MaxWait.
    private (TimeSpan Wait, bool Reserved) Reserve(string department, double rate, SharedStateOptions settings)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_joinedAt is not { } joined || _view is not { } view || now - view.CountedAt > settings.JoinWait)
            {
                return (settings.MembershipRefresh, false);
            }

            if (joined + settings.JoinWait > now)
            {
                return (joined + settings.JoinWait - now, false);
            }

            var slot = _next.TryGetValue(department, out var next) && next > now ? next : now;
            if (slot - now <= settings.MaxWait)
            {
                _next[department] = slot + TimeSpan.FromSeconds(view.Members / rate);
            }

            return (slot - now, true);
        }
    }

    // Started on the first call to a paced department, so an instance that never calls one costs nothing.
    private void Start()
    {
        lock (_gate)
        {
            _membership ??= Task.Run(() => MembershipAsync(_stopping.Token));
        }
    }

    private async Task MembershipAsync(CancellationToken stopping)
    {
        var settings = _options.Value;
        TableClient? rows = null;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                rows ??= await _table.ClientAsync().ConfigureAwait(false);
                await RenewAsync(rows, settings, stopping).ConfigureAwait(false);
            }
            catch (RequestFailedException e)
            {
                // The count then ages; past JoinWait this instance stops calling until a renewal succeeds again.
                _logger.LogWarning("Rate-share lease not renewed: {Status} {Error}", e.Status, e.ErrorCode);
            }

            try
            {
                await Task.Delay(settings.MembershipRefresh, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        if (rows is not null)
        {
            try
            {
                await rows.DeleteEntityAsync(DepartmentStateTable.MembersPartition, _instance, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (RequestFailedException e)
            {
                // The lease ends on its own after MemberLease; until then the others keep a smaller share.
                _logger.LogWarning("Rate-share lease not given back: {Status}", e.Status);
            }
        }
    }

    private async Task RenewAsync(TableClient rows, SharedStateOptions settings, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        await rows.UpsertEntityAsync(new TableEntity(DepartmentStateTable.MembersPartition, _instance)
        {
            ["ExpiresAt"] = started + settings.MemberLease,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _joinedAt ??= _time.GetUtcNow();
        }

        var members = 0;
        var now = _time.GetUtcNow();
        await foreach (var row in rows.QueryAsync<TableEntity>(e => e.PartitionKey == DepartmentStateTable.MembersPartition,
            select: ["ExpiresAt"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetDateTimeOffset("ExpiresAt") is { } expires && expires + settings.ClockSkew > now)
            {
                members++;
            }
        }

        // Our own row is always counted, even if another's clock made it look old.
        members = Math.Max(members, 1);
        var previous = Volatile.Read(ref _view);
        Volatile.Write(ref _view, new View(members, started));
        if (previous?.Members != members)
        {
            _logger.LogInformation("Department call rates shared by {Members} hub instances", members);
        }
    }

    /// <param name="Members">Live leases counted, this instance's included.</param>
    /// <param name="CountedAt">When the renewal that counted them began (the count is at least this fresh).</param>
    private sealed record View(int Members, DateTimeOffset CountedAt);
}
