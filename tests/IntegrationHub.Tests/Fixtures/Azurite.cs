using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>A real Azurite process on loopback with in-memory data (or, given a folder, data on disk), stopped by its PID.</summary>
public sealed class Azurite : IAsyncDisposable
{
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly string? _pidFile;

    private Azurite(Process process, int blob, int queue, int table, string? pidFile)
    {
        _process = process;
        _pidFile = pidFile;
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};"
            + $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};"
            + $"TableEndpoint=http://127.0.0.1:{table}/{Account};";
        TablePort = table;
    }

    public string ConnectionString { get; }

    public int TablePort { get; }

    /// <summary>
    /// Starts Azurite; with <paramref name="location"/> its data lives in that folder instead of in memory. The ports are
    /// chosen free and then released, so another process starting at the same moment (parallel collections start many)
    /// can take one first: Azurite then exits at once, and it is started again on fresh ports, up to three times.
    /// </summary>
    public static async Task<Azurite> StartAsync(string? location = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(location);
            }
            catch (AzuriteExitedException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<Azurite> StartOnceAsync(string? location)
    {
        var bin = Environment.GetEnvironmentVariable("HUB_AZURITE_BIN") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepoRoot(), "infra", "local", "node_modules", ".bin", "azurite");
        if (!File.Exists(bin))
        {
            throw new InvalidOperationException($"Azurite is not installed at {bin}: run ./hub test, which installs it.");
        }

        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var start = new ProcessStartInfo(bin)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = location is null ? ["--inMemoryPersistence"] : ["--location", location];
        foreach (var arg in (string[])
        [
            .. persistence,
            "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
        ])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && errors.Count < 20)
            {
                errors.Enqueue(line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string? pidFile = null;
        if (Environment.GetEnvironmentVariable("HUB_PID_DIR") is { Length: > 0 } pidDir)
        {
            pidFile = Path.Combine(pidDir, $"azurite-{process.Id}");
            await File.WriteAllTextAsync(pidFile, $"{process.Id}");
        }

        var azurite = new Azurite(process, blob, queue, table, pidFile);
        try
        {
            await WaitForPorts([blob, queue, table], process, errors);
        }
        catch (AzuriteExitedException)
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IntegrationHub.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root.");
    }

    private static async Task WaitForPorts(int[] ports, Process process, IEnumerable<string> errors)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var port in ports)
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new AzuriteExitedException($"Azurite exited with code {process.ExitCode}: {string.Join(" | ", errors)}");
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops Azurite as Ctrl-C would (SIGTERM), so it writes its data folder out, then waits for it to exit.</summary>
    public async Task StopGracefullyAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", $"{_process.Id}"]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // DisposeAsync stops it hard.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_pidFile is not null)
        {
            File.Delete(_pidFile);
        }
    }
}

/// <summary>Azurite ended while it was starting (most often: one of its ports was taken in the meantime).</summary>
public sealed class AzuriteExitedException(string message) : InvalidOperationException(message);
