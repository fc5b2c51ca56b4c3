using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Applications;
using IntegrationHub.Composition;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Handoff;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>
/// The hub's components as the hosts register them, over real storage (the run's Azurite, tables and a queue of their
/// own) on a fake clock, with one scripted department in place of the department adapters: for the orchestrators' own
/// tests, which drive one component directly and move the clock instead of waiting. Nothing runs in the background.
/// </summary>
internal sealed class HubComponents : IAsyncDisposable
{
    public const string Platform = "platform-a";

    public static readonly DateTimeOffset Start = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public HubComponents(Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = AdapterStorage.Settings();
        settings["Storage:QueueName"] = "h" + Guid.NewGuid().ToString("N")[..20];
        settings["Security:IdHash:Key"] = "component-tests-id-hash-key-0123";
        settings["Platforms:Clients:0:Name"] = Platform;
        settings["Platforms:Clients:0:ApiKey"] = "component-tests-api-key-0123456789";
        settings["Portal:SessionKey"] = "component-tests-session-key-0123456789abcdef";
        settings["Portal:Accounts:0:User"] = "operator";
        settings["Portal:Accounts:0:Password"] = "component-tests-password";
        settings["Portal:Accounts:0:Role"] = "operator";
        settings["Handoff:MaxAttempts"] = "3";
        settings["Handoff:RetryBaseDelay"] = "00:00:10";
        settings["Handoff:RetryMaxDelay"] = "00:05:00";
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddHub(configuration);
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(Time);
        services.RemoveAll<IDepartmentAdapter>();
        services.RemoveAll<IDepartmentStatusQuery>();
        // Issue 11's uploads, supplements and withdrawals are the real adapters' (typed HttpClients); none is scripted here.
        services.RemoveAll<IDepartmentCaseRequests>();
        services.AddSingleton<IDepartmentAdapter>(Department);
        services.AddSingleton<IDepartmentStatusQuery>(Department);
        _services = services.BuildServiceProvider();
    }

    public TestClock Time { get; } = new(Start);

    /// <summary>公安 (GA), answering what the test scripts.</summary>
    public ScriptedDepartment Department { get; } = new("GA");

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public ApplicationStore Store => Get<ApplicationStore>();

    /// <summary>A GA-001 application stored as intake stores it (sealed, pending hand-off); its message is the test's to hand over.</summary>
    public async Task<string> SubmitAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        var now = Time.GetUtcNow();
        var application = new ApplicationEntity
        {
            PartitionKey = id,
            Platform = Platform,
            ItemCode = "GA-001",
            Department = Department.Department,
            HandoffKey = id,
            Status = ApplicationStatus.Submitted,
            Handoff = HandoffState.Waiting,
            ApplicantNameMasked = Masking.Name("王五"),
            IdNumberHash = Get<IdHasher>().Hash("11010519491231002X"),
            NameHash = Get<IdHasher>().HashName("王五"),
            SubmittedAt = now,
            UpdatedAt = now,
        };
        var applicant = new Applicant("王五", "11010519491231002X", "13812345678", "01", "320302", "2", new DateOnly(1949, 12, 31));
        Get<PersonalData>().Seal(application, new Submission(applicant, new JsonObject { ["dwellingType"] = "01" }, []));
        var created = await Store.CreateAsync(application, new TimelineEntity { Kind = "received", Summary = "stored by the test", Status = ApplicationStatus.Submitted, At = now },
            CancellationToken.None);
        return created.Outcome == CreationOutcome.Created ? id : throw new InvalidOperationException($"Creating {id} answered {created.Outcome}.");
    }

    /// <summary>An application the department received (case number <see cref="CaseNumber"/>) through the dispatcher.</summary>
    public async Task<string> DeliveredAsync()
    {
        var id = await SubmitAsync();
        Department.Answers(new HandoffOutcome(HandoffOutcomeKind.Received, CaseNumber: CaseNumber(id)));
        await Get<HandoffDispatcher>().HandleAsync(Message(id), CancellationToken.None);
        await Store.SettledAsync();
        return id;
    }

    /// <summary>Moves the application to <paramref name="status"/> as a department report would (its feed event commits with the step).</summary>
    public async Task MoveAsync(string id, ApplicationStatus status)
    {
        var step = await Store.StepAsync(id, a => new StepPlan { Entries = [.. StatusChanges.Move(a, status, null, "test", Time)] }, CancellationToken.None);
        if (step.Outcome != StepOutcome.Committed)
        {
            throw new InvalidOperationException($"Moving {id} to {status} answered {step.Outcome}.");
        }
    }

    public static string CaseNumber(string id) => "GA-" + id[..8];

    public static string Message(string id) => JsonSerializer.Serialize(new HandoffMessage(id));

    public async Task<ApplicationEntity> ReadAsync(string id) =>
        await Store.ReadAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"No application {id}.");

    public async Task<PendingEntity?> PendingAsync(string id) =>
        (await Get<WorkIndex>().PendingAsync(CancellationToken.None)).SingleOrDefault(p => p.ApplicationId == id);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>A department that answers hand-offs and status questions from a script, and counts what it was asked.</summary>
internal sealed class ScriptedDepartment(string department) : IDepartmentAdapter, IDepartmentStatusQuery
{
    private readonly Queue<HandoffOutcome> _handoffs = new();
    private readonly Queue<StatusQueryResult> _answers = new();

    public string Department => department;

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    public int HandoffsReceived { get; private set; }

    public int QuestionsAsked { get; private set; }

    public ScriptedDepartment Answers(params HandoffOutcome[] outcomes)
    {
        foreach (var outcome in outcomes)
        {
            _handoffs.Enqueue(outcome);
        }

        return this;
    }

    public ScriptedDepartment Reports(params StatusQueryResult[] answers)
    {
        foreach (var answer in answers)
        {
            _answers.Enqueue(answer);
        }

        return this;
    }

    public Task<HandoffOutcome> HandOffAsync(CanonicalApplication application, CancellationToken cancellationToken)
    {
        HandoffsReceived++;
        return Task.FromResult(_handoffs.Count > 0 ? _handoffs.Dequeue() : throw new InvalidOperationException("The script has no more hand-off answers."));
    }

    public Task<StatusQueryResult> QueryAsync(string deliveryKey, string caseNumber, CancellationToken cancellationToken)
    {
        QuestionsAsked++;
        return Task.FromResult(_answers.Count > 0 ? _answers.Dequeue() : new StatusQueryResult(null));
    }
}
