using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Telemetry;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using IntegrationHub.Tests.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace IntegrationHub.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests(TelemetryFixture hub)
{
    [Fact]
    public async Task Trace_Ga001FromIntakeToNotificationsAndWebhooks_OneTraceIdAtEveryHop()
    {
        using var response = await hub.SubmitAsync(IntakeTests.Sample("GA-001"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        var final = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved", TimeSpan.FromSeconds(60));

        // The trace starts at the platform's request; the hub names the application on its span.
        var intake = await SpanAsync(s => s.Kind == ActivityKind.Server && Of(s) == id && s.DisplayName.StartsWith("POST", StringComparison.Ordinal));
        var trace = intake.TraceId;

        // Through the queue message to the dispatcher, and on to the department as W3C traceparent.
        var handoff = await SpanAsync(s => s.DisplayName == "handoff GA" && Of(s) == id);
        Assert.Equal(trace, handoff.TraceId);
        var received = hub.PublicSecurity.ReceivedApplications.Single(r => r.Lsh == id);
        var traceParent = received.Headers.Single(h => h.Key.Equals("traceparent", StringComparison.OrdinalIgnoreCase)).Value;
        Assert.Equal(trace, ActivityContext.Parse(traceParent, null).TraceId);
        Assert.Contains(hub.Captured.Spans, s => s.Kind == ActivityKind.Client && s.TraceId == trace && s.ParentSpanId == handoff.SpanId);

        // And back: each of 公安's notifications (受理, 审核中, 办结) is a span in the same trace, linked to the request that brought it.
        var reports = await SpansAsync(s => s.DisplayName == "report GA" && Of(s) == id, 3);
        Assert.All(reports, r => Assert.Equal(trace, r.TraceId));
        foreach (var report in reports)
        {
            var link = Assert.Single(report.Links).Context;
            Assert.NotEqual(trace, link.TraceId);
            Assert.Contains(hub.Captured.Spans, s => s.SpanId == link.SpanId && s.Kind == ActivityKind.Server
                && (s.GetTagItem("url.path") as string) == "/api/v1/departments/ga/notifications");
        }

        // And on to the platform: its webhook of each status is a span in the same trace (the feed's event row carries it).
        var webhooks = await SpansAsync(s => s.DisplayName.StartsWith("webhook ", StringComparison.Ordinal) && Of(s) == id, 3);
        Assert.All(webhooks, w => Assert.Equal(trace, w.TraceId));

        // The timeline names the same trace at intake, at the attempt and at every status the department reported.
        var traced = final["timeline"]!.AsArray().Where(e => e!["kind"]!.GetValue<string>() is "received" or "attempt" || e!["summary"]!.GetValue<string>().Contains("GA 0", StringComparison.Ordinal)).ToList();
        Assert.True(traced.Count >= 5, final.ToJsonString());
        Assert.All(traced, e => Assert.Equal(trace.ToHexString(), e!["traceId"]?.GetValue<string>()));
    }

    [Fact]
    public async Task PortalTimeline_Attempt_LinksItsTraceInTheTraceView()
    {
        using var response = await hub.SubmitAsync(IntakeTests.Sample("GA-004"));
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() == "Delivered");

        using var portal = await hub.CreatePortalClientAsync();
        var detail = (await portal.GetFromJsonAsync<JsonObject>($"/api/v1/portal/handoffs/{id}"))!;

        var attempt = detail["timeline"]!.AsArray().First(e => e!["kind"]!.GetValue<string>() == "attempt")!;
        var traceId = attempt["traceId"]!.GetValue<string>();
        Assert.Equal(TelemetryFixture.TraceView.Replace("{traceId}", traceId, StringComparison.Ordinal), attempt["traceUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task EndToEnd_ThreeDepartments_NoPersonalValueInAnyExportedSpanMetricOrLog()
    {
        // A canary in each signal proves the search reaches it.
        var canary = $"金丝雀{Guid.NewGuid():N}";
        using (var span = HubTelemetry.Source.StartActivity("canary"))
        {
            span?.SetTag("canary", canary);
        }

        using (var meter = new Meter(HubTelemetry.Name))
        {
            meter.CreateCounter<long>("canary").Add(1, new KeyValuePair<string, object?>("canary", canary));
            Flush();
        }

        hub.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Canary").LogWarning("Planted {Canary}", canary);

        var values = new HashSet<string>(StringComparer.Ordinal);
        var ids = new List<string>();
        string[] items = ["GA-001", "FG-001", "RS-001"];
        for (var i = 0; i < items.Length; i++)
        {
            var body = IntakeTests.Sample(items[i]);
            body["applicant"]!["name"] = PersonalDataAtRestTests.Names[i];
            body["applicant"]!["idNumber"] = PersonalDataAtRestTests.CitizenId(i + 20);
            body["applicant"]!["phone"] = string.Create(CultureInfo.InvariantCulture, $"137{20261130 + i:D8}");
            using var response = await hub.SubmitAsync(body);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>());
            foreach (var key in new[] { "name", "idNumber", "phone" })
            {
                values.Add(body["applicant"]![key]!.GetValue<string>());
            }

            PersonalDataAtRestTests.Collect(body["form"], values);
        }

        foreach (var id in ids)
        {
            var final = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() is "Approved" or "Rejected" or "Denied", TimeSpan.FromSeconds(90));
            Assert.Equal("Approved", final["status"]!.GetValue<string>());
            using var portal = await hub.CreatePortalClientAsync();
            using var detail = await portal.GetAsync($"/api/v1/portal/handoffs/{id}");
            Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        }

        // The poll's span, and each hop's, ends just after the status it brought became readable: under load the
        // spans were once read before "poll RS" had ended.
        await SpanAsync(s => s.DisplayName == "poll RS");
        foreach (var id in ids)
        {
            await SpanAsync(s => Of(s) == id && s.DisplayName.StartsWith("report", StringComparison.Ordinal));
        }

        Flush();
        var search = new PersonalDataAtRestTests.Search(values, canary);
        var spans = hub.Captured.Spans.ToList();
        foreach (var span in spans)
        {
            search.InText("span", CapturedTelemetry.Describe(span));
        }

        foreach (var point in hub.Captured.MetricPoints)
        {
            search.InText("metric", point);
        }

        foreach (var record in hub.Captured.LogRecords)
        {
            search.InText("log", record);
        }

        Assert.Equal(["log", "metric", "span"], search.CanaryFoundIn.Order(StringComparer.Ordinal));
        // Every hop of the three applications was exported, and every instrument the documentation lists.
        foreach (var id in ids)
        {
            Assert.Contains(spans, s => Of(s) == id && s.DisplayName.StartsWith("handoff", StringComparison.Ordinal));
            Assert.Contains(spans, s => Of(s) == id && s.DisplayName.StartsWith("report", StringComparison.Ordinal));
        }

        Assert.Contains(spans, s => s.DisplayName == "poll RS");
        foreach (var instrument in new[] { "hub.intake.applications", "hub.handoff.duration", "hub.department.answers", "hub.department.reports",
            "hub.department.circuit.open", "hub.queue.depth", "hub.queue.oldest_age", "hub.webhook.lag" })
        {
            Assert.Contains(hub.Captured.MetricPoints, p => p.StartsWith($"{HubTelemetry.Name} {instrument} ", StringComparison.Ordinal));
        }

        Assert.True(hub.Captured.LogRecords.Count > 50, $"only {hub.Captured.LogRecords.Count} log records were exported");
        Assert.True(search.Hits.Count == 0, $"{values.Count} personal values searched; found: {string.Join("; ", search.Hits.Take(20))}");
    }

    private void Flush()
    {
        hub.Services.GetRequiredService<TracerProvider>().ForceFlush();
        hub.Services.GetRequiredService<MeterProvider>().ForceFlush();
        hub.Services.GetRequiredService<LoggerProvider>().ForceFlush();
    }

    private static string? Of(Activity span) => span.GetTagItem(HubTelemetry.ApplicationIdTag) as string;

    private async Task<Activity> SpanAsync(Func<Activity, bool> match) => (await SpansAsync(match, 1))[0];

    // A span is exported when it ends, which can be just after the answer it produced was read.
    private async Task<List<Activity>> SpansAsync(Func<Activity, bool> match, int atLeast)
    {
        var clock = Stopwatch.StartNew();
        List<Activity> found;
        while ((found = [.. hub.Captured.Spans.Where(match)]).Count < atLeast && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }

        Assert.True(found.Count >= atLeast, $"{found.Count} matching spans of {hub.Captured.Spans.Count} exported");
        return found;
    }
}
