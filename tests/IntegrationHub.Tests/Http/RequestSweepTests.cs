using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using CsCheck;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace IntegrationHub.Tests.Http;

/// <summary>A hub of its own, logging as the local run does, with every log line captured.</summary>
public sealed class SweepFixture : HubFixture
{
    public CapturedLogs Logs { get; } = new();

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Logging:LogLevel:Default"] = "Information";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
        settings["Logging:LogLevel:Azure.Core"] = "Warning";
    }

    protected override void ConfigureHost(WebApplicationBuilder builder) => builder.Logging.AddProvider(Logs);
}

[CollectionDefinition(Name)]
public sealed class SweepCollection : ICollectionFixture<SweepFixture>
{
    public const string Name = "sweep";
}

/// <summary>
/// Zero 5xx from input: generated malformed requests to every route of the hub answer a 4xx problem, store nothing and
/// log no personal data.
/// </summary>
[Collection(SweepCollection.Name)]
public sealed class RequestSweepTests(SweepFixture hub, ITestOutputHelper output)
{
    // Enough that every route is reached in every run (at 2,000 a route drawn about five times went unreached once in a while).
    private const int Cases = 4000;

    [Fact]
    public async Task EveryRoute_GeneratedMalformedRequests_AnswerProblemsStoreNothingLogNoPersonalData()
    {
        var cookie = (await hub.PortalCookieAsync(HubFixture.OperatorUser))["hub_portal=".Length..];
        var before = await SnapshotAsync();
        var statuses = new ConcurrentDictionary<int, int>();
        var routes = new ConcurrentDictionary<string, int>();
        var table = Hosts.RouteTable.Local(hub.App).Select(r => r.Replace("{file?}", "{x}", StringComparison.Ordinal)).ToList();
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = hub.BaseAddress };

        await RequestSweep.Cases(cookie).SampleAsync(async sweep =>
        {
            await OneAsync(sweep);
        }, iter: Cases, threads: 2, print: c => c.ToString());

