using Azure.Data.Tables;
using IntegrationHub.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>The hub's store over a table service of the test's own (a counting policy, a prefix, a fake clock), wired as the hub wires it.</summary>
internal sealed class StoreGraph
{
    public StoreGraph(TableServiceClient service, string prefix, TimeProvider time)
    {
        var options = Options.Create(new StorageOptions { TablePrefix = prefix });
        Tables = new HubTables(service, options);
        var commit = new GroupCommit(Tables, options, NullLogger<GroupCommit>.Instance);
        Work = new WorkIndex(Tables, commit);
        Lookups = new Lookups(Tables, commit);
        FollowUps = new FollowUpStore(Tables, commit);
        Retention = new RetentionIndex(Tables, commit);
        Feed = new EventFeed(Tables, commit, Notifications);
        Store = new ApplicationStore(Tables, new ApplicationCache(options), Feed, Work, Lookups, FollowUps, Retention, time, NullLogger<ApplicationStore>.Instance);
    }

    public HubTables Tables { get; }

    public WorkIndex Work { get; }

    public Lookups Lookups { get; }

    public FollowUpStore FollowUps { get; }

    public RetentionIndex Retention { get; }

    public FeedNotifications Notifications { get; } = new();

    public EventFeed Feed { get; }

    public ApplicationStore Store { get; }
}
