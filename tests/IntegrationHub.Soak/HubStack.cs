using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace IntegrationHub.Soak;

/// <summary>
/// Azurite and the hub as child processes: Azurite keeps its data in the run folder (<c>--location</c>), or in memory
/// when asked, so the hub can be stopped and started again on the same storage. The departments are not here: they live
/// in the driver's own process (the soak's, the bench's), so they survive the hub's restart.
/// </summary>
internal sealed class HubStack : IAsyncDisposable
{
    private const string Account = "devstoreaccount1";

    // Azurite's well-known development key, the same for every installation.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _root;
    private readonly string _runDirectory;
    private readonly Dictionary<string, string> _environment;
    private readonly int _port;
    private ChildProcess? _azurite;
    private ChildProcess? _hub;

    private HubStack(string root, string runDirectory, int port, Dictionary<string, string> environment)
    {
        _root = root;
        _runDirectory = runDirectory;
        _port = port;
        _environment = environment;
        Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    public Uri Url { get; }

    public string HubLog => Path.Combine(_runDirectory, "hub.log");

    public int? HubPid => _hub?.Pid;

    public int? AzuritePid => _azurite?.Pid;

    /// <summary>The hub's storage connection string, once Azurite has started.</summary>
    public string? ConnectionString => _environment.GetValueOrDefault("Storage__ConnectionString");

    /// <summary>Azurite's blob, queue and table ports, once it has started.</summary>
    public (int Blob, int Queue, int Table)? AzuritePorts { get; private set; }

    /// <summary>The hub's settings as its environment carries them (keys with <c>__</c>), for a command that must see the same store.</summary>
    public IReadOnlyDictionary<string, string> Environment => _environment;

    /// <summary>The repository root: the folder holding IntegrationHub.sln above this program.</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IntegrationHub.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (IntegrationHub.sln).");
    }

    /// <summary>The hub's port, before anything starts: the departments need it for their callback URLs.</summary>
    public static HubStack Prepare(string runDirectory, IReadOnlyDictionary<string, string> settings)
    {
        var port = ChildProcess.FreePort();
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        environment["HUB_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";

        // Personal data is sealed at rest: one fresh key for the run, the same across the restart so nothing becomes unreadable.
        environment["Security__Encryption__ActiveKeyId"] = "soak1";
        environment["Security__Encryption__Keys__soak1"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        return new HubStack(RepoRoot(), runDirectory, port, environment);
    }

    /// <summary>Sets (or, with null, removes) one hub setting for the next start, e.g. <c>Handoff:PollInterval</c>.</summary>
    public void Configure(string key, string? value)
    {
        var name = key.Replace(":", "__", StringComparison.Ordinal);
        if (value is null)
        {
            _environment.Remove(name);
        }
        else
        {
            _environment[name] = value;
        }
    }

    /// <summary>
    /// Starts Azurite with its data in the run folder, or only in memory (<paramref name="inMemory"/>: nothing is written
    /// to disk, as the tests run it); <paramref name="environment"/> is Azurite's own (e.g. NODE_OPTIONS).
    /// </summary>
    public async Task StartAzuriteAsync(CancellationToken cancellationToken, bool inMemory = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var bin = Path.Combine(_root, "infra", "local", "node_modules", ".bin", "azurite");
        if (!File.Exists(bin))
        {
            throw new InvalidOperationException($"Azurite is not installed at {bin}: ./hub soak and ./hub bench install it.");
        }

        var data = Path.Combine(_runDirectory, "azurite");
        Directory.CreateDirectory(data);
        int blob = ChildProcess.FreePort(), queue = ChildProcess.FreePort(), table = ChildProcess.FreePort();

        // No --debug: its log holds every request body, personal data included.
        string[] persistence = inMemory ? ["--inMemoryPersistence"] : ["--location", data];
        _azurite = ChildProcess.Start("Azurite", bin,
        [
            "--silent", "--skipApiVersionCheck", "--disableTelemetry", .. persistence,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
        ], Path.Combine(_runDirectory, "azurite.log"), environment);
        await _azurite.WaitForPortsAsync([blob, queue, table], TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        AzuritePorts = (blob, queue, table);
        _environment["Storage__ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};"
            + $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};"
            + $"TableEndpoint=http://127.0.0.1:{table}/{Account};";
    }

    /// <summary>Starts the hub (the local host, Release build) and waits until its health check answers 200.</summary>
    public async Task<TimeSpan> StartHubAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var project = Path.Combine(_root, "functions", "IntegrationHub.Local");
        var dll = Path.Combine(project, "bin", "Release", "net10.0", "IntegrationHub.Local.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The hub is not built at {dll}: ./hub soak and ./hub bench build it (Release).");
        }

        // Settings go through the environment, not the command line, so no key shows in the process list.
        _hub = ChildProcess.Start("hub", "dotnet", [dll, "--contentRoot", project], HubLog, _environment, project);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (_hub.HasExited)
            {
                throw new InvalidOperationException($"The hub exited during start; see {HubLog}.");
            }

            try
            {
                using var health = await http.GetAsync(new Uri(Url, "/api/v1/health"), cancellationToken).ConfigureAwait(false);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return clock.Elapsed;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet.
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new InvalidOperationException($"The hub did not become healthy within 2 minutes; see {HubLog}.");
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the hub (SIGTERM, then SIGKILL after 30 s) and leaves Azurite running.</summary>
    public async Task StopHubAsync()
    {
        if (_hub is { } hub)
        {
            await hub.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            await hub.DisposeAsync().ConfigureAwait(false);
            _hub = null;
        }
    }

    /// <summary>Stops the hub (killed or stopped, as asked) and starts it again on the same storage and port.</summary>
    public async Task<(TimeSpan Stopping, TimeSpan Starting)> RestartHubAsync(RestartMode mode, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (_hub is { } hub)
        {
            if (mode == RestartMode.Kill)
            {
                await hub.KillAsync().ConfigureAwait(false);
            }
            else
            {
                await hub.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }

            await hub.DisposeAsync().ConfigureAwait(false);
        }

        var stopping = clock.Elapsed;
        var starting = await StartHubAsync(cancellationToken).ConfigureAwait(false);
        return (stopping, starting);
    }

    /// <summary>Stops the hub, then Azurite, each by its PID; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync().ConfigureAwait(false);
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync().ConfigureAwait(false);
        }
    }
}
