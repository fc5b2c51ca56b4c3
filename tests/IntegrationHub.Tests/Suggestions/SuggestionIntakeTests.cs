using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using IntegrationHub.Suggestions;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;

namespace IntegrationHub.Tests.Suggestions;

/// <summary>POST /suggestions: photos checked by their bytes, stored sealed without metadata, served behind signed links; bad parts named, nothing stored.</summary>
[Collection(SuggestionsCollection.Name)]
public sealed class SuggestionIntakeTests(SuggestionsFixture hub)
{
    [Fact]
    public async Task Submit_WithPhotos_StoresThemSealedWithoutMetadataAndServesThemOnlyBehindSignedLinks()
    {
        using var form = SuggestionsFixture.Form(SuggestionsFixture.Json(), (Photos.JpegWithGps(), "image/jpeg"), (Photos.Png(), "application/octet-stream"));
        using var response = await hub.SubmitSuggestionAsync(form);
        var accepted = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var id = accepted["suggestionId"]!.GetValue<string>();

        var view = await hub.GetSuggestionAsync(id);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Submitted", accepted["status"]!.GetValue<string>());
        Assert.Equal($"/api/v1/suggestions/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("小区东门垃圾堆放三天无人清运", view["text"]!.GetValue<string>());
        Assert.Equal("陈**", view["contactName"]!.GetValue<string>());
        Assert.Equal("139****5678", view["contactPhone"]!.GetValue<string>());
        Assert.Equal("submitted", view["timeline"]![0]!["step"]!.GetValue<string>());
        var photos = view["photos"]!.AsArray();
        Assert.Equal(2, photos.Count);

        using var anonymous = hub.CreateClient(apiKey: null);
        foreach (var photo in photos)
        {
            var url = photo!["url"]!.GetValue<string>();
            Assert.StartsWith($"/api/v1/suggestions/{id}/photos/", url, StringComparison.Ordinal);
            using var served = await anonymous.GetAsync(url);
            var jpeg = await served.Content.ReadAsByteArrayAsync();
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("image/jpeg", served.Content.Headers.ContentType!.MediaType);
            Assert.Equal("no-store", served.Headers.CacheControl!.ToString());
            Assert.Null(Image.Identify(jpeg)!.Metadata.ExifProfile);
            Assert.DoesNotContain("HubTestCam", Encoding.Latin1.GetString(jpeg), StringComparison.Ordinal);
        }

        // At rest: sealed envelopes under names that reveal nothing, never an image a copy of the account could open.
        var container = new BlobServiceClient(hub.Azurite.ConnectionString).GetBlobContainerClient("hub-suggestion-photos");
        var names = await container.GetBlobsAsync().Select(b => b.Name).ToListAsync();
        var stored = hub.Services.GetRequiredService<SuggestionStore>();
        var entity = await stored.FindAsync(id, default);
        foreach (var (name, _, _) in SuggestionStore.PhotosOf(entity!))
        {
            Assert.Contains(name, names);
            Assert.Matches("^[0-9a-f]{32}$", name);
            Assert.DoesNotContain(id, name, StringComparison.Ordinal);
            var bytes = (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
            Assert.Null(SuggestionPhotos.Sniff(bytes));
            Assert.DoesNotContain("HubTestCam", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        }

        var row = await new TableServiceClient(hub.Azurite.ConnectionString).GetTableClient("hubsuggestions")
            .GetEntityAsync<TableEntity>(id, SuggestionEntity.Row);
        var columns = string.Join(" ", row.Value.Select(kv => kv.Value).Select(v => v is byte[] b ? Encoding.UTF8.GetString(b) : v?.ToString()));
        Assert.DoesNotContain("垃圾", columns, StringComparison.Ordinal);
        Assert.DoesNotContain("13912345678", columns, StringComparison.Ordinal);
        Assert.DoesNotContain("陈小明", columns, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sig", "AAAA")]
    [InlineData("exp", "99999999999")]
    [InlineData("photo", "1")]
    [InlineData("k", "nokey")]
    public async Task Photo_LinkAltered_Answers403(string part, string value)
    {
        var id = await hub.NewSuggestionAsync();
        var url = (await hub.GetSuggestionAsync(id))["photos"]![0]!["url"]!.GetValue<string>();
        var altered = part == "photo"
            ? url.Replace("/photos/0?", $"/photos/{value}?", StringComparison.Ordinal)
            : System.Text.RegularExpressions.Regex.Replace(url, $"([?&]{part}=)[^&]*", $"${{1}}{value}");
        using var anonymous = hub.CreateClient(apiKey: null);

        using var response = await anonymous.GetAsync(altered);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    public static TheoryData<string, string> BadParts() => new()
    {
        { "text-declared-jpeg", "photo[0]" },
        { "bomb", "photo[1]" },
        { "five-photos", "photo[4]" },
        { "no-json", "suggestion" },
        { "json-twice", "suggestion" },
        { "broken-json", "suggestion" },
        { "long-text", "suggestion.text" },
        { "unknown-community", "suggestion.communityCode" },
        { "unknown-category", "suggestion.category" },
        { "bad-phone", "suggestion.contact.phone" },
        { "unknown-field", "suggestion.extra" },
        { "unknown-part", "video" },
        { "bad-location", "suggestion.location" },
    };

    [Theory]
    [MemberData(nameof(BadParts))]
    public async Task Submit_BadPart_AnswersAProblemNamingItAndStoresNothing(string kind, string part)
    {
        var json = SuggestionsFixture.Json();
        var good = (Photos.JpegWithGps(), "image/jpeg");
        MultipartFormDataContent form = kind switch
        {
            "text-declared-jpeg" => SuggestionsFixture.Form(json, (Encoding.UTF8.GetBytes("不是图片"), "image/jpeg"), good),
            "bomb" => SuggestionsFixture.Form(json, good, (Photos.PngBomb(), "image/png")),
            "five-photos" => SuggestionsFixture.Form(json, good, good, good, good, good),
            "no-json" => SuggestionsFixture.Form(null, good),
            "json-twice" => SuggestionsFixture.Form(json, good),
            "broken-json" => Raw("{\"communityCode\":"),
            "long-text" => SuggestionsFixture.Form(SuggestionsFixture.Json(text: string.Concat(Enumerable.Repeat("𠮷", 501))), good),
            "unknown-community" => SuggestionsFixture.Form(SuggestionsFixture.Json(community: "NOWHERE"), good),
            "unknown-category" => SuggestionsFixture.Form(With(json, "category", "路灯"), good),
            "bad-phone" => SuggestionsFixture.Form(With(json, "contact", new JsonObject { ["phone"] = "1391234567" }), good),
            "unknown-field" => SuggestionsFixture.Form(With(json, "extra", 1), good),
            "unknown-part" => SuggestionsFixture.Form(json, good),
            _ => SuggestionsFixture.Form(With(json, "location", new JsonObject { ["latitude"] = 91, ["longitude"] = 117 }), good),
        };
        if (kind == "json-twice")
        {
            form.Add(new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"), "suggestion");
        }

        if (kind == "unknown-part")
        {
            form.Add(new ByteArrayContent([1, 2, 3]), "video", "clip.mp4");
        }

        var before = await hub.SnapshotAsync();

        using var response = await hub.SubmitSuggestionAsync(form);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(part), problem.ToJsonString());
        Assert.Equal(before, await hub.SnapshotAsync());
        form.Dispose();

        static MultipartFormDataContent Raw(string text)
        {
            var raw = new MultipartFormDataContent { { new StringContent(text, Encoding.UTF8, "application/json"), "suggestion" } };
            return raw;
        }
    }

    [Theory]
    [InlineData("application/json", 415)]
    [InlineData("multipart/form-data", 415)]
    [InlineData("multipart/form-data; boundary=abc", 400)]
    public async Task Submit_NotMultipartOrBrokenFraming_AnswersAProblemAndStoresNothing(string contentType, int status)
    {
        var before = await hub.SnapshotAsync();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("--abc\r\nContent-Disposition: form-data; name=\"suggestion\"\r\n\r\n{}"));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await hub.SubmitSuggestionAsync(content);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(before, await hub.SnapshotAsync());
    }

    [Fact]
    public async Task Submit_BodyOverFourPhotosWorth_Answers413AndStoresNothing()
    {
        var before = await hub.SnapshotAsync();
        var big = new byte[SuggestionForm.MaxBodyBytes + 1];
        using var client = hub.CreateClient();

        // Expect: 100-continue, as a careful client sends a large body: the hub refuses by the declared length, before a byte is sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/suggestions") { Content = SuggestionsFixture.Form(SuggestionsFixture.Json(), (big, "image/jpeg")) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Headers.ExpectContinue = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(before, await hub.SnapshotAsync());
    }

    [Fact]
    public async Task Photo_ValidLinkButTheBlobIsGone_Answers404()
    {
        var id = await hub.NewSuggestionAsync();
        var url = (await hub.GetSuggestionAsync(id))["photos"]![0]!["url"]!.GetValue<string>();
        var entity = await hub.Services.GetRequiredService<SuggestionStore>().FindAsync(id, default);
        await new BlobServiceClient(hub.Azurite.ConnectionString).GetBlobContainerClient("hub-suggestion-photos")
            .DeleteBlobAsync(SuggestionStore.PhotosOf(entity!)[0].Name);
        using var anonymous = hub.CreateClient(apiKey: null);

        using var response = await anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Submit_SameKeyTwice_SameSuggestion_OtherBody_409()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await hub.SubmitSuggestionAsync(SuggestionsFixture.Form(SuggestionsFixture.Json(), (Photos.Png(), "image/png")), key);
        using var again = await hub.SubmitSuggestionAsync(SuggestionsFixture.Form(SuggestionsFixture.Json(), (Photos.Png(), "image/png")), key);
        using var other = await hub.SubmitSuggestionAsync(SuggestionsFixture.Form(SuggestionsFixture.Json(text: "另一件事"), (Photos.Png(), "image/png")), key);

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(JsonNode.Parse(await first.Content.ReadAsStringAsync())!["suggestionId"]!.GetValue<string>(),
            JsonNode.Parse(await again.Content.ReadAsStringAsync())!["suggestionId"]!.GetValue<string>());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
    }

    [Fact]
    public async Task Get_AnotherPlatformsSuggestion_404()
    {
        var id = await hub.NewSuggestionAsync();
        using var client = hub.CreateClient(SuggestionsFixture.KeyB);

        using var response = await client.GetAsync($"/api/v1/suggestions/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>The slice's own storage calls (its tables and blobs), as docs/suggestions.md lists them; the feed adds two per event.</summary>
    [Fact]
    public async Task Submit_TwoPhotos_CostsTwoBlobWritesAndFourTableCalls()
    {
        await hub.NewSuggestionAsync();
        var storage = hub.Services.GetRequiredService<SuggestionStorage>();
        var before = storage.Calls;

        await hub.NewSuggestionAsync(photos: 2);

        // Claim, two photos, the due rows, the suggestion, clearing the intent.
        Assert.Equal(6, storage.Calls - before);
    }

    private static JsonObject With(JsonObject json, string name, JsonNode? value)
    {
        json[name] = value;
        return json;
    }
}
