using System.Security.Cryptography;
using System.Text;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Platforms;
using IntegrationHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Materials;

/// <summary>
/// <c>POST /api/v1/materials</c>: a platform uploads one file for one material code (<c>multipart/form-data</c>: the
/// part <c>file</c>, the part <c>code</c>, and optionally <c>itemCode</c>, which applies that item's department limit at
/// once). The file is judged by its bytes, stored whole and sealed, and never served back to a platform.
/// </summary>
internal sealed partial class MaterialsApi(ServiceCatalog catalog, MaterialStore store, PlatformAuth auth, TimeProvider time, ILogger<MaterialsApi> logger)
{
    public const string FilePart = "file";
    public const string CodePart = "code";
    public const string ItemPart = "itemCode";
    public const int MaxTextPartBytes = 64;
    public const int MaxBodyBytes = (int)CatalogMaterials.LargestBytes + (64 * 1024);

    private const string Expected = "a part 'file' (JPEG, PNG or PDF), a part 'code' (the material code) and optionally 'itemCode'";

    public async Task<Results<JsonHttpResult<MaterialAccepted>, ProblemHttpResult>> UploadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var calls = StorageCalls.Begin("upload");
        var (caller, callerProblem) = auth.AuthenticateSubmission(request);
        if (caller is not { } known)
        {
            return callerProblem!;
        }

        var (platform, idempotencyKey) = known;

        var (parts, formProblem) = await MultipartForm.ReadAsync(request, MaxBodyBytes, (int)CatalogMaterials.LargestBytes, 3, Expected, cancellationToken);
        if (formProblem is not null)
        {
            return formProblem;
        }

        var errors = new Dictionary<string, string[]>();
        FormPart? file = null;
        string? code = null, itemCode = null;
        foreach (var part in parts!)
        {
            switch (part.Name)
            {
                case FilePart when file is null:
                    file = part;
                    break;
                case CodePart when code is null:
                    code = Text(part, errors);
                    break;
                case ItemPart when itemCode is null:
                    itemCode = Text(part, errors);
                    break;
                case FilePart or CodePart or ItemPart:
                    errors[part.Name] = ["must be sent once."];
                    break;
                default:
                    errors[$"part[{part.Position}]"] = [$"is not a part of a material upload: send {Expected}."];
                    break;
            }
        }

        var maxBytes = Limit(code, itemCode, errors);
        if (file is null)
        {
            errors[FilePart] = ["is required: a form-data part named 'file' holding the document."];
        }
        else if (file.Bytes is null)
        {
            errors[FilePart] = [$"is larger than {CatalogMaterials.LargestBytes} bytes, the most any department takes."];
        }

        CheckedFile? checkedFile = null;
        if (file?.Bytes is { } bytes && !errors.ContainsKey(FilePart))
        {
            var (result, refusal) = MaterialFiles.Check(bytes, maxBytes ?? CatalogMaterials.LargestBytes, file.ContentType);
            if (refusal is not null)
            {
                errors[FilePart] = [refusal];
            }

            checkedFile = result;
        }

        if (errors.Count > 0)
        {
            return Problems.Fields(errors, StatusCodes.Status422UnprocessableEntity);
        }

        var material = new StoredMaterial(MaterialId(platform.Name, idempotencyKey), platform.Name, code!, checkedFile!.MediaType, checkedFile.Size,
            checkedFile.Sha256Hex, time.GetUtcNow());
        var (stored, created) = await store.PutAsync(material, file!.Bytes!, cancellationToken);
        if (stored.Platform != material.Platform || stored.Code != material.Code || stored.Sha256Hex != material.Sha256Hex)
        {
            return Problems.Field(IdempotencyKey.Header, "was already used for a different material.", StatusCodes.Status409Conflict);
        }

        if (created)
        {
            Log.Uploaded(logger, stored.Id, stored.Code, stored.MediaType, stored.Size);
        }
        else
        {
            request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return TypedResults.Json(new MaterialAccepted(stored.Id, stored.Code, stored.MediaType, stored.Size, stored.Sha256Hex), HubJson.Info<MaterialAccepted>(),
            contentType: "application/json", statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary>The material id follows from the platform and its idempotency key, so a retried upload lands on the same blob.</summary>
    internal static string MaterialId(string platform, string idempotencyKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"material\n{platform}\n{idempotencyKey}")))[..32];

    // The size limit that applies now: the item's department's when the item is named, else the largest for the code.
    private long? Limit(string? code, string? itemCode, Dictionary<string, string[]> errors)
    {
        if (code is null)
        {
            errors.TryAdd(CodePart, ["is required: a form-data part named 'code' holding the material code (see GET /api/v1/service-items/{code}, materials)."]);
            return null;
        }

        var takers = catalog.Entries.Where(e => e.Material(code) is not null).ToList();
        if (takers.Count == 0)
        {
            errors[CodePart] = [$"'{code}' is not a material code of any online item."];
            return null;
        }

        if (itemCode is null)
        {
            return takers.Max(e => e.Material(code)!.MaxBytes);
        }

        if (takers.FirstOrDefault(e => e.Item.Code.Equals(itemCode, StringComparison.OrdinalIgnoreCase)) is not { } item)
        {
            errors[ItemPart] = [$"'{itemCode}' does not take the material '{code}'."];
            return null;
        }

        return item.Material(code)!.MaxBytes;
    }

    private static string? Text(FormPart part, Dictionary<string, string[]> errors)
    {
        var text = part.Bytes is { Length: > 0 and <= MaxTextPartBytes } bytes ? Encoding.UTF8.GetString(bytes).Trim() : null;
        if (text is null || text.Length == 0 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            errors[part.Name!] = [$"must be 1-{MaxTextPartBytes} ASCII letters, digits and dashes."];
            return null;
        }

        return text;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 14001, Level = LogLevel.Information, Message = "Stored material {MaterialId} ({Code}, {MediaType}, {Size} bytes)")]
        public static partial void Uploaded(ILogger logger, string materialId, string code, string mediaType, long size);
    }
}
