using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Portal;

/// <summary>
/// What the portal reads for a whole city: the dashboard from counters, the unacknowledged list and the small sets from
/// the work table's rows, every search from point lookups; never a scan of the applications. Each answer reads a few
/// rows by key or by a short range, then the applications it names by point reads.
/// </summary>
internal sealed class PortalQueries(
    WorkIndex work, Lookups lookups, ApplicationStore store, ServiceCatalog catalog, IdHasher hasher, IOptions<PortalOptions> options, TimeProvider time)
{
    private readonly string[] _departments = [.. catalog.Entries.Where(e => e.Item.Online).Select(e => e.Item.Department).Distinct()];

    /// <summary>The departments with online items, as the dashboard lists them.</summary>
    public IReadOnlyList<string> Departments => _departments;

    /// <summary>Hand-off states per department, submissions and failures per hour of the last 24, and the unacknowledged count.</summary>
    public async Task<(Dictionary<string, Dictionary<string, long>> States, IReadOnlyList<(DateTimeOffset Hour, long Submitted, long Failed)> Hours, long Unacknowledged)>
        DashboardAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var firstHour = Hour(now).AddHours(-23);
        var cutoff = now - options.Value.UnacknowledgedAfter;
        var boundary = Ceiling(cutoff);
        var countersTask = work.CountersAsync(boundary < firstHour ? boundary : firstHour, cancellationToken);
        var partialTask = work.AwaitingAsync(cutoff, boundary, int.MaxValue, cancellationToken);
        var counters = await countersTask;
        var states = _departments.ToDictionary(d => d, _ => new Dictionary<string, long>(StringComparer.Ordinal));
        var hours = new Dictionary<DateTimeOffset, (long Submitted, long Failed)>();
        long awaiting = 0, recent = 0;
        foreach (var row in counters)
        {
            var (department, hour) = WorkIndex.CounterOf(row);
            if (hour is not { } h)
            {
                if (states.TryGetValue(department, out var counts))
                {
                    foreach (var state in Enum.GetNames<HandoffState>())
                    {
                        counts[state] = counts.GetValueOrDefault(state) + (row.GetInt64(state) ?? 0);
                    }
                }

                awaiting += row.GetInt64("Awaiting") ?? 0;
                continue;
            }

            var (submitted, failed) = hours.GetValueOrDefault(h);
            hours[h] = (submitted + (row.GetInt64("Submitted") ?? 0), failed + (row.GetInt64("Failed") ?? 0));
            if (h >= boundary)
            {
                recent += row.GetInt64("Awaiting") ?? 0;
            }
        }

        // Awaiting applications submitted after the cutoff: whole hours from their counters, the hour the cutoff falls in from its rows.
        recent += (await partialTask).Count;
        var series = Enumerable.Range(0, 24).Select(i => firstHour.AddHours(i))
            .Select(h => (h, hours.GetValueOrDefault(h).Submitted, hours.GetValueOrDefault(h).Failed)).ToList();
        return (states, series, Math.Max(0, awaiting - recent));
    }

    /// <summary>The oldest applications still unacknowledged past the limit (up to <paramref name="max"/>), and how many there are.</summary>
    public async Task<(IReadOnlyList<ApplicationEntity> Applications, long Total)> UnacknowledgedAsync(int max, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.UnacknowledgedAfter;
        var rowsTask = work.AwaitingAsync(null, cutoff, max, cancellationToken);
        var dashboard = await DashboardAsync(cancellationToken);
        var applications = await ReadAsync((await rowsTask).Select(r => r.ApplicationId), cancellationToken);
        return ([.. applications.Where(a => IsUnacknowledged(a, time.GetUtcNow())).OrderBy(a => a.SubmittedAt)], dashboard.Unacknowledged);
    }

    /// <summary>
    /// A search: the keys given (application id, case number, ID number, name) each name a few applications, which must
    /// match all of them; without a key, a state whose applications form a small set (Waiting, Retrying, Held, Failed,
    /// Resolved) names them. The other criteria filter what was found. Null when nothing names a small enough set.
    /// </summary>
    public async Task<(IReadOnlyList<ApplicationEntity> Found, int Total)?> SearchAsync(SearchCriteria criteria, int max, CancellationToken cancellationToken)
    {
        var departments = criteria.Department is { } only ? [only] : _departments;
        HashSet<string>? ids = null;
        async Task Narrow(Task<IReadOnlyList<string>> found)
        {
            var set = (await found).ToHashSet(StringComparer.Ordinal);
            ids = ids is null ? set : [.. ids.Intersect(set)];
        }

        IReadOnlyList<PendingEntity>? pending = null;
        async Task<IReadOnlyList<PendingEntity>> Pending() => pending ??= await work.PendingAsync(cancellationToken);

        if (criteria.ApplicationId is { } id)
        {
            await Narrow(Task.FromResult<IReadOnlyList<string>>([id]));
        }

        if (criteria.CaseNumber is { } caseNumber)
        {
            await Narrow(lookups.ByCaseNumberAsync(caseNumber, departments, cancellationToken));
        }

        if (criteria.IdNumber is { } idNumber)
        {
            // An application found by its lookup rows once its first step wrote them, by its pending row before.
            var hash = hasher.Hash(idNumber);
            var posted = await lookups.ByIdNumberAsync(hash, departments, cancellationToken);
            await Narrow(Task.FromResult<IReadOnlyList<string>>([.. posted, .. (await Pending()).Where(p => p.IdNumberHash == hash).Select(p => p.ApplicationId)]));
        }

        if (criteria.Name is { } name)
        {
            var hash = hasher.HashName(name);
            var posted = await lookups.ByNameAsync(hash, departments, cancellationToken);
            await Narrow(Task.FromResult<IReadOnlyList<string>>([.. posted, .. (await Pending()).Where(p => p.NameHash == hash).Select(p => p.ApplicationId)]));
        }

        IEnumerable<(string Id, DateTimeOffset SubmittedAt)> candidates;
        if (ids is not null)
        {
            candidates = ids.Select(i => (i, DateTimeOffset.MaxValue));
        }
        else
        {
            IEnumerable<(string Id, string Department, string Item, DateTimeOffset SubmittedAt, string? Handoff)> members = criteria.State switch
            {
                HandoffState.Waiting or HandoffState.Retrying or HandoffState.Held =>
                    (await Pending()).Select(p => (p.ApplicationId, p.Department, p.ItemCode, p.SubmittedAt, (string?)p.Handoff)),
                HandoffState.Failed => (await work.FailedAsync(cancellationToken)).Select(m => (m.ApplicationId, m.Department, m.ItemCode, m.SubmittedAt, (string?)null)),
                HandoffState.Resolved => (await work.ResolvedAsync(cancellationToken)).Select(m => (m.ApplicationId, m.Department, m.ItemCode, m.SubmittedAt, (string?)null)),
                _ => [],
            };
            if (criteria.State is null or HandoffState.Delivered)
            {
                return null;
            }

            candidates = members
                .Where(m => m.Handoff is null || m.Handoff == criteria.State.ToString())
                .Where(m => criteria.Department is null || m.Department == criteria.Department)
                .Where(m => criteria.Item is null || m.Item == criteria.Item)
                .Where(m => (criteria.From is null || m.SubmittedAt >= criteria.From) && (criteria.To is null || m.SubmittedAt < criteria.To))
                .Select(m => (m.Id, m.SubmittedAt))
                .ToList();
        }

        // A large set is listed newest first as far as the page goes; its total is the set's, already filtered by what its rows carry.
        var all = candidates.ToList();
        var read = await ReadAsync(all.OrderByDescending(c => c.SubmittedAt).Take(ids is null ? max : int.MaxValue).Select(c => c.Id), cancellationToken);
        var found = read.Where(a => criteria.Matches(a)).OrderByDescending(a => a.UpdatedAt).ToList();
        return (found, ids is null && all.Count > max ? all.Count : found.Count);
    }

    /// <summary>Failed hand-offs of one department or item, from the failed set (bulk replay's scope).</summary>
    public async Task<IReadOnlyList<string>> FailedAsync(string? department, string? item, CancellationToken cancellationToken) =>
        [.. (await work.FailedAsync(cancellationToken))
            .Where(m => (department is null || m.Department == department) && (item is null || m.ItemCode == item))
            .Select(m => m.ApplicationId)];

    public bool IsUnacknowledged(ApplicationEntity application, DateTimeOffset now) =>
        StepEffects.Awaiting(application) && now - application.SubmittedAt > options.Value.UnacknowledgedAfter;

    private async Task<IReadOnlyList<ApplicationEntity>> ReadAsync(IEnumerable<string> ids, CancellationToken cancellationToken) =>
        [.. (await Task.WhenAll(ids.Distinct().Select(id => store.ReadAsync(id, cancellationToken)))).OfType<ApplicationEntity>()];

    private static DateTimeOffset Hour(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, at.UtcDateTime.Day, at.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Ceiling(DateTimeOffset at) => Hour(at) == at ? at : Hour(at).AddHours(1);
}

/// <summary>What an operator searches by; the keys (application id, case number, ID number, name) each name a few applications.</summary>
internal sealed record SearchCriteria(
    string? ApplicationId, string? CaseNumber, string? Item, string? Department, HandoffState? State,
    DateTimeOffset? From, DateTimeOffset? To, string? IdNumber, string? Name)
{
    public bool Matches(ApplicationEntity a) =>
        (Department is null || a.Department == Department)
        && (Item is null || a.ItemCode == Item)
        && (State is null || a.Handoff == State)
        && (From is null || a.SubmittedAt >= From)
        && (To is null || a.SubmittedAt < To)
        && (CaseNumber is null || a.CaseNumber == CaseNumber)
        && (ApplicationId is null || a.PartitionKey == ApplicationId);
}
