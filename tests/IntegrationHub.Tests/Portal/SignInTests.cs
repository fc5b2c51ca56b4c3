using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using IntegrationHub.Portal;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// A hub with tight sign-in limits: 4 attempts per account and 6 per client address in ten minutes, and an account
/// locked for ten minutes after 3 wrong passwords. Its own accounts keep each test's budgets apart.
/// </summary>
public sealed class SignInHubFixture : HubFixture
{
    public const string LimitedUser = "limit.user";
    public const string LockedUser = "lock.user";

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Portal:SignIn:AttemptsPerAccount"] = "4";
        settings["Portal:SignIn:AttemptsPerAddress"] = "6";
        settings["Portal:SignIn:Window"] = "00:10:00";
        settings["Portal:SignIn:LockoutThreshold"] = "3";
        settings["Portal:SignIn:LockoutWindow"] = "00:10:00";
        settings["Portal:SignIn:LockoutDuration"] = "00:10:00";
        settings["Portal:Accounts:2:User"] = LimitedUser;
        settings["Portal:Accounts:2:Password"] = Password;
        settings["Portal:Accounts:2:Role"] = "viewer";
        settings["Portal:Accounts:3:User"] = LockedUser;
        settings["Portal:Accounts:3:Password"] = Password;
        settings["Portal:Accounts:3:Role"] = "operator";
    }
}

[CollectionDefinition(Name)]
public sealed class SignInCollection : ICollectionFixture<SignInHubFixture>
{
    public const string Name = "sign-in";
}

/// <summary>
/// Sign-in throttled per client address and per account (429 problem with Retry-After), accounts locked after repeated
/// wrong passwords on every hub instance, each refusal in the audit log. Each test signs in from its own loopback
/// address (127.0.0.x), so the per-address budgets of tests never meet.
/// </summary>
[Collection(SignInCollection.Name)]
public sealed class SignInTests(SignInHubFixture hub)
{
    [Fact]
    public async Task SignIn_PerAddressLimitSpent_Is429ProblemWithRetryAfterAuditedOnce()
    {
        const string address = "127.0.0.2";
        using var client = From(hub.BaseAddress, address);
        for (var i = 0; i < 6; i++)
        {
            using var wrong = await SignInAsync(client, $"nobody-{i}", "wrong-password");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var refused = await SignInAsync(client, $"nobody-6", "wrong-password");
        using var again = await SignInAsync(client, HubFixture.OperatorUser, HubFixture.Password);

        AssertTooManyRequests(refused, atMostSeconds: 600);
        Assert.Contains("per client address", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertTooManyRequests(again, atMostSeconds: 600);
        var audit = await AuditAsync(address);
        Assert.Equal(6, audit.Count(e => e.Action == "sign-in-failed"));
        var throttled = Assert.Single(audit, e => e.Action == "sign-in-throttled");
        Assert.Contains("per client address", throttled.Detail, StringComparison.Ordinal);

        // What was typed as a user name may be a password: an unknown account is never named.
        Assert.All(audit, e => Assert.DoesNotContain("nobody", e.User, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_PerAccountLimitSpent_RefusesEvenTheRightPassword()
    {
        for (var i = 0; i < 4; i++)
        {
            using var own = From(hub.BaseAddress, $"127.0.0.{10 + i}");
            using var signedIn = await SignInAsync(own, SignInHubFixture.LimitedUser, HubFixture.Password);
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        using var fifth = From(hub.BaseAddress, "127.0.0.14");
        using var refused = await SignInAsync(fifth, SignInHubFixture.LimitedUser, HubFixture.Password);

        AssertTooManyRequests(refused, atMostSeconds: 600);
        Assert.Contains("per account", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var throttled = Assert.Single(await AuditAsync("127.0.0.14"), e => e.Action == "sign-in-throttled");
        Assert.Equal(SignInHubFixture.LimitedUser, throttled.User);
    }

    [Fact]
    public async Task SignIn_ThreeWrongPasswords_LockTheAccountOnEveryInstanceAndAuditIt()
    {
        const string address = "127.0.0.20";
        using var client = From(hub.BaseAddress, address);
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await SignInAsync(client, SignInHubFixture.LockedUser, "wrong-password");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var second = From(hub.BaseAddress, "127.0.0.21");
        using var rightPassword = await SignInAsync(second, SignInHubFixture.LockedUser, HubFixture.Password);

        // Another instance has its own in-memory throttle, untouched: only the lockout in storage can refuse it.
        await using var other = hub.BuildInstance();
        await other.StartAsync();
        try
        {
            using var elsewhere = From(new Uri(other.Urls.First()), "127.0.0.22");
            using var onOtherInstance = await SignInAsync(elsewhere, SignInHubFixture.LockedUser, HubFixture.Password);
            using var otherAccount = await SignInAsync(elsewhere, SignInHubFixture.LimitedUser, "wrong-password");

            AssertTooManyRequests(onOtherInstance, atMostSeconds: 600, atLeastSeconds: 500);
            Assert.Contains("locked", (await onOtherInstance.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, otherAccount.StatusCode);
        }
        finally
        {
            await other.StopAsync();
        }

        AssertTooManyRequests(rightPassword, atMostSeconds: 600, atLeastSeconds: 500);
        Assert.False(rightPassword.Headers.Contains("Set-Cookie"));
        var audit = await AuditAsync(address);
        Assert.Equal(3, audit.Count(e => e.Action == "sign-in-failed" && e.User == SignInHubFixture.LockedUser));
        var locked = Assert.Single(audit, e => e.Action == "sign-in-lockout");
        Assert.Equal(SignInHubFixture.LockedUser, locked.User);
        Assert.Contains("after 3 wrong passwords", locked.Detail, StringComparison.Ordinal);
        Assert.Single(await AuditAsync("127.0.0.21"), e => e.Action == "sign-in-throttled" && e.Detail!.Contains("locked", StringComparison.Ordinal));
    }

    private static void AssertTooManyRequests(HttpResponseMessage response, int atMostSeconds, int atLeastSeconds = 1)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, atLeastSeconds, atMostSeconds);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private async Task<IReadOnlyList<AuditEntry>> AuditAsync(string address) =>
        [.. (await hub.Services.GetRequiredService<AuditLog>().NewestAsync(200, CancellationToken.None)).Where(e => e.Target == address)];

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string user, string password) =>
        client.PostAsJsonAsync("/api/v1/portal/session", new { user, password });

    /// <summary>A client whose connections leave from <paramref name="source"/>: on Linux all of 127.0.0.0/8 is this machine.</summary>
    private static HttpClient From(Uri baseAddress, string source) => new(new SocketsHttpHandler
    {
        UseCookies = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = baseAddress,
    };
}
