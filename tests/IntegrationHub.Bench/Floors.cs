using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Bench;

/// <summary>
/// The HTTP floor: a bare Kestrel endpoint in its own process (like the hub), which reads the whole request body and
/// answers the hub's 202 shape. Nothing an HTTP API can do costs less; the hub's intake is measured against it.
/// </summary>
internal static class KestrelFloor
{
    public const string Argument = "--serve-floor";
    public const string Path = "/floor";

    private static readonly byte[] Answer =
        """{"applicationId":"0194f0c0a7d97c3a8f1e2d3c4b5a6978","status":"Submitted","location":"/api/v1/applications/0194f0c0a7d97c3a8f1e2d3c4b5a6978"}"""u8.ToArray();

    public static async Task ServeAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        await using var app = builder.Build();
        app.MapPost(Path, static async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Answer, context.RequestAborted);
        });
        await app.RunAsync();
    }

    /// <summary>Starts the floor as a child process of the bench (the same program, another mode).</summary>
    public static Soak.ChildProcess Start(int port, string log) =>
        Soak.ChildProcess.Start("Kestrel floor", "dotnet", [typeof(KestrelFloor).Assembly.Location, Argument, port.ToString(CultureInfo.InvariantCulture)], log);
}

/// <summary>
/// The storage floor: what intake cannot do with less, written straight to Azurite through the same SDK clients the hub
/// uses (default options): one entity-group transaction of two rows (an application-sized row and a timeline-sized row,
/// a new partition each time) and one queue message.
/// </summary>
internal sealed class AzuriteFloor(TableClient table, QueueClient queue)
{
    public const string Name = "benchfloor";

    // About what intake stores: ~1 KB sealed personal data, the readable columns, a 60-character timeline line.
    private static readonly byte[] Sealed = RandomNumberGenerator.GetBytes(1024);

    public static async Task<AzuriteFloor> CreateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var table = new TableClient(connectionString, Name);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var queue = new QueueClient(connectionString, Name);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return new AzuriteFloor(table, queue);
    }

    public async Task<Outcome> WriteAsync(CancellationToken cancellationToken)
    {
        var key = Guid.CreateVersion7().ToString("N");
        var now = TimeProvider.System.GetUtcNow();
        var application = new TableEntity(key, "application")
        {
            ["Platform"] = "bench-platform",
            ["ItemCode"] = "GA-001",
            ["Department"] = "GA",
            ["HandoffKey"] = key,
            ["Status"] = "Submitted",
            ["Handoff"] = "Pending",
            ["SealedPersonalData"] = Sealed,
            ["ApplicantNameMasked"] = "张*",
            ["IdNumberHash"] = Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray())),
            ["BodyHash"] = Convert.ToHexStringLower(SHA256.HashData(Sealed)),
            ["SubmittedAt"] = now,
            ["UpdatedAt"] = now,
            ["TimelineCount"] = 1,
            ["TraceParent"] = $"00-{key}-{key[..16]}-01",
        };
        var timeline = new TableEntity(key, "t000001")
        {
            ["Sequence"] = 1,
            ["At"] = now,
            ["Kind"] = "status",
            ["Summary"] = "Application received from bench-platform for GA-001 (流动人口居住登记)",
            ["Status"] = "Submitted",
        };
        try
        {
            await table.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.Add, application), new TableTransactionAction(TableTransactionActionType.Add, timeline)],
                cancellationToken);
            await queue.SendMessageAsync($$"""{"applicationId":"{{key}}","department":"GA","traceParent":"00-{{key}}-{{key[..16]}}-01"}""", cancellationToken);
            return Outcome.Ok;
        }
        catch (RequestFailedException)
        {
            return Outcome.Refused;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Outcome.NoAnswer;
        }
    }
}

/// <summary>wrk's view of the HTTP floor, to show the bench's own load generator is not what limits a step.</summary>
internal sealed record WrkResult(int Clients, double Rate, double P50, double P99);

