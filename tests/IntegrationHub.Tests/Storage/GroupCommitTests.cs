using Azure.Core;
using Azure.Data.Tables;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Tests.Storage;

/// <summary>
/// A batch written with patience (a step's effects written behind it) waits for company: it rides the transaction the
/// next caller's rows start, and leaves on its own when its patience runs out. Counted by the hub's own counting policy.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private const string Partition = "gc";

    private readonly StorageCalls _calls = new();
    private Azurite _azurite = null!;
    private HubTables _tables = null!;
    private GroupCommit _commit = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(_calls.PolicyFor("tables"), HttpPipelinePosition.PerRetry);
        var options = Options.Create(new StorageOptions { TablePrefix = "gc" });
        _tables = new HubTables(new TableServiceClient(_azurite.ConnectionString, clientOptions), options);
        _commit = new GroupCommit(_tables, options, NullLogger<GroupCommit>.Instance);
        await _tables.Work();
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task PatientBatch_AnotherCallerWritesMeanwhile_BothLeaveInOneTransaction()
    {
        Task<BatchResult> patient;
        using (StorageCalls.Begin("patient"))
        {
            patient = WriteAsync("a", TimeSpan.FromSeconds(30));
        }

        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(patient.IsCompleted, "a batch with 30 s of patience and no company left on its own");

        using (StorageCalls.Begin("hurried"))
        {
            Assert.Equal(BatchOutcome.Committed, (await WriteAsync("b", TimeSpan.Zero)).Outcome);
        }

        Assert.Equal(BatchOutcome.Committed, (await patient.WaitAsync(TimeSpan.FromSeconds(10))).Outcome);
        Assert.Equal(1.0, Transactions("patient") + Transactions("hurried"), 3);
        Assert.Equal(["a", "b"], await RowsAsync());
    }

    [Fact]
    public async Task PatientBatch_NobodyElseWrites_LeavesWhenItsPatienceRunsOut()
    {
        using (StorageCalls.Begin("patient"))
        {
            var result = await WriteAsync("a", TimeSpan.FromMilliseconds(400)).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(BatchOutcome.Committed, result.Outcome);
        }

        Assert.Equal(1.0, Transactions("patient"), 3);
        Assert.Equal(["a"], await RowsAsync());
    }

    private Task<BatchResult> WriteAsync(string row, TimeSpan patience) =>
        _commit.WriteAsync(t => t.Work(), WorkIndex.TableName, Partition, new RowBatch().Add(RowWriteKind.Upsert, new TableEntity(Partition, row)), patience);

    private double Transactions(string operation) =>
        _calls.Snapshot().TryGetValue(operation, out var services) ? services.GetValueOrDefault("tables:$batch") : 0;

    private async Task<List<string>> RowsAsync()
    {
        var table = await _tables.Work();
        var rows = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition))
        {
            rows.Add(row.RowKey);
        }

        return rows;
    }
}
