using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Local.Sandbox;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;

namespace IntegrationHub.Tests.Departments.SharedState;

/// <summary>
/// Two hub instances (the real local host, twice) on one Azurite, delivering to strict 房管 and 人社 sandboxes whose call
/// limit is lowered to 5 a second, so that a few dozen applications already press against it, and whose token and
/// per-case query limits are the documents' (10 tokens a minute) and the fixture's joint-testing interval (1 s).
/// The hub paces both departments at 2 calls/s hub-wide: each of two instances 1 a second, so at worst 2 × (1 + 1) = 4 ≤ 5
/// in any one second (one call of scheduling delay each); 3/s gave 2 × (2 + 1) = 6 and the sandbox saw 6 under load.
/// </summary>
public sealed class TwoInstancesFixture : HubFixture
{
    public const int CallLimit = 5;

    private WebApplication? _second;

    internal HousingSandbox StrictHousing { get; } = new(HousingClientId, HousingClientSecret, HousingWebhookSecret, TimeProvider.System,
        requestsPerSecond: CallLimit);

    internal SocialSecuritySandbox StrictSocialSecurity { get; } = new(SocialSecurityOrg, SocialSecurityKey, TimeProvider.System, new SocialSecuritySandboxSettings
    {
        DecisionDelay = TimeSpan.FromSeconds(1),
        MinQueryInterval = TimeSpan.FromSeconds(1),
        MaintenanceStart = TimeOnly.MinValue,
        MaintenanceEnd = TimeOnly.MinValue,
        CallsPerSecond = CallLimit,
    });

    public Uri SecondAddress { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _second = BuildInstance();
        await _second.StartAsync();
        SecondAddress = new Uri(_second.Urls.First());
        StrictHousing.WebhookUrl = new Uri(BaseAddress, "/api/v1/departments/fg/webhooks");
    }

    public override async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.StopAsync();
            await _second.DisposeAsync();
        }

        await StrictHousing.DisposeAsync();
        await StrictSocialSecurity.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Departments:Housing:BaseUrl"] = StrictHousing.BaseUrl.ToString();
        settings["Departments:SocialSecurity:BaseUrl"] = StrictSocialSecurity.BaseUrl.ToString();
        settings["Departments:Housing:CallsPerSecond"] = "2";
        settings["Departments:SocialSecurity:CallsPerSecond"] = "2";
        settings["Departments:Shared:MaximumInstanceCount"] = "2";
    }
}

public sealed class TwoInstancesTests(TwoInstancesFixture hub) : IClassFixture<TwoInstancesFixture>
{
    private const int PerDepartment = 24;

    [Fact]
    public async Task TwoInstances_ApplicationsThroughBoth_NoDepartmentLimitExceededAndOneCaseEach()
    {
        var submissions = Enumerable.Range(0, PerDepartment)
            .SelectMany(i => new[] { ("FG-003", i % 2 == 0 ? hub.BaseAddress : hub.SecondAddress), ("RS-001", i % 2 == 0 ? hub.SecondAddress : hub.BaseAddress) })
            .Select(s => SubmitAsync(s.Item1, s.Item2));
        var ids = await Task.WhenAll(submissions);

        foreach (var id in ids)
        {
            await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved", TimeSpan.FromSeconds(120));
        }

        // 房管: one token for both instances (10 a minute allowed), no second of more than the limit, nothing refused.
        var housing = hub.StrictHousing;
        Assert.Equal(1, housing.TokenRequestCount);
        var housingCalls = housing.ReceivedApplications.Select(a => a.At).Concat(housing.ReceivedQueryCalls.Select(q => q.At)).ToList();
        Assert.InRange(MostInOneSecond(housingCalls), 1, TwoInstancesFixture.CallLimit);
        Assert.DoesNotContain(housing.ReceivedApplications, a => a.HttpStatus == 429);
        Assert.Equal(PerDepartment, housing.ReceivedApplications.Select(a => a.RequestId).Distinct().Count());
        Assert.Equal(PerDepartment, housing.TicketCount);

        // 人社: no second of more than the limit, no 9001 at all (neither for rate nor for asking a case too soon),
        // every case asked at least the interval apart, one case per application.
        var gateway = hub.StrictSocialSecurity.ReceivedCalls;
        Assert.InRange(MostInOneSecond([.. gateway.Select(c => c.Time)]), 1, TwoInstancesFixture.CallLimit);
        Assert.DoesNotContain(gateway, c => c.RetCode == "9001");
        var cases = gateway.Where(c => c.TradeCode == "RS1001" && c.RetCode is "0000" or "2001").GroupBy(c => c.TransId).ToList();
        Assert.Equal(PerDepartment, cases.Count);
        Assert.All(cases, c => Assert.Single(c.Select(d => d.CaseNumber).Distinct()));
        foreach (var caseNumber in cases.Select(c => c.First().CaseNumber!))
        {
            var queries = hub.StrictSocialSecurity.QueriesFor(caseNumber);
            Assert.All(queries.Zip(queries.Skip(1)), pair => Assert.True(pair.Second.Time - pair.First.Time >= TimeSpan.FromSeconds(1),
                $"case queried {(pair.Second.Time - pair.First.Time).TotalMilliseconds} ms apart"));
        }
    }

    // The most calls the department saw in any one second, the way it counts: a rolling window of arrivals.
    private static int MostInOneSecond(IReadOnlyList<DateTimeOffset> arrivals)
    {
        var sorted = arrivals.Order().ToList();
        var most = 0;
        for (int first = 0, last = 0; last < sorted.Count; last++)
        {
            while (sorted[last] - sorted[first] >= TimeSpan.FromSeconds(1))
            {
                first++;
            }

            most = Math.Max(most, last - first + 1);
        }

        return most;
    }

    private static async Task<string> SubmitAsync(string itemCode, Uri instance)
    {
        using var client = new HttpClient { BaseAddress = instance };
        client.DefaultRequestHeaders.Add("X-Api-Key", HubFixture.KeyA);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/applications") { Content = JsonContent.Create(IntakeTests.Sample(itemCode)) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
    }
}
