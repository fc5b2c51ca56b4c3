using IntegrationHub.Tests.Fixtures;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// What a real browser does with a signed-in operator's cookie when another page on the same machine (another port:
/// a different origin, the same site) makes it post to the portal: the cookie goes along, and only the hub's own
/// Origin / Sec-Fetch-Site check stops the replay.
/// </summary>
public sealed partial class PortalUiTests
{
    [Fact]
    public async Task Replay_PostedByAPageOnAnotherOrigin_IsRefusedAndNothingIsReplayed()
    {
        var id = await FailOneAsync();
        var deliveries = hub.PublicSecurity.ReceivedApplications.Count(r => r.Lsh == id);
        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.SignInAsync(HubFixture.OperatorUser);
        var target = new Uri(hub.BaseAddress, $"/api/v1/portal/handoffs/{Uri.EscapeDataString(id)}/replay");
        using var attacker = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        attacker.Given(Request.Create().WithPath("/form").UsingGet()).RespondWith(Response.Create()
            .WithHeader("Content-Type", "text/html; charset=utf-8")
            .WithBody($"""<!doctype html><form id="f" method="post" action="{target}"><input name="reason" value="x"></form><script>document.getElementById('f').submit();</script>"""));
        attacker.Given(Request.Create().WithPath("/fetch").UsingGet()).RespondWith(Response.Create()
            .WithHeader("Content-Type", "text/html; charset=utf-8")
            .WithBody($$"""<!doctype html><script>fetch('{{target}}', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '{}' });</script>"""));

        var formPost = await tab.Page.RunAndWaitForResponseAsync(() => tab.Page.GotoAsync($"{attacker.Url}/form"), r => r.Url == target.ToString());
        var fetchPost = await tab.Page.RunAndWaitForResponseAsync(() => tab.Page.GotoAsync($"{attacker.Url}/fetch"), r => r.Url == target.ToString());

        // The form's navigation shows what the browser sent: the operator's cookie, from a page of the same site.
        var sent = await formPost.Request.AllHeadersAsync();
        Assert.Equal("same-site", sent["sec-fetch-site"]);
        Assert.Contains($"{IntegrationHub.Portal.PortalAuth.Cookie}=", sent["cookie"], StringComparison.Ordinal);
        Assert.Equal(403, formPost.Status);
        Assert.Equal(403, fetchPost.Status);
        Assert.Equal("Failed", (await hub.GetApplicationAsync(id))["handoff"]!.GetValue<string>());
        Assert.Equal(deliveries, hub.PublicSecurity.ReceivedApplications.Count(r => r.Lsh == id));
    }
}
