using IntegrationHub.Http;
using HealthReport = IntegrationHub.Contracts.HealthReport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IntegrationHub.Health;

/// <summary>
/// <c>/health</c> reports every check; <c>/health/ready</c> only what the hub cannot accept work without (storage), for a
/// load balancer; <c>/health/live</c> none, for a restart policy: a process that answers is alive, and restarting it
/// because storage is down would not bring storage back.
/// </summary>
internal sealed class HealthApi(HealthCheckService checks)
{
    public Task<JsonHttpResult<HealthReport>> Check(CancellationToken cancellationToken) => Report(_ => true, cancellationToken);

    public Task<JsonHttpResult<HealthReport>> Ready(CancellationToken cancellationToken) => Report(r => r.Tags.Contains(HubHealthChecks.Ready), cancellationToken);

    public Task<JsonHttpResult<HealthReport>> Live(CancellationToken cancellationToken) => Report(_ => false, cancellationToken);

    private async Task<JsonHttpResult<HealthReport>> Report(Func<HealthCheckRegistration, bool> predicate, CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(predicate, cancellationToken);
        var status = report.Status switch
        {
            HealthStatus.Healthy => "healthy",
            HealthStatus.Degraded => "degraded",
            _ => "unhealthy",
        };
        var entries = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status == HealthStatus.Healthy ? "ok" : e.Value.Description ?? e.Value.Status.ToString());
        // 503 with the same body when unhealthy: a load balancer reads the status, an operator the entries.
        return TypedResults.Json(new HealthReport(status, entries), HubJson.Info<HealthReport>(),
            statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}
