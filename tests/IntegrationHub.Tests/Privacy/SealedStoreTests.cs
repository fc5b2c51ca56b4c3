using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using IntegrationHub.Applications;
using IntegrationHub.Contracts;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Privacy;

/// <summary>
/// The application store over a real Azurite with sealed personal data: keys rotate without downtime, and retention
/// erases what is due by reading the retention index alone, counting every storage call it makes.
/// </summary>
public sealed class SealedStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 1, 30, 0, TimeSpan.Zero);
    private static readonly string K1 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string K2 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private readonly FakeTimeProvider _time = new(Start);
    private readonly StorageCalls _calls = new();
    private Azurite _azurite = null!;
    private StoreGraph _graph = null!;
    private ApplicationStore _store = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var options = new TableClientOptions();
        options.AddPolicy(_calls, HttpPipelinePosition.PerRetry);
        _graph = new StoreGraph(new TableServiceClient(_azurite.ConnectionString, options), "sealed", _time);
        _store = _graph.Store;
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task KeyRotation_OldAndNewKeysOnRunningInstances_EveryRecordOpensEverywhere()
    {
        var before = PersonalData("k1", ("k1", K1));
        var old = await CreateAsync(before, "王𠈌");

        // Step 1: k2 joins every instance's ring, k1 still active. Step 2: k2 active, rolled out while step-1 instances run.
        var joined = PersonalData("k1", ("k1", K1), ("k2", K2));
        var rotated = PersonalData("k2", ("k1", K1), ("k2", K2));
        var fresh = await CreateAsync(rotated, "李四");
        await _store.StepAsync(old, a =>
        {
            rotated.SealResult(a, new JsonObject { ["certificate_no"] = "FGZM20261128000123" });
            return new StepPlan();
        }, CancellationToken.None);

        var oldRow = (await _store.FindAsync(old, CancellationToken.None))!;
        var freshRow = (await _store.FindAsync(fresh, CancellationToken.None))!;
        Assert.Equal("k1", EnvelopeCipher.KeyIdOf(oldRow.SealedPersonalData));
        Assert.Equal("k2", EnvelopeCipher.KeyIdOf(oldRow.SealedResult));
        Assert.Equal("k2", EnvelopeCipher.KeyIdOf(freshRow.SealedPersonalData));
        foreach (var instance in new[] { joined, rotated })
        {
            Assert.Equal("王𠈌", instance.Open(oldRow)!.Applicant.Name);
            Assert.Equal("李四", instance.Open(freshRow)!.Applicant.Name);
            Assert.Equal("FGZM20261128000123", instance.OpenResult(oldRow)!["certificate_no"]!.GetValue<string>());
        }

        // k1 may leave the ring only once nothing sealed with it is left (retention erases it).
        Assert.Throws<SealedDataException>(() => PersonalData("k2", ("k2", K2)).Open(oldRow));
    }

    [Fact]
    public async Task Retention_ClosedLongEnoughAgo_ErasesThoseOnlyWithOneIndexReadAndTwoCallsEach()
    {
        var personal = PersonalData("k1", ("k1", K1));
        var early = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            early.Add(await CreateClosedAsync(personal));
        }

        _time.Advance(TimeSpan.FromDays(2));
        var later = new List<string> { await CreateClosedAsync(personal), await CreateClosedAsync(personal) };
        var open = await CreateAsync(personal, "赵六");
        var retention = Retention(TimeSpan.FromDays(30));

        _time.Advance(TimeSpan.FromDays(29));
        _calls.Clear();
        var erased = await retention.RunAsync(CancellationToken.None);

        // One range read; per application its transaction (this instance has it, so no read) and the merge that blanks its
        // ID-number and name rows; one delete of the five retention rows.
        Assert.Equal(5, erased);
        Assert.Equal(1 + 5 * 2 + 1, _calls.Count);
        Assert.Single(_calls.Queries);
        Assert.Contains("PartitionKey%20eq%20%27retention%27", _calls.Queries[0], StringComparison.Ordinal);
        Assert.Contains("/sealedretention()", _calls.Queries[0], StringComparison.Ordinal);
        foreach (var id in early)
        {
            var row = (await _store.FindAsync(id, CancellationToken.None))!;
            Assert.Null(row.SealedPersonalData);
            Assert.Null(row.SealedResult);
            Assert.Equal("", row.IdNumberHash);
            Assert.Equal(_time.GetUtcNow(), row.ErasedAt);
            Assert.Null(personal.Open(row));
            var timeline = await _store.TimelineAsync(id, CancellationToken.None);
            Assert.Equal(["received", "status", "erased"], timeline.Select(e => e.Kind));
            Assert.Contains("retention", timeline[^1].Summary, StringComparison.Ordinal);
        }

        foreach (var id in later.Append(open))
        {
            Assert.NotNull(personal.Open((await _store.FindAsync(id, CancellationToken.None))!));
        }

        _calls.Clear();
        Assert.Equal(0, await retention.RunAsync(CancellationToken.None));
        Assert.Equal(1, _calls.Count);

        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(2, await retention.RunAsync(CancellationToken.None));
        Assert.NotNull(personal.Open((await _store.FindAsync(open, CancellationToken.None))!));
        Assert.Empty(await _graph.Retention.ClosedBeforeAsync(_time.GetUtcNow(), 100, CancellationToken.None));
    }

    [Fact]
    public async Task Retention_RowOfAWriterThatLost_IsMovedToWhenTheApplicationReallyClosed()
    {
        var personal = PersonalData("k1", ("k1", K1));
        var id = await CreateAsync(personal, "钱七");

        // A writer wrote its retention row, then lost the race; the application closed later.
        await _graph.Retention.ScheduleAsync(id, Start);
        _time.Advance(TimeSpan.FromDays(10));
        await CloseAsync(id);
        var retention = Retention(TimeSpan.FromDays(30));
        _time.Advance(TimeSpan.FromDays(25));

        Assert.Equal(0, await retention.RunAsync(CancellationToken.None));
        Assert.NotNull(personal.Open((await _store.FindAsync(id, CancellationToken.None))!));
        var rows = await _graph.Retention.ClosedBeforeAsync(_time.GetUtcNow().AddDays(10), 100, CancellationToken.None);
        Assert.Equal(Start.AddDays(10), Assert.Single(rows, r => r.ApplicationId == id).DueAt);

        _time.Advance(TimeSpan.FromDays(6));
        Assert.Equal(1, await retention.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task StepAsync_OnlyTheStepThatCloses_WritesTheRetentionRow()
    {
        var personal = PersonalData("k1", ("k1", K1));
        var id = await CreateAsync(personal, "孙八");
        async Task<int> RowsAsync() => (await _graph.Retention.ClosedBeforeAsync(DateTimeOffset.MaxValue.AddDays(-1), 100, CancellationToken.None)).Count(r => r.ApplicationId == id);

        await _store.StepAsync(id, a => new StepPlan { Entries = [.. StatusChanges.Move(a, ApplicationStatus.Delivered, null, "test", _time)] }, CancellationToken.None);
        var notClosing = await RowsAsync();
        await CloseAsync(id);
        var closing = await RowsAsync();
        await _store.StepAsync(id, a => StepPlan.Of(new TimelineEntity { Kind = "note", Summary = "after" }), CancellationToken.None);

        Assert.Equal(0, notClosing);
        Assert.Equal(1, closing);
        Assert.Equal(1, await RowsAsync());
    }

    private PersonalDataRetention Retention(TimeSpan after) =>
        new(_store, Materials(), _graph.Retention, Options.Create(new RetentionOptions { EraseAfter = after }), _time, NullLogger<PersonalDataRetention>.Instance);

    // Issue 11: retention also deletes material blobs; these applications carry none, so the store is never called.
    private IntegrationHub.Materials.MaterialStore Materials() => new(
        Options.Create(new StorageOptions { ConnectionString = _azurite.ConnectionString, TablePrefix = "sealed" }),
        new IntegrationHub.Storage.StorageCalls(),
        new EnvelopeCipher(Options.Create(new EncryptionOptions { ActiveKeyId = "k1", Keys = new Dictionary<string, string> { ["k1"] = K1 } })));

    private static PersonalData PersonalData(string active, params (string Id, string Key)[] keys) =>
        new(new EnvelopeCipher(Options.Create(new EncryptionOptions { ActiveKeyId = active, Keys = keys.ToDictionary(k => k.Id, k => k.Key) })));

    private async Task<string> CreateClosedAsync(PersonalData personal)
    {
        var id = await CreateAsync(personal, "周九");
        await CloseAsync(id);
        return id;
    }

    private async Task CloseAsync(string id) =>
        await _store.StepAsync(id, a => new StepPlan { Entries = [.. StatusChanges.Move(a, ApplicationStatus.Approved, null, "test", _time)] }, CancellationToken.None);

    private async Task<string> CreateAsync(PersonalData personal, string name)
    {
        var id = Guid.NewGuid().ToString("N");
        var application = new ApplicationEntity
        {
            PartitionKey = id,
            Platform = "p",
            ItemCode = "GA-005",
            Department = "GA",
            HandoffKey = id,
            Status = ApplicationStatus.Submitted,
            Handoff = HandoffState.Waiting,
            ApplicantNameMasked = Masking.Name(name),
            IdNumberHash = "hash",
            NameHash = "namehash",
            SubmittedAt = _time.GetUtcNow(),
            UpdatedAt = _time.GetUtcNow(),
        };
        var applicant = new IntegrationHub.Departments.Applicant(name, "320302198506121230", "13912345678", "01", "320302", "1", new DateOnly(1985, 6, 12));
        personal.Seal(application, new Submission(applicant, new JsonObject { ["receiptNo"] = "SL3203022026000123" }, []));
        await _store.CreateAsync(application, new TimelineEntity { Kind = "received", Summary = "test" }, CancellationToken.None);
        return id;
    }

    /// <summary>Every request the table client sends, as the storage account would bill it.</summary>
    private sealed class StorageCalls : HttpPipelineSynchronousPolicy
    {
        private readonly List<string> _requests = [];

        public int Count
        {
            get
            {
                lock (_requests)
                {
                    return _requests.Count;
                }
            }
        }

        public IReadOnlyList<string> Queries
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests.Where(r => r.StartsWith("GET", StringComparison.Ordinal) && r.Contains("$filter", StringComparison.Ordinal))];
                }
            }
        }

        public void Clear()
        {
            lock (_requests)
            {
                _requests.Clear();
            }
        }

        public override void OnSendingRequest(HttpMessage message)
        {
            lock (_requests)
            {
                _requests.Add($"{message.Request.Method} {message.Request.Uri}");
            }
        }
    }
}
