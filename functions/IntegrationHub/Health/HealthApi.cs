using Azure.Data.Tables;
using Azure.Storage.Queues;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;

namespace IntegrationHub.Health;

/// <summary>Answers healthy only when table and queue storage both answer within a few seconds.</summary>
public sealed class HealthApi(TableServiceClient tables, QueueServiceClient queues)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public async Task<IResult> Check(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        var checks = new Dictionary<string, string>
        {
            ["tables"] = await Probe(async ct =>
            {
                await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: ct).AsPages().WithCancellation(ct))
                {
                    break;
                }
            }, timeout.Token),
            ["queues"] = await Probe(async ct =>
            {
                await foreach (var _ in queues.GetQueuesAsync(cancellationToken: ct).AsPages(pageSizeHint: 1).WithCancellation(ct))
                {
                    break;
                }
            }, timeout.Token),
        };
        var healthy = checks.Values.All(v => v == "ok");
        return Results.Json(new HealthReport(healthy ? "healthy" : "unhealthy", checks), HubJson.Info<HealthReport>(),
            statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<string> Probe(Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        try
        {
            await probe(cancellationToken);
            return "ok";
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or HttpRequestException or AggregateException)
        {
            return $"unreachable: {ex.GetType().Name}";
        }
    }
}
