using System.Collections.Frozen;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;

namespace IntegrationHub.Soak;

/// <summary>
/// The materials a platform sends with the soak's and the bench's applications (issue 11): one small real PDF per
/// material code, uploaded once per run (<c>POST /api/v1/materials</c>) and named in every body whose item and form
/// want it, as a platform reuses a resident's file. The rule of which materials a form wants is the hub's own
/// (<see cref="CatalogMaterials.IsWanted"/>), so the load never sends what the door would refuse.
/// </summary>
internal sealed class PlatformMaterials
{
    private static readonly ServiceCatalog Catalog = ServiceCatalog.LoadEmbedded();

    private readonly FrozenDictionary<string, string> _ids;

    private PlatformMaterials(FrozenDictionary<string, string> ids) => _ids = ids;

    /// <summary>The material ids by code, as the hub answered the uploads.</summary>
    public IReadOnlyDictionary<string, string> Ids => _ids;

    /// <summary>Every material code an application of these items may need (required or conditional, never the optional ones).</summary>
    public static IReadOnlyList<string> Codes(IEnumerable<string> items) =>
        [.. items.Select(i => Catalog.Find(i)).OfType<CatalogEntry>()
            .SelectMany(e => e.Materials).Where(m => m.Requirement != CatalogMaterials.Optional).Select(m => m.Code).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Uploads one PDF for each code the items may need. The Idempotency-Key follows from the run and the code, so an
    /// upload retried while the hub starts (no answer, a 5xx) lands on the same material.
    /// </summary>
    public static async Task<PlatformMaterials> UploadAsync(Uri hub, string apiKey, string runId, IEnumerable<string> items, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = hub, Timeout = TimeSpan.FromSeconds(30) };
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var code in Codes(items))
        {
            ids[code] = await UploadOneAsync(http, apiKey, $"{runId}-material-{code}", code, SamplePdf.Create(marker: $"{runId} {code}"), cancellationToken)
                .ConfigureAwait(false);
        }

        return new PlatformMaterials(ids.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The materials the item and form of <paramref name="body"/> want, each with its uploaded id (none: an empty list).</summary>
    public IReadOnlyList<MaterialInput> For(JsonObject body)
    {
        var item = body["itemCode"]!.GetValue<string>();
        return Catalog.Find(item) is { } entry && body["form"] is JsonObject form
            ? [.. entry.Materials.Where(m => CatalogMaterials.IsWanted(m, form)).Select(m => new MaterialInput(m.Code, _ids.TryGetValue(m.Code, out var id)
                ? id
                : throw new InvalidOperationException($"No material '{m.Code}' was uploaded for {item}: upload the run's items first.")))]
            : [];
    }

    /// <summary>Names the wanted materials in the application's body (<c>materials: [{code, materialId}]</c>); a body that wants none is left as it is.</summary>
    public SoakApplication Attach(SoakApplication application)
    {
        var materials = For(application.Body);
        if (materials.Count > 0)
        {
            application.Body["materials"] = new JsonArray([.. materials.Select(m => (JsonNode)new JsonObject { ["code"] = m.Code, ["materialId"] = m.MaterialId })]);
        }

        return application;
    }

    private static async Task<string> UploadOneAsync(HttpClient http, string apiKey, string idempotencyKey, string code, byte[] pdf, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(pdf);
            file.Headers.ContentType = new MediaTypeHeaderValue(CatalogMaterials.Pdf);
            form.Add(file, "file", $"{code}.pdf");
            form.Add(new StringContent(code), "code");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/materials") { Content = form };
            request.Headers.Add("X-Api-Key", apiKey);
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            string? failure;
            try
            {
                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var accepted = await response.Content.ReadFromJsonAsync(HubJsonContext.Default.MaterialAccepted, cancellationToken).ConfigureAwait(false);
                    return accepted?.MaterialId ?? throw new InvalidOperationException($"The upload of '{code}' answered no material id.");
                }

                failure = $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}";
                if ((int)response.StatusCode is >= 400 and < 500 and not (int)HttpStatusCode.RequestTimeout and not (int)HttpStatusCode.TooManyRequests)
                {
                    throw new InvalidOperationException($"The hub refused the material '{code}': {failure}");
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = e.Message;
            }

            if (attempt == 10)
            {
                throw new InvalidOperationException($"The hub took no upload of '{code}' in {attempt} attempts: {failure}");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }
}
