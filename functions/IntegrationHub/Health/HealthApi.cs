using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IntegrationHub.Health;

/// <summary>
/// <c>/health</c> reports every check; <c>/health/ready</c> only what the hub cannot accept work without (storage), for a
/// load balancer; <c>/health/live</c> none, for a restart policy: a process that answers is alive, and restarting it
/// because storage is down would not bring storage back.
/// </summary>
public sealed class HealthApi(HealthCheckService checks)
{
    public Task<IResult> Check(CancellationToken cancellationToken) => Report(_ => true, cancellationToken);

    public Task<IResult> Ready(CancellationToken cancellationToken) => Report(r => r.Tags.Contains(HubHealthChecks.Ready), cancellationToken);

    public Task<IResult> Live(CancellationToken cancellationToken) => Report(_ => false, cancellationToken);

    private async Task<IResult> Report(Func<HealthCheckRegistration, bool> predicate, CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(predicate, cancellationToken);
        var status = report.Status switch
        {
            HealthStatus.Healthy => "healthy",
            HealthStatus.Degraded => "degraded",
            _ => "unhealthy",
        };
        var entries = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status == HealthStatus.Healthy ? "ok" : e.Value.Description ?? e.Value.Status.ToString());
        return Results.Json(new Contracts.HealthReport(status, entries), HubJson.Info<Contracts.HealthReport>(),
            statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}
