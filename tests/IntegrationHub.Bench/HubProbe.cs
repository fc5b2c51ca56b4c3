using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace IntegrationHub.Bench;

/// <summary>
/// Runs inside the hub's process (loaded by <see cref="StartupHook"/>) and answers, on a Unix socket, what only the
/// process itself knows: the bytes it has allocated, and every HTTP request it has sent, by destination port. The
/// requests are counted from .NET's own <c>http.client.request.duration</c> metric, which every HttpClient records
/// once per request (the Azure SDK's included, each retry included, an entity-group transaction as one), so the
/// storage calls are counted where they leave the hub, not guessed from the code, and without the hub's help.
/// </summary>
internal static class HubProbe
{
    public const string SocketVariable = "BENCH_PROBE_SOCKET";

    private static readonly long[] RequestsByPort = new long[65536];
    private static MeterListener? _listener;

    /// <summary>Starts counting in this process and, when <paramref name="socketPath"/> is given, answers on it.</summary>
    public static void Start(string? socketPath)
    {
        Listen();
        if (string.IsNullOrEmpty(socketPath))
        {
            return;
        }

        File.Delete(socketPath);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        socket.Listen(8);
        new Thread(() => Serve(socket)) { IsBackground = true, Name = "bench probe" }.Start();
    }

    /// <summary>Counts every HTTP request this process sends from now on (idempotent).</summary>
    public static void Listen()
    {
        var listener = new MeterListener();
        if (Interlocked.CompareExchange(ref _listener, listener, null) is not null)
        {
            listener.Dispose();
            return;
        }

        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument is { Meter.Name: "System.Net.Http", Name: "http.client.request.duration" })
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>(static (_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "server.port", Value: int port } && port is >= 0 and < 65536)
                {
                    Interlocked.Increment(ref RequestsByPort[port]);
                    return;
                }
            }
        });
        listener.Start();
    }

    /// <summary>Requests sent so far to <paramref name="port"/> on any host.</summary>
    public static long RequestsTo(int port) => Interlocked.Read(ref RequestsByPort[port]);

    /// <summary>The reading as one JSON line, written by hand: the hub may turn reflection-based serialization off.</summary>
    public static string Snapshot()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber(nameof(ProbeReading.Allocated), GC.GetTotalAllocatedBytes(precise: false));
            json.WriteNumber(nameof(ProbeReading.Gen0), GC.CollectionCount(0));
            json.WriteNumber(nameof(ProbeReading.Gen1), GC.CollectionCount(1));
            json.WriteNumber(nameof(ProbeReading.Gen2), GC.CollectionCount(2));
            json.WriteNumber(nameof(ProbeReading.PauseMilliseconds), GC.GetTotalPauseDuration().TotalMilliseconds);
            json.WriteStartObject(nameof(ProbeReading.Requests));
            for (var port = 0; port < RequestsByPort.Length; port++)
            {
                if (RequestsTo(port) is > 0 and var count)
                {
                    json.WriteNumber(port.ToString(CultureInfo.InvariantCulture), count);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Serve(Socket listener)
    {
        while (true)
        {
            using var client = listener.Accept();
            client.Send(Encoding.UTF8.GetBytes(Snapshot() + "\n"));
            client.Shutdown(SocketShutdown.Both);
        }
    }
}

/// <summary>What the probe answers: allocated bytes, GC counts and pause time, HTTP requests by destination port.</summary>
internal sealed record ProbeReading(long Allocated, int Gen0, int Gen1, int Gen2, double PauseMilliseconds, IReadOnlyDictionary<string, long> Requests)
{
    public long RequestsTo(int port) => Requests.GetValueOrDefault(port.ToString(CultureInfo.InvariantCulture));

    /// <summary>Reads the hub's probe; null when it does not answer (the hub is down, or the hook did not load).</summary>
    public static async Task<ProbeReading?> ReadAsync(string socketPath, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return JsonSerializer.Deserialize<ProbeReading>(await reader.ReadLineAsync(cancellationToken) ?? "");
        }
        catch (Exception e) when (e is SocketException or IOException or JsonException)
        {
            return null;
        }
    }
}
