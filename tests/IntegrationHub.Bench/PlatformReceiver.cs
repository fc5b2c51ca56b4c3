using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IntegrationHub.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Bench;

/// <summary>When the platform learnt of an application's final status: the hub's time of the change, and the arrival.</summary>
internal readonly record struct FinalSeen(ApplicationStatus Status, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt);

/// <summary>
/// The community platform's webhook endpoint, in the bench's process: checks each signature, answers 200, and keeps
/// for every application the first final status it was told, and when. The platform learns of a final status this way,
/// so "final" in the bench is what the platform was told, not what a hub table says.
/// </summary>
internal sealed class PlatformReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _secret;
    private readonly ConcurrentDictionary<string, FinalSeen> _finals = new(StringComparer.Ordinal);
    private int _events;
    private int _badSignatures;
    private int _finalEvents;

    private PlatformReceiver(WebApplication app, string secret)
    {
        _app = app;
        Secret = secret;
        _secret = Encoding.UTF8.GetBytes(secret);
    }

    public string Secret { get; }

    public Uri Url => new(_app.Urls.First() + "/platform/webhook");

    public IReadOnlyDictionary<string, FinalSeen> Finals => _finals;

    public int Events => Volatile.Read(ref _events);

    public int BadSignatures => Volatile.Read(ref _badSignatures);

    /// <summary>Final-status events beyond the first per application (a final status must not change; repeats are allowed).</summary>
    public int RepeatedFinalEvents => Volatile.Read(ref _finalEvents) - _finals.Count;

    public static async Task<PlatformReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new PlatformReceiver(app, RandomNumberGenerator.GetHexString(40, lowercase: true));
        app.MapPost("/platform/webhook", receiver.ReceiveAsync);
        await app.StartAsync(cancellationToken);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        var arrived = TimeProvider.System.GetUtcNow();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var body = buffer.ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(_secret, body));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(request.Headers["X-Hub-Signature"].ToString())))
        {
            Interlocked.Increment(ref _badSignatures);
            return Results.Unauthorized();
        }

        Interlocked.Increment(ref _events);
        ApplicationStatusChanged? change;
        try
        {
            change = JsonSerializer.Deserialize(body, HubJsonContext.Default.ApplicationStatusChanged);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        if (change is { Status: ApplicationStatus.Approved or ApplicationStatus.Denied or ApplicationStatus.Rejected })
        {
            Interlocked.Increment(ref _finalEvents);
            _finals.TryAdd(change.ApplicationId, new FinalSeen(change.Status, change.OccurredAt, arrived));
        }

        return Results.Ok();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Events} events, {_finals.Count} final");
}
