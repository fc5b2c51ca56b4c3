using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Http;

/// <summary>
/// Serves the OpenAPI document that lives with the contracts, with one example submission per online item added at
/// start from the catalog's form samples (Catalog/FormSamples), so the examples are the bodies the tests submit, not copies.
/// </summary>
internal sealed class OpenApiDocument
{
    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly byte[] _document;
    private readonly string _etag;

    public OpenApiDocument(ServiceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var document = JsonNode.Parse(Load())!;
        var applicant = ServiceCatalog.ValidSample("applicant");
        var examples = new JsonObject();
        foreach (var item in catalog.Entries.Select(e => e.Item).Where(i => i.Online))
        {
            examples[item.Code] = new JsonObject
            {
                ["summary"] = $"{item.Code} {item.NameZh}",
                ["value"] = new JsonObject
                {
                    ["itemCode"] = item.Code,
                    ["applicant"] = applicant.DeepClone(),
                    ["form"] = ServiceCatalog.ValidSample(item.Code).DeepClone(),
                },
            };
        }

        document["paths"]!["/api/v1/applications"]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"] = examples;
        _document = JsonSerializer.SerializeToUtf8Bytes(document, Output);
        _etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(_document).AsSpan(0, 16))}\"";
    }

    public FileContentHttpResult Get(HttpRequest request)
    {
        request.HttpContext.Response.Headers.ETag = _etag;
        return TypedResults.Bytes(_document, "application/json; charset=utf-8");
    }

    private static byte[] Load()
    {
        using var stream = typeof(HubJsonContext).Assembly.GetManifestResourceStream("IntegrationHub.Contracts.openapi.json")
            ?? throw new InvalidOperationException("The OpenAPI document is not embedded in the contracts assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
