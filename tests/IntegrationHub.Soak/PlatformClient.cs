using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;

namespace IntegrationHub.Soak;

/// <summary>The answer to one submission attempt: 202 with the application id, a refusal, or no answer at all.</summary>
internal sealed record SubmitAnswer(HttpStatusCode? Status, string? ApplicationId, string? Problem);

/// <summary>The community platform as the soak plays it: the public API with its key, nothing else.</summary>
internal sealed class PlatformClient(Uri hub, string apiKey) : IDisposable
{
    private readonly HttpClient _http = Create(hub, apiKey);

    public async Task<SubmitAnswer> SubmitAsync(SoakApplication application, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/applications")
        {
            Content = JsonContent.Create(application.Body),
        };
        request.Headers.Add("Idempotency-Key", application.IdempotencyKey);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                var accepted = await response.Content.ReadFromJsonAsync(HubJsonContext.Default.ApplicationAccepted, cancellationToken).ConfigureAwait(false);
                return new SubmitAnswer(response.StatusCode, accepted?.ApplicationId, null);
            }

            return new SubmitAnswer(response.StatusCode, null, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The hub is down (the restart) or did not answer in time: the platform tries again with the same key.
            return new SubmitAnswer(null, null, e.Message);
        }
    }

    /// <summary>The application's status and timeline; null when the hub says it does not exist.</summary>
    public async Task<ApplicationView?> GetAsync(string applicationId, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"/api/v1/applications/{applicationId}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(HubJsonContext.Default.ApplicationView, cancellationToken).ConfigureAwait(false);
    }

    public async Task<EventPage> EventsAsync(string? after, CancellationToken cancellationToken)
    {
        var query = after is null ? "?limit=1000" : $"?limit=1000&after={Uri.EscapeDataString(after)}";
        return await _http.GetFromJsonAsync($"/api/v1/events{query}", HubJsonContext.Default.EventPage, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The event feed answered an empty body.");
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient Create(Uri hub, string apiKey)
    {
        var http = new HttpClient { BaseAddress = hub, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return http;
    }

    /// <summary>Keeps the submissions' bodies out of the problem text shown in the report: only the error names.</summary>
    public static string Summarise(string? problem)
    {
        if (problem is null)
        {
            return "";
        }

        try
        {
            return JsonNode.Parse(problem)?["errors"]?.ToJsonString() ?? problem;
        }
        catch (System.Text.Json.JsonException)
        {
            return problem.Length > 200 ? problem[..200] : problem;
        }
    }
}
