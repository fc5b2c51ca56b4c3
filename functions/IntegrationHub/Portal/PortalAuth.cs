using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Http;
using IntegrationHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Portal;

/// <summary>
/// Who is calling the portal API: a signed session cookie issued at sign-in against the configured accounts,
/// or, on Azure, the App Service authentication principal mapped to the same roles. Also the portal's door:
/// sign-in throttling and lockout, and the same-origin check of every call that changes something.
/// </summary>
internal sealed partial class PortalAuth(
    IOptions<PortalOptions> options,
    Lookups lookups,
    SignInThrottle throttle,
    SignInLockout lockout,
    AuditLog audit,
    TimeProvider time,
    ILogger<PortalAuth> logger)
{
    public const string Cookie = "hub_portal";
    private const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>Who an audit row names for an attempt at an account that does not exist (what was typed may be a password).</summary>
    private const string UnknownAccount = "(unknown account)";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.SessionKey);

    /// <summary>
    /// Checks a sign-in against the throttle, the lockout and the accounts; every refusal is audited. Answers the user,
    /// or the refusal: 429 with Retry-After (throttled or locked) or 401 (wrong user or password, told apart for no one).
    /// </summary>
    public async Task<(PortalUser? User, ProblemHttpResult? Refused)> SignInAsync(HttpRequest request, string user, string password, CancellationToken cancellationToken)
    {
        // Assumption: the client address is the connection's; no forwarding header is trusted, since anyone can send one.
        // Configured accounts sign in on the local host, which faces its users directly. On Azure operators sign in
        // through App Service authentication, and the address the worker sees would be the Functions host's.
        var address = request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var account = options.Value.Accounts.FirstOrDefault(a => a.User == user);
        var who = account is null ? new PortalUser(UnknownAccount, "") : new PortalUser(account.User, account.Role, account.Scope);
        var now = time.GetUtcNow();

        if (throttle.Refuse(user, address) is { } refusal)
        {
            if (throttle.FirstInWindow(refusal.Key, now))
            {
                Log.Throttled(logger, who.Name, refusal.Limit);
                await audit.AppendAsync(who, "sign-in-throttled", address, null, $"too many attempts {refusal.Limit}", cancellationToken);
            }

            return (null, TooManyRequests(request, refusal.RetryAfter, $"Too many sign-in attempts {refusal.Limit}: try again later."));
        }

        var row = account is null ? null : await lockout.ReadAsync(account.User, cancellationToken);
        if (lockout.LockedUntil(row) is { } lockedUntil)
        {
            if (throttle.FirstInWindow($"locked:{who.Name}", now))
            {
                await audit.AppendAsync(who, "sign-in-throttled", address, null, $"account locked until {lockedUntil:O}", cancellationToken);
            }

            return (null, TooManyRequests(request, lockedUntil - now, "This account is locked for a while after repeated wrong passwords: try again later."));
        }

        // Every account's password is compared, in constant time, so the answer's timing tells nothing about which exist.
        var presented = Encoding.UTF8.GetBytes(password);
        var signedIn = options.Value.Accounts.FirstOrDefault(a =>
            a.User == user & CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(a.Password)));
        if (signedIn is not null)
        {
            if (row is not null)
            {
                await lockout.ClearAsync(row, cancellationToken);
            }

            return (new PortalUser(signedIn.User, signedIn.Role, signedIn.Scope), null);
        }

        var locked = account is null ? null : await lockout.RecordFailureAsync(account.User, row, cancellationToken);
        await audit.AppendAsync(who, "sign-in-failed", address, null, null, cancellationToken);
        if (locked is { } until)
        {
            Log.Locked(logger, who.Name, until);
            await audit.AppendAsync(who, "sign-in-lockout", address, null,
                $"locked until {until:O} after {options.Value.SignIn.LockoutThreshold} wrong passwords", cancellationToken);
        }

        return (null, Problems.Field("password", "user or password is wrong.", StatusCodes.Status401Unauthorized));
    }

    /// <summary>
    /// CSRF defence for every portal call that changes something: the browser's own word on where the call comes from
    /// must be this portal. The Strict session cookie alone is not enough: a page on another port of the same host is
    /// the same site, and the browser sends the cookie along.
    /// </summary>
    public ProblemHttpResult? RefuseCrossOrigin(HttpRequest request)
    {
        // Assumption: every browser that can run the portal (fetch, dialog) sends Origin on a POST or DELETE, and the
        // current ones Sec-Fetch-Site too; a caller that sends neither is not a browser (curl, a script) and cannot
        // carry a browser's cookie against its user's will, so it is served.
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site != "same-origin")
        {
            return CrossOrigin($"Sec-Fetch-Site is '{site}': only the portal's own page may make this call.");
        }

        var origin = request.Headers.Origin.ToString();
        var own = options.Value.PublicOriginText() ?? $"{request.Scheme}://{request.Host}";
        return origin.Length > 0 && !string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            ? CrossOrigin("Origin is not this portal's: only the portal's own page may make this call.")
            : null;
    }

    /// <summary>
    /// What every operator action asks before anything else, in this order: the portal's own origin, a signed-in operator
    /// (a viewer gets 403 with <paramref name="forbidden"/>), and a JSON body of at most 4 KiB (even where no field is
    /// read: a cross-site form cannot send JSON without the browser asking first).
    /// </summary>
    public async Task<(PortalUser? User, JsonNode? Body, ProblemHttpResult? Refused)> OperatorActionAsync(HttpRequest request, CancellationToken cancellationToken,
        string forbidden = "This action needs the operator role; viewers can only read.")
    {
        if (RefuseCrossOrigin(request) is { } crossOrigin)
        {
            return (null, null, crossOrigin);
        }

        var user = await AuthenticateAsync(request, cancellationToken);
        if (user is not { IsOperator: true })
        {
            return (null, null, user is null ? SignInFirst() : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: forbidden));
        }

        var (body, notJson) = await RequestBody.ReadJsonAsync(request, 4096, cancellationToken);
        return notJson is null ? (user, body, null) : (null, null, notJson);
    }

    /// <summary>The reason an operator gives for an action (reveal, resolve, opening a material): 2–500 characters.</summary>
    public static (string? Reason, ProblemHttpResult? Problem) Reason(JsonNode? body, string field = "is required (2-500 characters).") =>
        RequestBody.As(body, PortalJsonContext.Default.ReasonRequest)?.Reason?.Trim() is { Length: >= 2 and <= 500 } reason
            ? (reason, null)
            : (null, Problems.Field("reason", field));

    /// <summary>The 401 of every portal call made without a session.</summary>
    public static ProblemHttpResult SignInFirst() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "Sign in to the portal first.");

    public void IssueCookie(HttpResponse response, PortalUser user)
    {
        var expires = time.GetUtcNow() + options.Value.SessionLifetime;
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["u"] = user.Name,
            ["r"] = user.Role,
            ["c"] = user.Scope,
            ["e"] = expires.ToUnixTimeSeconds(),
            ["s"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        }));
        response.Cookies.Append(Cookie, $"{payload}.{Sign(payload)}", new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = response.HttpContext.Request.IsHttps,
            Path = "/",
            Expires = expires,
        });
    }

    public async Task<PortalUser?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (options.Value.TrustAppServiceAuthentication && request.Headers[PrincipalHeader].ToString() is { Length: > 0 } principal)
        {
            return FromAppService(principal);
        }

        if (Session(request) is not { } session)
        {
            return null;
        }

        // Signing out revokes the session everywhere, not just in the browser that held the cookie.
        return await lookups.IsRevokedAsync(session.Id, cancellationToken) ? null : session.User;
    }

    public async Task SignOutAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (Session(request) is { } session)
        {
            await lookups.RevokeAsync(session.Id, session.Expires, cancellationToken);
        }

        request.HttpContext.Response.Cookies.Delete(Cookie, new CookieOptions { Path = "/" });
    }

    private (PortalUser User, string Id, DateTimeOffset Expires)? Session(HttpRequest request)
    {
        if (!request.Cookies.TryGetValue(Cookie, out var cookie) || cookie.Split('.') is not [var payload, var signature]
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(payload)), Encoding.ASCII.GetBytes(signature)))
        {
            return null;
        }

        var claims = JsonNode.Parse(Convert.FromBase64String(FromBase64Url(payload)))!;
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims["e"]!.GetValue<long>());
        return expires > time.GetUtcNow()
            ? (new PortalUser(claims["u"]!.GetValue<string>(), claims["r"]!.GetValue<string>(), claims["c"]?.GetValue<string>()), claims["s"]!.GetValue<string>(), expires)
            : null;
    }

    private PortalUser? FromAppService(string principal)
    {
        try
        {
            var node = JsonNode.Parse(Convert.FromBase64String(principal))!;
            var claims = node["claims"]!.AsArray().Select(c => (Type: c!["typ"]!.GetValue<string>(), Value: c["val"]!.GetValue<string>())).ToList();
            var name = claims.FirstOrDefault(c => c.Type is "name" or "preferred_username").Value ?? "app-service-user";
            var roles = claims.Where(c => c.Type is "roles" or "http://schemas.microsoft.com/ws/2008/06/identity/claims/role").Select(c => c.Value).ToList();
            return roles.Contains(options.Value.OperatorRoleClaim) ? new PortalUser(name, PortalRoles.Operator)
                : roles.Contains(options.Value.ViewerRoleClaim) ? new PortalUser(name, PortalRoles.Viewer)
                : Scoped(roles, options.Value.CommunityWorkerRoleClaim) is { } community ? new PortalUser(name, PortalRoles.CommunityWorker, community)
                : Scoped(roles, options.Value.StreetSupervisorRoleClaim) is { } street ? new PortalUser(name, PortalRoles.StreetSupervisor, street)
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or NullReferenceException or InvalidOperationException)
        {
            return null;
        }
    }

    // "Hub.CommunityWorker:DIEMENG" → "DIEMENG".
    private static string? Scoped(IEnumerable<string> roles, string prefix) =>
        roles.Select(r => r.StartsWith(prefix + ":", StringComparison.Ordinal) ? r[(prefix.Length + 1)..] : null).FirstOrDefault(r => r is { Length: > 0 });

    private string Sign(string payload) => Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(payload)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return padded + new string('=', (4 - padded.Length % 4) % 4);
    }

    private static ProblemHttpResult TooManyRequests(HttpRequest request, TimeSpan retryAfter, string detail)
    {
        request.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too Many Requests", detail: detail);
    }

    private static ProblemHttpResult CrossOrigin(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Portal sign-in throttled for {Account}: too many attempts {Limit}")]
        public static partial void Throttled(ILogger logger, string account, string limit);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Portal account {Account} locked until {LockedUntil} after repeated wrong passwords")]
        public static partial void Locked(ILogger logger, string account, DateTimeOffset lockedUntil);
    }
}
