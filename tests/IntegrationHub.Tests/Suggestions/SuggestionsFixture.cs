using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace IntegrationHub.Tests.Suggestions;

/// <summary>A hub with the community roles signed up: a worker of 蝶梦社区, one of 下淀社区, and the supervisor of 蝶梦's (sample) street.</summary>
public class SuggestionsFixture : HubFixture
{
    public const string Worker = "wang.shegong";
    public const string OtherWorker = "zhao.shegong";
    public const string Supervisor = "liu.zhuguan";
    public const string Community = "DIEMENG";
    public const string OtherCommunity = "XIADIAN";
    public const string Street = "SAMPLE-YL-1";

    protected override void Configure(Dictionary<string, string> settings)
    {
        // Only the tests drive the deadline job here, so every step and every storage call counted is their own doing.
        settings["Suggestions:DeadlineSchedule"] = Never;
        foreach (var (i, user, role, key, scope) in new[]
        {
            (2, Worker, "community-worker", "Community", Community),
            (3, OtherWorker, "community-worker", "Community", OtherCommunity),
            (4, Supervisor, "street-supervisor", "Street", Street),
        })
        {
            settings[$"Portal:Accounts:{i}:User"] = user;
            settings[$"Portal:Accounts:{i}:Password"] = Password;
            settings[$"Portal:Accounts:{i}:Role"] = role;
            settings[$"Portal:Accounts:{i}:{key}"] = scope;
        }
    }

    /// <summary>A suggestion's JSON part for 蝶梦社区.</summary>
    public static JsonObject Json(string text = "小区东门垃圾堆放三天无人清运", string community = Community) => new()
    {
        ["communityCode"] = community,
        ["category"] = "环境卫生",
        ["text"] = text,
        ["address"] = "蝶梦社区东门",
        ["location"] = new JsonObject { ["latitude"] = 34.2611, ["longitude"] = 117.1928 },
        ["contact"] = new JsonObject { ["name"] = "陈小明", ["phone"] = "13912345678" },
    };

    /// <summary>A multipart body: the JSON part, then each photo with the declared type given (not trusted by the hub).</summary>
    public static MultipartFormDataContent Form(JsonNode? json, params (byte[] Bytes, string DeclaredType)[] photos)
    {
        var form = new MultipartFormDataContent();
        if (json is not null)
        {
            form.Add(new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"), "suggestion");
        }

        for (var i = 0; i < photos.Length; i++)
        {
            var part = new ByteArrayContent(photos[i].Bytes);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(photos[i].DeclaredType);
            form.Add(part, "photo", $"IMG_{i}.jpg");
        }

        return form;
    }

    public async Task<HttpResponseMessage> SubmitSuggestionAsync(HttpContent form, string? idempotencyKey = null, string? apiKey = KeyA)
    {
        using var client = CreateClient(apiKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/suggestions") { Content = form };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    /// <summary>Submits a valid suggestion with one photo and answers its id.</summary>
    public async Task<string> NewSuggestionAsync(string community = Community, int photos = 1)
    {
        using var form = Form(Json(community: community), [.. Enumerable.Range(0, photos).Select(i => (Photos.JpegWithGps(320 + i, 240), "image/jpeg"))]);
        using var response = await SubmitSuggestionAsync(form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, body);
        return JsonNode.Parse(body)!["suggestionId"]!.GetValue<string>();
    }

    public async Task<JsonNode> GetSuggestionAsync(string id, string apiKey = KeyA)
    {
        using var client = CreateClient(apiKey);
        return (await client.GetFromJsonAsync<JsonNode>($"/api/v1/suggestions/{id}"))!;
    }

    /// <summary>A portal call as the page makes it: same origin, JSON body.</summary>
    public async Task<HttpResponseMessage> StepAsync(HttpClient portal, string id, string step, string? note = null, string? department = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/portal/suggestions/{id}/steps")
        {
            Content = JsonContent.Create(new { step, note, department }),
        };
        request.Headers.Add("Origin", BaseAddress.GetLeftPart(UriPartial.Authority));
        return await portal.SendAsync(request);
    }

    public async Task<HttpResponseMessage> RateAsync(string id, string rating, string? comment = null)
    {
        using var client = CreateClient();
        return await client.PostAsJsonAsync($"/api/v1/suggestions/{id}/rating", new { rating, comment });
    }

    /// <summary>Every table row, blob and queue message count in this fixture's storage: a write shows as a difference.</summary>
    public async Task<List<string>> SnapshotAsync()
    {
        var rows = new List<string>();
        var tables = new TableServiceClient(Azurite.ConnectionString);
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

        var blobs = new BlobServiceClient(Azurite.ConnectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            await foreach (var blob in blobs.GetBlobContainerClient(container.Name).GetBlobsAsync())
            {
                rows.Add($"blob {container.Name} {blob.Name} {blob.Properties.ETag}");
            }
        }

        var queues = new QueueServiceClient(Azurite.ConnectionString);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            var properties = await queues.GetQueueClient(queue.Name).GetPropertiesAsync();
            rows.Add($"queue {queue.Name} {properties.Value.ApproximateMessagesCount}");
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}

/// <summary>The same hub on a fake clock, for the 24-hour rule: every part of the hub reads the time from it.</summary>
public sealed class SuggestionClockFixture : SuggestionsFixture
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero));

    protected override void ConfigureHost(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);
}

[CollectionDefinition(Name)]
public sealed class SuggestionsCollection : ICollectionFixture<SuggestionsFixture>, ICollectionFixture<Portal.PortalBrowser>
{
    public const string Name = "suggestions";
}

[CollectionDefinition(Name)]
public sealed class SuggestionClockCollection : ICollectionFixture<SuggestionClockFixture>
{
    public const string Name = "suggestion-clock";
}

/// <summary>Photos as phones make them, with the metadata a resident would not want shared.</summary>
public static class Photos
{
    public const double Latitude = 34.261111;
    public const string CameraOwner = "陈小明的手机";

    /// <summary>A JPEG whose EXIF holds GPS coordinates, the camera owner and a rotation.</summary>
    public static byte[] JpegWithGps(int width = 640, int height = 480)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(200, 120, 40));
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(34, 1), new Rational(15, 1), new Rational(40, 1)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(117, 1), new Rational(11, 1), new Rational(34, 1)]);
        exif.SetValue(ExifTag.Artist, CameraOwner);
        exif.SetValue(ExifTag.Make, "HubTestCam");
        image.Metadata.ExifProfile = exif;
        using var output = new MemoryStream();
        image.SaveAsJpeg(output);
        return output.ToArray();
    }

    public static byte[] Png(int width = 200, int height = 100)
    {
        using var image = new Image<Rgba32>(width, height, new Rgba32(10, 200, 90, 255));
        using var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }

    public static byte[] WebP(int width = 120, int height = 90)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(90, 90, 250));
        using var output = new MemoryStream();
        image.SaveAsWebp(output);
        return output.ToArray();
    }

    /// <summary>A PNG whose header claims 20000×20000 pixels in a few bytes: refused before anything is decoded.</summary>
    public static byte[] PngBomb()
    {
        var png = Png(8, 8);

        // IHDR's width and height sit at bytes 16-23; the header's CRC is recomputed so only the size is a lie.
        var bomb = (byte[])png.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bomb.AsSpan(16), 20_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bomb.AsSpan(20), 20_000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bomb.AsSpan(29), Crc32(bomb.AsSpan(12, 17)));
        return bomb;
    }

    // PNG's CRC-32 (ISO 3309), over a chunk's type and data.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
