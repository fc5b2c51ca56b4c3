using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using IntegrationHub.Http;
using IntegrationHub.Tests.Fixtures;
using IntegrationHub.Tests.Http;

namespace IntegrationHub.Tests.Applications;

/// <summary>A hub whose sandbox 公安 and 房管 decide every application within a second, as their joint-testing environments do.</summary>
public sealed class DecidingHubFixture : HubFixture
{
    public override async Task InitializeAsync()
    {
        PublicSecurity.AutoDecide(TimeSpan.FromMilliseconds(200), retryUnit: TimeSpan.FromSeconds(1));
        Housing.AutoDecide(TimeSpan.FromMilliseconds(200), retryUnit: TimeSpan.FromSeconds(1));
        await base.InitializeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DecidingHubCollection : ICollectionFixture<DecidingHubFixture>
{
    public const string Name = "deciding-hub";
}

/// <summary>
/// Any character a resident has: names and addresses drawn from CJK Extensions B–G, with the middle dot of minority
/// names, go through all 19 online items to a final status with no failed attempt, reach each department's strict
/// sandbox unchanged, and show masked as the city's rule says in the portal.
/// </summary>
[Collection(DecidingHubCollection.Name)]
public sealed class RareCharacterTests(DecidingHubFixture hub)
{
    public static TheoryData<string> Items() => [.. RequestSweep.Items.Split(' ')];

    [Theory]
    [MemberData(nameof(Items))]
    public async Task Application_NamesAndAddressesFromExtensionsBToG_ReachFinalStatusWithoutAFailedAttemptAndShowMasked(string item)
    {
        var body = IntakeTests.Sample(item);
        var rare = RareValues(body);
        var name = body["applicant"]!["name"]!.GetValue<string>();

        using var submitted = await hub.SubmitAsync(body);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        var done = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() is "Approved" or "Rejected" or "Denied"
            || a["handoff"]!.GetValue<string>() == "Failed", TimeSpan.FromSeconds(60));

        Assert.Equal("Approved", done["status"]!.GetValue<string>());
        Assert.Equal("Delivered", done["handoff"]!.GetValue<string>());
        var timeline = done["timeline"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.DoesNotContain(timeline, e => e["kind"]!.GetValue<string>() == "handoff-failed");
        Assert.All(timeline.Where(e => e["kind"]!.GetValue<string>() == "attempt"),
            e => Assert.Contains(e["outcome"]!.GetValue<string>(), new[] { "Received", "Completed" }));

        // What the department received carries every character exactly.
        var sent = SentToDepartment(item, id);
        Assert.All(rare, value => Assert.Contains(value, sent));

        // The portal shows the name as the city's mask: the first character whole, a star for each other one.
        var detail = await PortalDetailAsync(id);
        var runes = name.EnumerateRunes().ToArray();
        var mask = runes[0] + new string('*', runes.Length - 1);
        Assert.Equal(mask, detail["summary"]!["applicantName"]!.GetValue<string>());
        var shown = Strings(detail).ToList();
        Assert.DoesNotContain(shown, s => s.Contains(name, StringComparison.Ordinal));
        Assert.DoesNotContain(shown, s => s.Contains(body["applicant"]!["idNumber"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.DoesNotContain(shown, s => s.Contains(body["applicant"]!["phone"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal(mask, done["applicantName"]!.GetValue<string>());

        // An operator finds it by the full name exactly as the resident wrote it (keyed hash of the same characters).
        using var portal = await hub.CreatePortalClientAsync(HubFixture.ViewerUser);
        using var found = await portal.PostAsJsonAsync("/api/v1/portal/handoffs/search", new Dictionary<string, string> { ["name"] = name });
        found.EnsureSuccessStatusCode();
        var items = (await found.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray();
        Assert.Contains(items, i => i!["applicationId"]!.GetValue<string>() == id);
    }

    /// <summary>
    /// Gives the applicant a name with characters of Extensions B–G and a middle dot, and every other name and address of
    /// the form one too; returns the values the department must receive unchanged.
    /// </summary>
    private static List<string> RareValues(JsonObject body)
    {
        var x = ResidentText.Extensions;
        var values = new List<string>();
        var name = $"{x[0]}{x[2]}{x[7]}{x[3]}{x[6]}";
        body["applicant"]!["name"] = name;
        values.Add(name);
        var n = 0;
        void Walk(JsonNode? node)
        {
            if (node is JsonObject json)
            {
                foreach (var (key, value) in json.ToList())
                {
                    if (value is JsonValue && (key.Contains("name", StringComparison.OrdinalIgnoreCase) || key.Contains("ddress", StringComparison.Ordinal)))
                    {
                        // An address of 98 characters, 90 of them outside the BMP: within 100 characters, though 188 UTF-16 units.
                        var rare = key.Contains("ddress", StringComparison.Ordinal)
                            ? $"徐州市{string.Concat(Enumerable.Range(n, 90).Select(i => x[i % 7]))}路{n + 1}号{x[(n + 1) % 7]}苑"
                            : $"{x[(n + 3) % 7]}{x[(n + 5) % 7]}·{x[(n + 6) % 7]}";
                        json[key] = rare;
                        values.Add(rare);
                        n++;
                    }
                    else
                    {
                        Walk(value);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var element in array)
                {
                    Walk(element);
                }
            }
        }

        Walk(body["form"]);
        return values;
    }

    // The request as the sandbox decoded it: 公安's GB18030 XML, 人社's body string, 房管's JSON, as text.
    private string SentToDepartment(string item, string id)
    {
        switch (item[..2])
        {
            case "GA":
                var xml = Assert.Single(hub.PublicSecurity.ReceivedApplications, r => r.Lsh == id && r.Code is "0000" or "0001").Xml!;
                return string.Concat(XElement.Parse(xml).Descendants().Where(e => !e.HasElements).Select(e => e.Value + "\n"));
            case "RS":
                var call = Assert.Single(hub.SocialSecurity.ReceivedCalls, c => c.TransId == id && c.TradeCode != "RS9001");
                return string.Concat(JsonNode.Parse(call.Body!)!.AsObject().Select(p => p.Value!.GetValue<string>() + "\n"));
            default:
                var submission = hub.Housing.ReceivedApplications.First(s => s.RequestId == id && s.HttpStatus is 200 or 202);
                return string.Concat(Strings(JsonNode.Parse(submission.Body!)!).Select(s => s + "\n"));
        }
    }

    private async Task<JsonObject> PortalDetailAsync(string id)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = hub.BaseAddress };
        var cookie = await hub.PortalCookieAsync(HubFixture.ViewerUser);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/portal/handoffs/{id}");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();

        // Read strictly: a mask that split a surrogate pair would be a lone surrogate here, and refused.
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(StrictJson.TryParse(bytes, out var detail, out var error), $"{error.Field}: {error.Message}");
        Assert.DoesNotContain(Strings(detail!), s => s.Contains('\uFFFD', StringComparison.Ordinal));
        return detail!.AsObject();
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject json => json.SelectMany(p => Strings(p.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.TryGetValue(out string? text) => [text],
        _ => [],
    };
}
