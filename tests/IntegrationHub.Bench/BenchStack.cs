using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using IntegrationHub.Soak;

namespace IntegrationHub.Bench;

/// <summary>How the hub is started for a phase.</summary>
internal enum HubMode
{
    /// <summary>
    /// Intake alone: the queue workers find the queue empty at start and then sleep for ten minutes (the longest
    /// <c>Handoff:PollInterval</c>), the sweep runs once a day. What is accepted stays queued, and intake is measured
    /// without the dispatcher competing for the machine, like the storage floor it is compared with.
    /// </summary>
    IntakeOnly,

    /// <summary>The hub as it runs: workers, sweep and follow-ups on their default timing.</summary>
    HandingOff,
}

/// <summary>
/// One measured stack: Azurite and the hub as child processes (stopped by PID), the three strict sandboxes with
/// immediate timing and the platform's webhook endpoint in the bench's process, and the hub's probe.
/// </summary>
internal sealed class BenchStack : IAsyncDisposable
{
    private const string ProbeSocketName = "probe.sock";

    private readonly BenchOptions _options;
    private readonly string _probeSocket;

    private BenchStack(BenchOptions options, string runDirectory, HubStack hub, SoakDepartments departments, PlatformReceiver platform, string platformKey,
        string operatorPassword)
    {
        _options = options;
        RunDirectory = runDirectory;
        Hub = hub;
        Departments = departments;
        Platform = platform;
        PlatformKey = platformKey;
        OperatorPassword = operatorPassword;
        _probeSocket = Path.Combine(runDirectory, ProbeSocketName);
        Watch = new UsageWatch(Processes, () => hub.HubPid is null ? null : _probeSocket, () => StoragePorts, () => DepartmentPorts, () => Hub.AzuritePorts?.Blob);
    }

    public const string OperatorUser = "bench";

    public string RunDirectory { get; }

    public HubStack Hub { get; }

    public SoakDepartments Departments { get; }

    public PlatformReceiver Platform { get; }

    public string PlatformKey { get; }

    public string OperatorPassword { get; }

    public UsageWatch Watch { get; }

    /// <summary>The Kestrel floor process while it runs, so its CPU is watched too.</summary>
    public ChildProcess? Floor { get; set; }

    public HubMode? Mode { get; private set; }

    /// <summary>When the hub last answered its first health check (a Stopwatch timestamp).</summary>
    public long HealthyAt { get; private set; }

    public IReadOnlyList<int> StoragePorts => Hub.AzuritePorts is { } p ? [p.Blob, p.Queue, p.Table] : [];

    public IReadOnlyList<int> DepartmentPorts => [Departments.PublicSecurity.BaseUrl.Port, Departments.Housing.BaseUrl.Port, Departments.SocialSecurity.BaseUrl.Port];