internal static partial class Wrk
{
    /// <summary>wrk on PATH, or null (./hub bench installs the Debian package when it is missing).</summary>
    public static string? Find() => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, "wrk")).FirstOrDefault(File.Exists);

    public static async Task<WrkResult?> RunAsync(string wrk, Uri url, int clients, TimeSpan duration, string body, string runDirectory, CancellationToken cancellationToken)
    {
        var script = System.IO.Path.Combine(runDirectory, "wrk-post.lua");
        await File.WriteAllTextAsync(script, $"""
            wrk.method = "POST"
            wrk.body = [==[{body}]==]
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Idempotency-Key"] = "wrk-floor"
            """, cancellationToken);
        var log = System.IO.Path.Combine(runDirectory, $"wrk-{clients.ToString(CultureInfo.InvariantCulture)}.log");
        File.Delete(log);
        var threads = Math.Min(clients, Environment.ProcessorCount);
        await using var process = Soak.ChildProcess.Start("wrk", wrk,
            ["-t", $"{threads}", "-c", $"{clients}", "-d", $"{(int)Math.Ceiling(duration.TotalSeconds)}s", "--latency", "-s", script, url.ToString()], log);
        await process.WaitForExitAsync(cancellationToken);
        await process.DisposeAsync();
        return Parse(clients, await File.ReadAllTextAsync(log, cancellationToken));
    }

    /// <summary>Reads Requests/sec and the 50% and 99% lines of wrk's --latency output (times in us, ms or s).</summary>
    public static WrkResult? Parse(int clients, string output)
    {
        var rate = RateLine().Match(output);
        var p50 = PercentLine("50").Match(output);
        var p99 = PercentLine("99").Match(output);
        return rate.Success && p50.Success && p99.Success
            ? new WrkResult(clients, double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture), Milliseconds(p50), Milliseconds(p99))
            : null;
    }

    private static double Milliseconds(Match m)
    {
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "us" => value / 1000,
            "s" => value * 1000,
            "m" => value * 60_000,
            _ => value,
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RateLine();

    private static Regex PercentLine(string percent) => new($@"^\s+{percent}(?:\.000)?%\s+([0-9.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline);
}

/// <summary>HTTP clients for the load steps: one connection per client, no cookies, a 30-second patience.</summary>
internal static class LoadHttp
{
    public static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public static HttpClient Create(int clients, Uri? baseAddress = null) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = clients,
        UseCookies = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>One POST of <paramref name="body"/>; <see cref="Outcome.Ok"/> for a 202.</summary>
    public static async Task<Outcome> PostAsync(HttpClient http, Uri url, byte[] body, string idempotencyKey, string? apiKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            await response.Content.CopyToAsync(Stream.Null, cancellationToken);
            return response.StatusCode == HttpStatusCode.Accepted ? Outcome.Ok : Outcome.Refused;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Outcome.NoAnswer;
        }
    }
}

/// <summary>What the drain floor measured: raw SDK calls draining a backlog as large as the hub's.</summary>
internal sealed record DrainFloorResult(int Queued, double FillSeconds, int Drained, double Seconds)
{
    public double Rate => Seconds > 0 ? Drained / Seconds : 0;
}

/// <summary>
/// The drain floor: Azurite's queue calls cost more the more messages a queue holds (its in-memory store scans them), so
/// a drain of 10,000 is compared with raw SDK calls draining a backlog of the same size, not with the empty-queue intake
/// floor. Per message the least any drain does: its share of a receive (up to 32, again when half the workers are free,
/// as the hub's queue worker), one entity-group transaction (the application row merged, a timeline row added) and the
/// delete. Measured over a window from the full backlog, then the floor's queue and table are deleted, so the hub's
/// drain that follows finds a store with only its own backlog.
/// </summary>
internal static class AzuriteDrainFloor
{
    private const string Name = "benchdrainfloor";

    public static async Task<DrainFloorResult> RunAsync(string connectionString, int count, int fillClients, int concurrency, TimeSpan window,
        UsageWatch watch, CancellationToken cancellationToken)
    {
        var table = new TableClient(connectionString, Name);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var queue = new QueueClient(connectionString, Name);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        try
        {
            var floor = new AzuriteFloor(table, queue);
            var fill = await ClosedLoop.ThroughAsync("drain floor fill", fillClients, count, TimeSpan.FromSeconds(30), (_, ct) => floor.WriteAsync(ct), watch, cancellationToken);
            var drained = 0;
            var started = Stopwatch.GetTimestamp();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stop.CancelAfter(window);
            var inFlight = new HashSet<Task>();
            using var freed = new SemaphoreSlim(0);
            try
            {
                while (true)
                {
                    while (inFlight.Count > concurrency / 2)
                    {
                        await freed.WaitAsync(stop.Token);
                        inFlight.RemoveWhere(t => t.IsCompleted);
                    }

                    var messages = (await queue.ReceiveMessagesAsync(Math.Min(32, concurrency - inFlight.Count), TimeSpan.FromMinutes(5), stop.Token)).Value;
                    if (messages.Length == 0 && inFlight.Count == 0)
                    {
                        break;
                    }

                    foreach (var message in messages)
                    {
                        inFlight.Add(Task.Run(async () =>
                        {
                            try
                            {
                                await HandleAsync(table, queue, message, stop.Token);
                                Interlocked.Increment(ref drained);
                            }
                            finally
                            {
                                freed.Release();
                            }
                        }, CancellationToken.None));
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The window ended with messages left: the rate is over the window.
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await Task.WhenAll(inFlight.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            return new DrainFloorResult(fill.Result.Ok, fill.Result.Seconds, drained, seconds);
        }
        finally
        {
            await queue.DeleteIfExistsAsync(CancellationToken.None);
            await table.DeleteAsync(CancellationToken.None);
        }
    }

    private static async Task HandleAsync(TableClient table, QueueClient queue, Azure.Storage.Queues.Models.QueueMessage message, CancellationToken cancellationToken)
    {
        var key = message.Body.ToString().Split('"')[3];
        var now = TimeProvider.System.GetUtcNow();
        await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(key, "application") { ["Status"] = "Delivered", ["Handoff"] = "Delivered", ["UpdatedAt"] = now }, ETag.All),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(key, "t000002") { ["Sequence"] = 2, ["At"] = now, ["Kind"] = "attempt", ["Summary"] = "公安已接收", ["Outcome"] = "Received" }),
            ],
            cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }
}
