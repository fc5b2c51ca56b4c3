using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Soak;

namespace IntegrationHub.Bench;

/// <summary>An application ready to send: its platform key and its body as bytes (made before the clock runs).</summary>
internal sealed record PreparedApplication(SoakApplication Application, byte[] Body)
{
    public static PreparedApplication From(SoakApplication application) =>
        new(application, Encoding.UTF8.GetBytes(application.Body.ToJsonString()));
}

/// <summary>
/// Makes valid applications for one item as fast as the clients ask for them: the soak's generator (GB 11643 ID numbers
/// unique per application, code tables, dates), behind a lock because it is not thread-safe.
/// </summary>
internal sealed class ApplicationSource(string runId, int seed)
{
    private readonly ApplicationFactory _factory = new(seed, runId,
        DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime));

    private readonly Lock _gate = new();
    private int _next;

    /// <summary>The next application of <paramref name="item"/>, naming the <paramref name="materials"/> its form wants (issue 11's door
    /// refuses it otherwise); without them only for the floors, whose servers do not read the body.</summary>
    public PreparedApplication Next(string item, PlatformMaterials? materials)
    {
        SoakApplication application;
        lock (_gate)
        {
            application = _factory.Create(_next++, item);
        }

        return PreparedApplication.From(materials?.Attach(application) ?? application);
    }
}

/// <summary>The platform's intake calls, as the load steps make them.</summary>
internal static class Intake
{
    public static readonly Uri Path = new("/api/v1/applications", UriKind.Relative);

    /// <summary>One submission; the application id when the hub answered 202.</summary>
    public static async Task<(Outcome Outcome, string? ApplicationId)> SubmitAsync(HttpClient http, PreparedApplication application, string apiKey,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(application.Body) };
        request.Content.Headers.ContentType = LoadHttp.Json;
        request.Headers.Add("Idempotency-Key", application.Application.IdempotencyKey);
        request.Headers.Add("X-Api-Key", apiKey);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                await response.Content.CopyToAsync(Stream.Null, cancellationToken);
                return (Outcome.Refused, null);
            }

            var accepted = await response.Content.ReadFromJsonAsync(HubJsonContext.Default.ApplicationAccepted, cancellationToken);
            return (Outcome.Ok, accepted?.ApplicationId);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return (Outcome.NoAnswer, null);
        }
    }

    /// <summary>Sends until the hub takes it (202) or refuses it for good (4xx other than 408/429); the same Idempotency-Key every time.</summary>
    public static async Task<string?> SubmitUntilTakenAsync(HttpClient http, PreparedApplication application, string apiKey, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= 20; attempt++)
        {
            var (outcome, id) = await SubmitAsync(http, application, apiKey, cancellationToken);
            if (outcome == Outcome.Ok)
            {
                return id;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        return null;
    }

    public static async Task<ApplicationView?> GetAsync(HttpClient http, string applicationId, string apiKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/applications/{applicationId}");
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound
            ? null
            : await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync(HubJsonContext.Default.ApplicationView, cancellationToken);
    }
}

/// <summary>An operator in the portal: signs in once, then asks for the dashboard and searches, as the page does.</summary>
internal sealed class PortalClient(HttpClient http, Uri hub)
{
    private string? _cookie;

    public async Task SignInAsync(string user, string password, CancellationToken cancellationToken)
    {
        using var request = Json(HttpMethod.Post, "/api/v1/portal/session", new JsonObject { ["user"] = user, ["password"] = password });
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();

        // The session cookie is Secure on a real deployment; the bench keeps it itself rather than through a cookie jar.
        _cookie = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).First(c => c.StartsWith("hub_portal=", StringComparison.Ordinal));
    }

    public Task<(HttpStatusCode Status, JsonNode? Body)> DashboardAsync(CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/portal/dashboard"), cancellationToken);

    public Task<(HttpStatusCode Status, JsonNode? Body)> SearchAsync(string criterion, string value, CancellationToken cancellationToken) =>
        criterion == "idNumber"
            ? SendAsync(Json(HttpMethod.Post, "/api/v1/portal/handoffs/search", new JsonObject { [criterion] = value }), cancellationToken)
            : SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/portal/handoffs?{criterion}={Uri.EscapeDataString(value)}"), cancellationToken);

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            if (_cookie is not null)
            {
                request.Headers.Add("Cookie", _cookie);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? body = null;
            try
            {
                body = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON: the status says enough.
            }

            return (response.StatusCode, body);
        }
    }

    private HttpRequestMessage Json(HttpMethod method, string path, JsonObject body)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

        // The portal refuses a POST that does not come from its own page.
        request.Headers.Add("Origin", hub.GetLeftPart(UriPartial.Authority));
        return request;
    }
}
