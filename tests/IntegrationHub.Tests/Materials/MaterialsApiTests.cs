using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using IntegrationHub.Materials;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Materials;

/// <summary>Issue 11: <c>POST /api/v1/materials</c> judges a file by its bytes, stores it whole and sealed, and answers one id per key.</summary>
[Collection(HubCollection.Name)]
public sealed class MaterialsApiTests(HubFixture hub)
{
    [Fact]
    public async Task Upload_PdfForItsCode_AnswersAnIdAndTheSameIdForARetry()
    {
        var key = Guid.NewGuid().ToString();
        var pdf = TestFiles.Pdf(2, "retry");

        using var first = await hub.PostMaterialAsync("leaseContract", pdf, idempotencyKey: key);
        using var again = await hub.PostMaterialAsync("leaseContract", pdf, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        var answer = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        Assert.Equal(JsonNode.Parse(await again.Content.ReadAsStringAsync())!["materialId"]!.GetValue<string>(), answer["materialId"]!.GetValue<string>());
        Assert.Equal("application/pdf", answer["mediaType"]!.GetValue<string>());
        Assert.Equal(pdf.Length, answer["size"]!.GetValue<long>());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)), answer["sha256"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("image/png", "application/pdf")]
    [InlineData("image/jpeg", "image/png")]
    [InlineData("application/pdf", "image/jpeg")]
    public async Task Upload_BytesNotOfTheirDeclaredType_IsRefusedNamingTheFilePart(string real, string declared)
    {
        var bytes = real switch { "image/png" => TestFiles.Png(), "image/jpeg" => TestFiles.Jpeg(), _ => TestFiles.Pdf() };
        var before = await BlobCountAsync();

        using var response = await hub.PostMaterialAsync("incomeProof", bytes, declared);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains($"its bytes are {real}", problem["errors"]!["file"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await BlobCountAsync());
    }

    [Fact]
    public async Task Upload_NotAnAcceptedTypeOrBroken_IsRefusedNamingTheFilePart()
    {
        string[] refusals =
        [
            await RefusalAsync("GIF89a\x01\x00\x01\x00"u8.ToArray(), "application/octet-stream"),
            await RefusalAsync("%PDF-1.4\nnot really a pdf"u8.ToArray(), "application/pdf"),
            await RefusalAsync([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3], "image/png"),
            await RefusalAsync(TestFiles.Pdf(51), "application/pdf"),
        ];

        Assert.Contains("is not a JPEG, PNG or PDF file", refusals[0], StringComparison.Ordinal);
        Assert.Contains("not a readable PDF", refusals[1], StringComparison.Ordinal);
        Assert.Contains("not a readable image", refusals[2], StringComparison.Ordinal);
        Assert.Contains("has 51 pages", refusals[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_OverItsDepartmentsLimit_IsRefusedForThatItemOnly()
    {
        // 公安 takes 5,242,880 bytes; 房管 takes 10 MiB of the same code.
        var large = TestFiles.Pdf(1, new string('x', 5_300_000));

        using var forBureau = await hub.PostMaterialAsync("leaseContract", large, itemCode: "GA-006");
        using var forHousing = await hub.PostMaterialAsync("leaseContract", large, itemCode: "FG-002");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, forBureau.StatusCode);
        Assert.Contains("at most 5242880 bytes", await forBureau.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, forHousing.StatusCode);
    }

    [Fact]
    public async Task Upload_UnknownCodeOrSameKeyOtherFile_IsRefused()
    {
        var key = Guid.NewGuid().ToString();
        await hub.UploadMaterialAsync("incomeProof", TestFiles.Pdf(1, "one"), idempotencyKey: key);

        using var unknown = await hub.PostMaterialAsync("passportScan", TestFiles.Pdf());
        using var reused = await hub.PostMaterialAsync("incomeProof", TestFiles.Pdf(1, "two"), idempotencyKey: key);
        using var anonymous = await hub.PostMaterialAsync("incomeProof", TestFiles.Pdf(), apiKey: null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Contains("\"code\"", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Upload_BodyOverTheLargestLimit_Is413()
    {
        using var client = hub.CreateClient();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[(10 * 1024 * 1024) + (70 * 1024)]), "file", "big.pdf" }, { new StringContent("incomeProof"), "code" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/materials") { Content = form };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        // The hub answers from the declared length without reading the body; the client waits for that answer first.
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Upload_StoredFile_IsSealedNotReadableInTheBlob()
    {
        var marker = "SEALED-" + Guid.NewGuid().ToString("N");
        var id = await hub.UploadMaterialAsync("incomeProof", TestFiles.Pdf(1, marker));

        var blob = await Container().GetBlobClient(id).DownloadContentAsync();

        Assert.DoesNotContain(marker, Encoding.Latin1.GetString(blob.Value.Content.ToArray()), StringComparison.Ordinal);
        Assert.Equal("incomeProof", blob.Value.Details.Metadata["code"]);
    }

    private async Task<string> RefusalAsync(byte[] bytes, string contentType)
    {
        using var response = await hub.PostMaterialAsync("incomeProof", bytes, contentType);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["file"]![0]!.GetValue<string>();
    }

    private BlobContainerClient Container() =>
        new BlobServiceClient(hub.Azurite.ConnectionString).GetBlobContainerClient(MaterialStore.ContainerName("hub"));

    private async Task<int> BlobCountAsync()
    {
        var container = Container();
        if (!await container.ExistsAsync())
        {
            return 0;
        }

        var count = 0;
        await foreach (var _ in container.GetBlobsAsync())
        {
            count++;
        }

        return count;
    }
}