        async Task OneAsync(SweepCase sweep)
        {
            using var response = await SendAsync(client, sweep);

            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            routes.AddOrUpdate(Route(table, sweep.Method, sweep.Path), 1, (_, n) => n + 1);
            Assert.True(status < 500, $"{status} for {sweep}");
            if (!sweep.MaySucceed)
            {
                Assert.True(status >= 400, $"{status} for {sweep}, which is malformed");
            }

            if (status >= 400)
            {
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                    $"{status} for {sweep} came as {response.Content.Headers.ContentType?.ToString() ?? "no content type"}");
                var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal(status, problem?["status"]?.GetValue<int>());
            }
        }

        output.WriteLine($"{Cases} cases; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        output.WriteLine(string.Join(Environment.NewLine, routes.OrderBy(r => r.Key).Select(r => $"  {r.Key}: {r.Value}")));
        Assert.Equal(before, await SnapshotAsync());
        var personal = PersonalData();
        Assert.DoesNotContain(hub.Logs.Lines, line => personal.Any(value => line.Contains(value, StringComparison.Ordinal)));

        // Every route of the hub was driven (the route table, portal included).
        Assert.Empty(table.Except(routes.Keys));
    }

    [Theory]
    [InlineData("/api/v1/departments/ga/notifications")]
    [InlineData("/api/v1/departments/fg/webhooks")]
    [InlineData("/api/v1/applications")]
    public async Task InboundEndpoint_ConcurrentChunkedBodiesOverTheLimit_Answer413Problems(string path)
    {
        using var client = new HttpClient { BaseAddress = hub.BaseAddress };
        var sends = Enumerable.Range(0, 24).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ChunkedContent(new byte[200_000 + (i * 30_000)]) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
            request.Headers.Add("X-Api-Key", HubFixture.KeyA);
            request.Headers.Add("Idempotency-Key", $"chunked-{i}");
            using var response = await client.SendAsync(request);
            return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType);
        });

        var answers = await Task.WhenAll(sends);

        Assert.All(answers, a => Assert.Equal((413, "application/problem+json"), a));
    }

    [Theory]
    [InlineData("/api/v1/departments/ga/notifications", "zz\r\n")]
    [InlineData("/api/v1/departments/fg/webhooks", "1g\r\n{\r\n")]
    [InlineData("/api/v1/applications", "ffffffffffffffffff\r\n")]
    [InlineData("/api/v1/portal/session", "4\r\n{}\r\nxx\r\n")]
    public async Task InboundEndpoint_MalformedChunkedFraming_AnswersA400ProblemNotA500(string path, string chunks)
    {
        // HttpClient cannot send broken chunk framing, so this speaks HTTP/1.1 over a socket. The server throws while the
        // endpoint reads the body; that must reach the client as a 4xx problem.
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(hub.BaseAddress.Host, hub.BaseAddress.Port);
        var stream = socket.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {hub.BaseAddress.Authority}\r\nContent-Type: application/json\r\n"
            + $"X-Api-Key: {HubFixture.KeyA}\r\nIdempotency-Key: framing\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head + chunks));
        await stream.FlushAsync();

        // The server answers and closes the connection (Connection: close; the body cannot be read past the fault).
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var answer = await reader.ReadToEndAsync(timeout.Token);

        var status = int.Parse(answer.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(status, 400, 499);
        Assert.Contains("Content-Type: application/problem+json", answer, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("url", 414)]
    [InlineData("header-count", 431)]
    [InlineData("header-size", 431)]
    public async Task Server_RequestOverTheHubsLimits_AnswersAProblemNotAnEmptyBody(string what, int status)
    {
        using var client = new HttpClient { BaseAddress = hub.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, what == "url" ? $"/api/v1/service-items?q={new string('q', 9000)}" : "/api/v1/health");
        for (var i = 0; what == "header-count" && i < 120; i++)
        {
            request.Headers.Add($"X-Many-{i}", "v");
        }

        if (what == "header-size")
        {
            request.Headers.Add("X-Large", new string('h', 40_000));
        }

        using var response = await client.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(status, problem!["status"]!.GetValue<int>());
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, SweepCase sweep)
    {
        using var request = new HttpRequestMessage(new HttpMethod(sweep.Method), sweep.Path);
        if (sweep.Body is not null)
        {
            request.Content = sweep.Chunked ? new ChunkedContent(sweep.Body) : new ByteArrayContent(sweep.Body);
            if (sweep.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        foreach (var (name, value) in sweep.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    // The route a generated request belongs to, as RouteTable spells it: same method, literal segments before parameters.
    private static string Route(List<string> table, string method, string path)
    {
        var segments = path.Split('?')[0].Trim('/').Split('/');
        var candidates = table
            .Where(r => r.StartsWith(method + " ", StringComparison.Ordinal))
            .OrderBy(r => r.Count(c => c == '{'));
        foreach (var route in candidates)
        {
            var parts = route.Split(' ', 2)[1].Trim('/').Split('/');
            if (parts.Length == segments.Length && parts.Zip(segments).All(p => p.First.StartsWith('{') || p.First == p.Second))
            {
                return route;
            }
        }

        return $"{method} (no route)";
    }

    /// <summary>Every table row (keys and ETag) and every queue's message count: anything written shows as a difference.</summary>
    private async Task<List<string>> SnapshotAsync()
    {
        var rows = new List<string>();
        var tables = new TableServiceClient(hub.Azurite.ConnectionString);
        await foreach (var table in tables.QueryAsync())
        {
            await foreach (var row in tables.GetTableClient(table.Name).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                // The feed pumps renew their lease in their cursor row (work table, w-…) on a timer, whatever the requests do.
                if (table.Name.EndsWith(IntegrationHub.Storage.WorkIndex.TableName, StringComparison.Ordinal) && row.RowKey.StartsWith("w-", StringComparison.Ordinal))
                {
                    continue;
                }

                rows.Add($"table {table.Name} {row.PartitionKey} {row.RowKey} {row.ETag}");
            }
        }

        var blobs = new Azure.Storage.Blobs.BlobServiceClient(hub.Azurite.ConnectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            await foreach (var blob in blobs.GetBlobContainerClient(container.Name).GetBlobsAsync())
            {
                rows.Add($"blob {container.Name} {blob.Name} {blob.Properties.ETag}");
            }
        }

        var queues = new QueueServiceClient(hub.Azurite.ConnectionString);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            var properties = await queues.GetQueueClient(queue.Name).GetPropertiesAsync();
            rows.Add($"queue {queue.Name} {properties.Value.ApproximateMessagesCount}");
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    // The names, ID numbers, phones and addresses of every sample the sweep sends.
    private static HashSet<string> PersonalData()
    {
        // The resident of every generated suggestion, and the words only a suggestion carries.
        var values = new HashSet<string>(StringComparer.Ordinal) { "陈小明", "13912345678", "楼道灯坏了" };
        foreach (var item in RequestSweep.Items.Split(' '))
        {
            var body = IntakeTests.Sample(item);
            void Walk(JsonNode? node, string name)
            {
                switch (node)
                {
                    case JsonObject json:
                        foreach (var (key, value) in json)
                        {
                            Walk(value, key);
                        }

                        break;
                    case JsonArray array:
                        foreach (var value in array)
                        {
                            Walk(value, name);
                        }

                        break;
                    case JsonValue value when value.TryGetValue(out string? text)
                        && (name.Contains("name", StringComparison.OrdinalIgnoreCase) || name.Contains("idNumber", StringComparison.Ordinal)
                            || name.Contains("phone", StringComparison.Ordinal) || name.Contains("ddress", StringComparison.Ordinal)):
                        values.Add(text);
                        break;
                }
            }

            Walk(body["applicant"], "applicant");
            Walk(body["form"], "form");
        }

        return values;
    }
}

/// <summary>A body sent with Transfer-Encoding: chunked (no Content-Length), in pieces.</summary>
internal sealed class ChunkedContent(byte[] bytes) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var at = 0; at < bytes.Length; at += 16_384)
        {
            await stream.WriteAsync(bytes.AsMemory(at, Math.Min(16_384, bytes.Length - at)));
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
