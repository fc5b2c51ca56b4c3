using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Tests.Privacy;

/// <summary>
/// A hub whose Azurite keeps its data in a folder on disk, whose every log line is captured, and whose sandbox
/// departments decide on their own, so applications of all three departments run to a final status.
/// </summary>
public sealed class AtRestFixture : HubFixture
{
    public string DataFolder { get; } = Path.Combine(Path.GetTempPath(), $"hub-at-rest-{Guid.NewGuid():N}");

    public CapturedLogs Logs { get; } = new();

    protected override Task<Azurite> StartAzuriteAsync()
    {
        Directory.CreateDirectory(DataFolder);
        return Azurite.StartAsync(DataFolder);
    }

    protected override void Configure(Dictionary<string, string> settings)
    {
        foreach (var category in new[] { "Default", "Microsoft.AspNetCore", "Azure.Core", "System.Net.Http" })
        {
            settings[$"Logging:LogLevel:{category}"] = "Trace";
        }
    }

    protected override void ConfigureHost(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(Logs);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        PublicSecurity.AutoDecide(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));
        Housing.AutoDecide(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(DataFolder, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class AtRestCollection : ICollectionFixture<AtRestFixture>
{
    public const string Name = "at-rest";
}

/// <summary>
/// Applications of all three departments go end to end; then the whole storage (every table, queue and blob, and
/// Azurite's data folder on disk) and every log line the hub wrote hold none of the residents' ID numbers, phones,
/// names, addresses or certificate numbers. Planted canaries prove the search finds what is there.
/// </summary>
[Collection(AtRestCollection.Name)]
public sealed partial class PersonalDataAtRestTests(AtRestFixture hub)
{
    internal static readonly string[] Names =
    [
        "欧阳𠮷", "王𪚥", "李䶮", "赵𠀀明", "钱𫝀华", "孙𬺰", "周𮯠丽", "吴𰀀", "郑𱁬", "冯海𠈌",
        "陈秀𡨸", "褚卫", "卫𣲙", "蒋𤭢", "沈𥫗", "韩𦈡", "杨𧵳", "朱𨭎", "秦𩽾",
    ];

    [Fact]
    public async Task EndToEnd_AllNineteenItemsToFinal_NoPersonalValueInStorageAzuriteFilesOrLogs()
    {
        var canary = $"金丝雀{Guid.NewGuid():N}";
        await PlantCanariesAsync(canary);

        var codes = WirePayloads.Catalog.Entries.Where(e => e.Item.Online).Select(e => e.Item.Code).ToList();
        Assert.Equal(19, codes.Count);
        var submitted = new List<(string Id, JsonObject Body)>();
        for (var i = 0; i < codes.Count; i++)
        {
            var body = IntakeTests.Sample(codes[i]);
            body["applicant"]!["name"] = Names[i];
            body["applicant"]!["idNumber"] = CitizenId(i);
            body["applicant"]!["phone"] = string.Create(CultureInfo.InvariantCulture, $"139{20261100 + i:D8}");
            using var response = await hub.SubmitAsync(body);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            submitted.Add(((await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>(), body));
        }

        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, body) in submitted)
        {
            var final = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() is "Approved" or "Rejected" or "Denied", TimeSpan.FromSeconds(90));
            Assert.Equal("Approved", final["status"]!.GetValue<string>());
            Assert.DoesNotContain(final["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "handoff-failed");
            foreach (var key in new[] { "name", "idNumber", "phone" })
            {
                values.Add(body["applicant"]![key]!.GetValue<string>());
            }

            Collect(body["form"], values);

            // The platform reads the department's result in clear (the resident's own channel); nowhere else may hold it.
            // 公安's instant result is an ID card's progress and a police station's pick-up place: nobody's personal data.
            if (!body["itemCode"]!.GetValue<string>().StartsWith("GA", StringComparison.Ordinal))
            {
                Collect(final["result"], values);
            }
        }

        Assert.Contains(values, v => v.StartsWith("FGZM", StringComparison.Ordinal));
        Assert.Contains(values, v => v.StartsWith("ZM", StringComparison.Ordinal));
        await RevealOnceAsync(submitted[0].Id);

        var search = new Search(values, canary);
        await hub.App.StopAsync();
        await SearchStorageAsync(search);
        await hub.Azurite.StopGracefullyAsync();
        foreach (var file in Directory.EnumerateFiles(hub.DataFolder, "*", SearchOption.AllDirectories))
        {
            search.InBytes($"azurite:{Path.GetRelativePath(hub.DataFolder, file)}", await File.ReadAllBytesAsync(file));
        }

        foreach (var line in hub.Logs.Lines)
        {
            search.InText("log", line);
        }

        Assert.True(hub.Logs.Lines.Count > 100, $"only {hub.Logs.Lines.Count} log lines were captured");
        // Azurite's own files: the table database and the queue's stored messages, not only what the API answers.
        foreach (var place in new[] { "table:", "queue:", "blob:", "log", "azurite:__azurite_db_table__", "azurite:__queuestorage__" })
        {
            Assert.True(search.CanaryFoundIn.Any(w => w.StartsWith(place, StringComparison.Ordinal)),
                $"the search never found the canary planted for {place} (found in {string.Join(", ", search.CanaryFoundIn)}): it could not have found personal data there");
        }

        Assert.True(search.Hits.Count == 0, $"{values.Count} personal values searched; found in clear: {string.Join("; ", search.Hits.Take(20))}");
    }

    private async Task PlantCanariesAsync(string canary)
    {
        var connection = hub.Azurite.ConnectionString;
        var table = new TableClient(connection, "canary");
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("canary", "1") { ["Value"] = canary });
        var queue = new QueueClient(connection, "canary");
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(canary);
        var container = new BlobContainerClient(connection, "canary");
        await container.CreateIfNotExistsAsync();
        await container.UploadBlobAsync("canary.txt", BinaryData.FromString(canary));
        hub.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Canary").LogInformation("Planted {Canary}", canary);
    }

    private async Task SearchStorageAsync(Search search)
    {
        var connection = hub.Azurite.ConnectionString;
        var tables = new TableServiceClient(connection);
        await foreach (var item in tables.QueryAsync())
        {
            await foreach (var entity in tables.GetTableClient(item.Name).QueryAsync<TableEntity>())
            {
                foreach (var (key, value) in entity)
                {
                    var where = $"table:{item.Name}/{entity.PartitionKey}/{entity.RowKey}/{key}";
                    if (value is byte[] bytes)
                    {
                        search.InBytes(where, bytes);
                    }
                    else
                    {
                        search.InText(where, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                    }
                }
            }
        }

        var queues = new QueueServiceClient(connection);
        await foreach (var item in queues.GetQueuesAsync())
        {
            foreach (var message in (await queues.GetQueueClient(item.Name).PeekMessagesAsync(32)).Value)
            {
                search.InBytes($"queue:{item.Name}", message.Body.ToArray());
            }
        }

        var blobs = new BlobServiceClient(connection);
        await foreach (var item in blobs.GetBlobContainersAsync())
        {
            var container = blobs.GetBlobContainerClient(item.Name);
            await foreach (var blob in container.GetBlobsAsync())
            {
                search.InBytes($"blob:{item.Name}/{blob.Name}", (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray());
            }
        }
    }

    // An operator's audited reveal must leave the reason and the field name in storage, never the value.
    private async Task RevealOnceAsync(string id)
    {
        using var client = await hub.CreatePortalClientAsync(HubFixture.OperatorUser);
        using var reveal = await client.PostAsJsonAsync($"/api/v1/portal/handoffs/{id}/reveal", new { field = "idNumber", reason = "核对身份" });
        Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
    }

    // Every string value that is a person's: anything with a Chinese character (names, addresses, certificate numbers,
    // employers, free text) and every identifier-like run of 8+ letters and digits (ID, phone, card and receipt numbers).
    internal static void Collect(JsonNode? node, HashSet<string> values)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Collect(child, values);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, values);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                if (text.EnumerateRunes().Any(r => r.Value >= 0x2E80) || IdentifierLike().IsMatch(text))
                {
                    values.Add(text);
                }

                break;
        }
    }

    /// <summary>A valid GB 11643 number for test person <paramref name="i"/>.</summary>
    internal static string CitizenId(int i)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $"320302{new DateOnly(1970 + i, 1 + (i % 12), 1 + i):yyyyMMdd}{101 + i:D3}");
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, k) => (c - '0') * weights[k]).Sum();
        return body + "10X98765432"[sum % 11];
    }

    [GeneratedRegex("^[0-9A-Za-z]{8,}$")]
    private static partial Regex IdentifierLike();

    /// <summary>Looks for each value as text (as is and JSON-escaped) and as bytes (UTF-8, GB18030, UTF-16, inside base64).</summary>
    internal sealed partial class Search
    {
        private readonly List<(string Value, string[] Texts, byte[][] Bytes)> _values;
        private readonly (string[] Texts, byte[][] Bytes) _canary;

        public Search(IEnumerable<string> values, string canary)
        {
            _values = [.. values.Select(v => (v, Texts(v), Bytes(v)))];
            _canary = (Texts(canary), Bytes(canary));
        }

        public List<string> Hits { get; } = [];

        public HashSet<string> CanaryFoundIn { get; } = [];

        public void InText(string where, string text)
        {
            foreach (var (value, texts, _) in _values)
            {
                if (texts.Any(t => text.Contains(t, StringComparison.Ordinal)))
                {
                    Hits.Add($"{value} in {where}");
                }
            }

            if (_canary.Texts.Any(t => text.Contains(t, StringComparison.Ordinal)))
            {
                CanaryFoundIn.Add(where);
            }
        }

        public void InBytes(string where, byte[] bytes)
        {
            foreach (var (value, _, encodings) in _values)
            {
                if (encodings.Any(e => bytes.AsSpan().IndexOf(e) >= 0))
                {
                    Hits.Add($"{value} in {where}");
                }
            }

            if (_canary.Bytes.Any(e => bytes.AsSpan().IndexOf(e) >= 0))
            {
                CanaryFoundIn.Add(where);
            }

            var text = Encoding.UTF8.GetString(bytes);
            InText(where, text);
            foreach (Match token in Base64Token().Matches(text))
            {
                var candidate = token.Value.Length % 4 == 0 ? token.Value : token.Value.TrimEnd('=');
                var buffer = new byte[candidate.Length];
                if (candidate.Length % 4 == 0 && Convert.TryFromBase64String(candidate, buffer, out var written))
                {
                    InBytes($"{where} (base64)", buffer[..written]);
                }
            }
        }

        private static string[] Texts(string value) =>
        [
            value,
            JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(),
            JsonEncodedText.Encode(value).ToString(),
            JsonEncodedText.Encode(value).ToString().ToLowerInvariant(),
        ];

        private static byte[][] Bytes(string value) =>
            [Encoding.UTF8.GetBytes(value), PublicSecurityTranslator.Gb18030.GetBytes(value), Encoding.Unicode.GetBytes(value)];

        [GeneratedRegex("[A-Za-z0-9+/]{16,}={0,2}")]
        private static partial Regex Base64Token();
    }
}