    /// <summary>The settings that differ from the hub's defaults in every start, besides addresses and credentials.</summary>
    public static IReadOnlyDictionary<string, string> Timing(HubMode mode) => mode == HubMode.IntakeOnly
        ? new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Handoff:PollInterval"] = "00:10:00",
            ["Handoff:SweepSchedule"] = "0 0 0 * * *",
            ["Handoff:FollowUpSchedule"] = "0 0 0 * * *",
            ["Security:Retention:Schedule"] = "0 0 0 * * *",
            ["Telemetry:QueueSampleSchedule"] = "0 0 0 * * *",
        }
        : new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            // 人社 is polled; the fastest the hub allows, as the sandbox decides at once.
            ["Departments:SocialSecurity:PollInterval"] = "00:00:01",
            ["Departments:SocialSecurity:MinQueryInterval"] = "00:00:01",
        };

    public static async Task<BenchStack> StartAsync(string name, string runDirectory, BenchOptions options, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateDirectory(Path.Combine(runDirectory, name)).FullName;
        var departments = SoakDepartments.Start(plan: null, DepartmentTiming.Immediate);
        var platform = await PlatformReceiver.StartAsync(cancellationToken);
        var platformKey = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var operatorPassword = RandomNumberGenerator.GetHexString(24, lowercase: true);
        var settings = new Dictionary<string, string>(departments.HubSettings, StringComparer.Ordinal)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Platforms:Clients:0:Name"] = "bench-platform",
            ["Platforms:Clients:0:ApiKey"] = platformKey,
            ["Platforms:Clients:0:WebhookUrl"] = platform.Url.ToString(),
            ["Platforms:Clients:0:WebhookSecret"] = platform.Secret,
            ["Portal:SessionKey"] = RandomNumberGenerator.GetHexString(64, lowercase: true),
            ["Portal:Accounts:0:User"] = OperatorUser,
            ["Portal:Accounts:0:Password"] = operatorPassword,
            ["Portal:Accounts:0:Role"] = "operator",

            // The probe (a startup hook) counts the hub's requests and allocations from inside its process.
            ["DOTNET_STARTUP_HOOKS"] = typeof(HubProbe).Assembly.Location,
            [HubProbe.SocketVariable] = Path.Combine(directory, ProbeSocketName),
        };
        var hub = HubStack.Prepare(directory, settings);
        departments.PointCallbacksAt(hub.Url);
        var stack = new BenchStack(options, directory, hub, departments, platform, platformKey, operatorPassword);
        try
        {
            // A million applications make a large heap for Azurite (Node's default limit is smaller).
            await hub.StartAzuriteAsync(cancellationToken, inMemory: !options.AzuriteOnDisk,
                new Dictionary<string, string> { ["NODE_OPTIONS"] = "--max-old-space-size=12288" });
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the hub in <paramref name="mode"/> and waits until it answers its health check (in IntakeOnly, two seconds more).</summary>
    public async Task<TimeSpan> StartHubAsync(HubMode mode, CancellationToken cancellationToken)
    {
        foreach (var key in Timing(HubMode.IntakeOnly).Keys.Concat(Timing(HubMode.HandingOff).Keys))
        {
            Hub.Configure(key, null);
        }

        foreach (var (key, value) in Timing(mode).Concat(_options.HubSettings))
        {
            Hub.Configure(key, value);
        }

        var took = await Hub.StartHubAsync(cancellationToken);
        HealthyAt = Stopwatch.GetTimestamp();
        Mode = mode;
        if (mode == HubMode.IntakeOnly)
        {
            // The queue workers poll once at start; that first, empty, poll must come before the first submission.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }

        return took;
    }

    /// <summary>Uploads the materials the items may want, once per stack (its storage and platform key are its own).</summary>
    public async Task<PlatformMaterials> UploadMaterialsAsync(IEnumerable<string> items, CancellationToken cancellationToken) =>
        await PlatformMaterials.UploadAsync(Hub.Url, PlatformKey, $"bench-{Path.GetFileName(RunDirectory)}", items, cancellationToken);

    public async Task StopHubAsync()
    {
        await Hub.StopHubAsync();
        Mode = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Floor is not null)
        {
            await Floor.DisposeAsync();
        }

        await Hub.DisposeAsync();
        await Departments.DisposeAsync();
        await Platform.DisposeAsync();
    }

    private Dictionary<string, int> Processes()
    {
        var processes = new Dictionary<string, int>(StringComparer.Ordinal) { [UsageWatch.Bench] = Environment.ProcessId };
        if (Hub.HubPid is { } hub)
        {
            processes[UsageWatch.Hub] = hub;
        }

        if (Hub.AzuritePid is { } azurite)
        {
            processes[UsageWatch.Azurite] = azurite;
        }

        if (Floor is { HasExited: false } floor)
        {
            processes[UsageWatch.Floor] = floor.Pid;
        }

        return processes;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"hub {Hub.Url} (pid {Hub.HubPid}), Azurite pid {Hub.AzuritePid}");
}
