using Azure.Data.Tables;
using IntegrationHub.Contracts;
using IntegrationHub.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>The hub's store over a table service of the test's own (a counting policy, a prefix, a fake clock), wired as the hub wires it.</summary>
internal sealed class StoreGraph
{
    private readonly TimeProvider _time;

    public StoreGraph(TableServiceClient service, string prefix, TimeProvider time)
    {
        _time = time;
        var options = Options.Create(new StorageOptions { TablePrefix = prefix });
        Tables = new HubTables(service, options);
        var commit = new GroupCommit(Tables, options, NullLogger<GroupCommit>.Instance);
        Work = new WorkIndex(Tables, commit);
        Lookups = new Lookups(Tables, commit);
        FollowUps = new FollowUpStore(Tables, Work);
        Retention = new RetentionIndex(Tables, commit);
        Feed = new EventFeed(Tables, commit, Notifications);
        Store = new ApplicationStore(Tables, new ApplicationCache(options), Feed, Work, Lookups, Retention, options, time, NullLogger<ApplicationStore>.Instance);
    }

    public HubTables Tables { get; }

    public WorkIndex Work { get; }

    public Lookups Lookups { get; }

    public FollowUpStore FollowUps { get; }

    public RetentionIndex Retention { get; }

    public FeedNotifications Notifications { get; } = new();

    public EventFeed Feed { get; }

    public ApplicationStore Store { get; }

    /// <summary>A GA-001 application of <paramref name="platform"/> just submitted (Waiting), created as intake creates one; answers its id.</summary>
    public async Task<string> SubmitAsync(string platform, CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid().ToString("N");
        var application = new ApplicationEntity
        {
            PartitionKey = id,
            Platform = platform,
            ItemCode = "GA-001",
            Department = "GA",
            HandoffKey = id,
            Status = ApplicationStatus.Submitted,
            Handoff = HandoffState.Waiting,
            SubmittedAt = _time.GetUtcNow(),
            UpdatedAt = _time.GetUtcNow(),
        };
        var created = await Store.CreateAsync(application, new TimelineEntity { Kind = "received", Summary = "test" }, cancellationToken);
        return created.Outcome == CreationOutcome.Created ? id : throw new InvalidOperationException($"Creating {id} answered {created.Outcome}.");
    }
}
