using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using IntegrationHub.Departments.SharedState;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.Housing;

/// <summary>
/// The hub's one access token for the bureau. Each instance keeps a copy until shortly before it expires; concurrent
/// callers in one instance wait for the same fetch; across instances the token lives sealed in storage and one instance
/// renews it while the others wait for it (<see cref="SharedTokenStore"/>), and the whole hub never asks more often than
/// <see cref="HousingOptions.TokenRequestsPerMinute"/> per rolling minute, because a client that asks on every call is
/// throttled by the bureau (the document).
/// </summary>
internal sealed partial class HousingTokenCache(
    IHttpClientFactory httpClients,
    IOptions<HousingOptions> options,
    SharedTokenStore shared,
    TimeProvider time,
    ILogger<HousingTokenCache> logger) : IDisposable
{
    public const string HttpClientName = "FG.token";
    public const string TokenPath = "oauth/token";

    // Assumption: a token answer without expires_in lives as long as the document's example (7200 s); a revocation
    // before that is still caught by 401 invalid_token.
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(7200);
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(1);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private CachedToken? _token;

    // The last token the bureau called invalid: the stored one may still be it, and must then be renewed, not reused.
    private string? _rejected;

    /// <summary>A token valid for at least the refresh margin, from the cache or (one caller at a time) from the bureau.</summary>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (Current() is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Whoever held the gate before us may have fetched one already: single flight.
            if (Current() is { } fetched)
            {
                return fetched;
            }

            var settings = options.Value;
            var token = await shared.GetAsync(HousingTranslator.Department, settings.ClientId, Volatile.Read(ref _rejected),
                settings.TokenRequestsPerMinute, RequestAsync,
                static (code, message, wait) => new DepartmentCallException(HandoffOutcomeKind.Transient, code, message, wait),
                cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _token, new CachedToken(token.AccessToken, token.RenewAt));
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Forgets <paramref name="accessToken"/> after the bureau called it invalid. Only that token: if another caller
    /// has already replaced it, the replacement stands, so many calls refused at once still cause one renewal.
    /// </summary>
    public void Invalidate(string accessToken)
    {
        Volatile.Write(ref _rejected, accessToken);
        var current = Volatile.Read(ref _token);
        if (current is not null && current.AccessToken == accessToken)
        {
            Interlocked.CompareExchange(ref _token, null, current);
        }
    }

    public void Dispose() => _gate.Dispose();

    private string? Current() =>
        Volatile.Read(ref _token) is { } token && time.GetUtcNow() < token.RenewAt ? token.AccessToken : null;

    // Counted against the minute by the shared store before it is sent, whatever the answer: the bureau counts requests.
    private async Task<SharedToken> RequestAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var requestedAt = time.GetUtcNow();

        // Assumption: the client authenticates in the form body, as the document's request shows, not with HTTP Basic.
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = settings.ClientId,
            ["client_secret"] = settings.ClientSecret,
        });
        var http = httpClients.CreateClient(HttpClientName);
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(TokenPath, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new DepartmentCallException(HandoffOutcomeKind.Transient, "token_unreachable", $"Token endpoint unreachable: {e.HttpRequestError}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DepartmentCallException(HandoffOutcomeKind.Transient, "token_timeout", "The token endpoint did not answer in time.");
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK && Parse(body, requestedAt, settings.TokenRefreshMargin) is { } token)
            {
                Log.Obtained(logger, token.RenewAt);
                return token;
            }

            throw Refusal(response, body);
        }
    }

    private DepartmentCallException Refusal(HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        var error = HousingTranslator.ErrorCode(body);
        var payload = HousingTranslator.Describe(body);
        Log.Refused(logger, status, error);
        return status switch
        {
            // Assumption: without Retry-After the throttle lasts the document's window, a minute.
            429 => new DepartmentCallException(HandoffOutcomeKind.Transient, "token_throttled", "The token endpoint throttled the hub.",
                RetryAfter(response) ?? Window, payload),
            200 or 408 or >= 500 => new DepartmentCallException(HandoffOutcomeKind.Transient, error ?? $"token HTTP {status}",
                status == 200 ? "The token endpoint's answer is not a bearer token." : $"The token endpoint answered {status}.",
                RetryAfter(response), payload),

            // Assumption: RFC 6749 §5.2 answers (400/401 invalid_client, unauthorized_client…) and anything else are the
            // credentials or BaseUrl being wrong, which only a configuration change fixes.
            _ => new DepartmentCallException(HandoffOutcomeKind.ConfigurationFault, error ?? $"token HTTP {status}",
                $"The token endpoint refused the client credentials ({status}).", null, payload),
        };
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => DepartmentHolds.RetryAfter(response, time);

    // access_token and a Bearer token_type (RFC 6749 names it case-insensitively); expires_in in seconds.
    private static SharedToken? Parse(byte[] body, DateTimeOffset requestedAt, TimeSpan margin)
    {
        var json = HousingTranslator.TryParseObject(body);
        if (json?["access_token"] is not JsonValue tokenValue || !tokenValue.TryGetValue(out string? accessToken) || string.IsNullOrWhiteSpace(accessToken))
        {
            return null;
        }

        if (json["token_type"] is JsonValue typeValue && (!typeValue.TryGetValue(out string? tokenType) || !tokenType.Equals("Bearer", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var seconds = json["expires_in"] switch
        {
            null => (long)DefaultLifetime.TotalSeconds,
            JsonValue v when v.TryGetValue(out long number) => number,
            JsonValue v when v.TryGetValue(out string? text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
            _ => 0,
        };
        if (seconds <= 0)
        {
            return null;
        }

        // Assumption: a lifetime beyond a day is held for a day; 401 invalid_token still catches an earlier revocation.
        var life = TimeSpan.FromSeconds(Math.Min(seconds, (long)MaxLifetime.TotalSeconds));

        // Counted from when we asked, not when the answer arrived: the bureau's clock started first. Assumption: a
        // lifetime shorter than twice the margin is renewed half-way instead, so a short-lived token is still reused.
        var renewBefore = margin <= life / 2 ? margin : life / 2;
        return new SharedToken(accessToken, requestedAt + life - renewBefore);
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset RenewAt);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7221, Level = LogLevel.Information, Message = "FG access token obtained; renewed after {RenewAt:O}")]
        public static partial void Obtained(ILogger logger, DateTimeOffset renewAt);

        [LoggerMessage(EventId = 7222, Level = LogLevel.Warning, Message = "FG token request refused: HTTP {Status} {Error}")]
        public static partial void Refused(ILogger logger, int status, string? error);
    }
}
