using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using IntegrationHub.Handoff;
using IntegrationHub.Storage;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Health;

/// <summary>
/// The hub's health checks. Tagged <see cref="Ready"/>: what the hub cannot take an application without (table and queue
/// storage). The rest (the backlog, each department's reachability and circuit) degrade the report without making the hub
/// unready: an application for a department that is down is still accepted and waits in the queue.
/// </summary>
internal static class HubHealthChecks
{
    public const string Ready = "ready";

    /// <summary>Each probe's budget: a health answer must come quickly, or the probe says the dependency is unreachable.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public static IServiceCollection AddHubHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<TableStorageCheck>("tables", HealthStatus.Unhealthy, tags: [Ready])
            .AddCheck<QueueStorageCheck>("queues", HealthStatus.Unhealthy, tags: [Ready])
            .AddCheck<BacklogCheck>("backlog", HealthStatus.Degraded);
        return services;
    }

    /// <summary>One department's check: its circuit, and whether its base address accepts a connection (no request is sent).</summary>
    public static IServiceCollection AddDepartmentHealthCheck(this IServiceCollection services, string department, Func<IServiceProvider, Uri?> baseUrl)
    {
        services.AddHealthChecks().Add(new HealthCheckRegistration($"department-{department}",
            sp => new DepartmentCheck(department, baseUrl(sp), sp.GetRequiredService<CircuitStates>()), HealthStatus.Degraded, []));
        return services;
    }

    internal static async Task<HealthCheckResult> Probe(Func<CancellationToken, Task> probe, HealthStatus failure, CancellationToken cancellationToken)
    {
        // A health probe's storage calls are a price per interval (the load balancer's), never per application.
        using var calls = StorageCalls.Begin("health");
        calls.MarkIdle();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        try
        {
            await probe(timeout.Token);
            return HealthCheckResult.Healthy("ok");
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or HttpRequestException or SocketException or AggregateException)
        {
            return new HealthCheckResult(failure, $"unreachable: {ex.GetType().Name}");
        }
    }
}

internal sealed class TableStorageCheck(TableServiceClient tables) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        HubHealthChecks.Probe(async ct =>
        {
            await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: ct).AsPages().WithCancellation(ct))
            {
                break;
            }
        }, context.Registration.FailureStatus, cancellationToken);
}

internal sealed class QueueStorageCheck(QueueServiceClient queues) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        HubHealthChecks.Probe(async ct =>
        {
            await foreach (var _ in queues.GetQueuesAsync(cancellationToken: ct).AsPages(pageSizeHint: 1).WithCancellation(ct))
            {
                break;
            }
        }, context.Registration.FailureStatus, cancellationToken);
}

/// <summary>Degraded while a hand-off message has waited visibly longer than <c>Handoff:StrandedAfter</c>.</summary>
internal sealed class BacklogCheck(QueueProbe probe, HandoffQueue handoffs, IOptions<HandoffOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyDictionary<string, QueueState>? states = null;
        var reached = await HubHealthChecks.Probe(async ct => states = await probe.SampleAsync(ct), context.Registration.FailureStatus, cancellationToken);
        if (states is null)
        {
            return reached;
        }

        var limit = options.Value.StrandedAfter;
        var late = states.Where(s => s.Key != handoffs.PoisonQueueName && s.Value.OldestAge > limit).Select(s => s.Key).ToList();
        return late.Count == 0
            ? HealthCheckResult.Healthy("ok")
            : new HealthCheckResult(context.Registration.FailureStatus, $"oldest message older than {limit}: {string.Join(", ", late)}");
    }
}

internal sealed class DepartmentCheck(string department, Uri? baseUrl, CircuitStates circuits) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (baseUrl is null)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "not configured");
        }

        if (circuits.IsOpen(department))
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "circuit open");
        }

        // A TCP connection only: a request would be a call the department counts (and its sandboxes record).
        return await HubHealthChecks.Probe(async ct =>
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(baseUrl.Host, baseUrl.Port, ct);
        }, context.Registration.FailureStatus, cancellationToken);
    }
}
