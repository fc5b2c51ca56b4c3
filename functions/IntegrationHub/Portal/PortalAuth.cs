using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Portal;

/// <summary>
/// Who is calling the portal API: a signed session cookie issued at sign-in against the configured accounts,
/// or, on Azure, the App Service authentication principal mapped to the same roles.
/// </summary>
public sealed class PortalAuth(IOptions<PortalOptions> options, HubTables tables, TimeProvider time)
{
    public const string Cookie = "hub_portal";
    private const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    private const string RevokedPartition = "revoked-session";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.SessionKey);

    public PortalUser? SignIn(string user, string password)
    {
        var presented = Encoding.UTF8.GetBytes(password);
        var account = options.Value.Accounts.FirstOrDefault(a =>
            a.User == user & CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(a.Password)));
        return account is null ? null : new PortalUser(account.User, account.Role);
    }

    public void IssueCookie(HttpResponse response, PortalUser user)
    {
        var expires = time.GetUtcNow() + options.Value.SessionLifetime;
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["u"] = user.Name,
            ["r"] = user.Role,
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
        var index = await tables.Index();
        var revoked = await index.GetEntityIfExistsAsync<IndexEntity>(RevokedPartition, session.Id, cancellationToken: cancellationToken);
        return revoked.HasValue ? null : session.User;
    }

    public async Task SignOutAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (Session(request) is { } session)
        {
            var index = await tables.Index();
            await index.UpsertEntityAsync(new IndexEntity { PartitionKey = RevokedPartition, RowKey = session.Id, DueAt = session.Expires },
                cancellationToken: cancellationToken);
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
            ? (new PortalUser(claims["u"]!.GetValue<string>(), claims["r"]!.GetValue<string>()), claims["s"]!.GetValue<string>(), expires)
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
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or NullReferenceException or InvalidOperationException)
        {
            return null;
        }
    }

    private string Sign(string payload) => Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(payload)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return padded + new string('=', (4 - padded.Length % 4) % 4);
    }
}
