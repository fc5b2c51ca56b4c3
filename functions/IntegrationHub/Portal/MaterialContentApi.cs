using Azure;
using IntegrationHub.Applications;
using IntegrationHub.Http;
using IntegrationHub.Materials;
using IntegrationHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Portal;

/// <summary>
/// Issue 11: the one way a material's content leaves the hub other than to its department. The portal lists a material's
/// name, type and size only; an operator (never a viewer) who gives a reason opens the file, as reveal opens a personal
/// field: from the portal's own page, a JSON body with the reason, audited (<c>material</c>, the application, the
/// material's position and code). The answer is the file itself, with its real media type, never cached and always a
/// download (<c>Content-Disposition: attachment</c>), so the browser does not render it inside the portal.
/// </summary>
internal sealed class MaterialContentApi(PortalAuth auth, ApplicationStore store, MaterialStore materials, AuditLog audit)
{
    public async Task<Results<FileContentHttpResult, ProblemHttpResult>> OpenAsync(HttpRequest request, string id, string n, CancellationToken cancellationToken)
    {
        var (user, body, refused) = await auth.OperatorActionAsync(request, cancellationToken,
            forbidden: "Opening a material needs the operator role; viewers see its name, type and size.");
        if (refused is not null)
        {
            return refused;
        }

        var (reason, problem) = PortalAuth.Reason(body, "is required to open a material (2-500 characters).");
        if (problem is not null)
        {
            return problem;
        }

        if (await store.ReadAsync(id, cancellationToken) is not { } application)
        {
            return Problems.NotFound($"No application '{id}'.");
        }

        var held = ApplicationMaterials.Read(application);
        if (!int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || index >= held.Count)
        {
            return Problems.NotFound($"Application '{id}' has no material {n}: the detail view lists {held.Count}, numbered from 0.");
        }

        if (application.ErasedAt is { } erasedAt)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Personal data erased",
                detail: $"The materials of '{id}' were erased at {erasedAt:O} (retention); only their names, types and sizes are kept.");
        }

        var material = held[index];
        byte[] content;
        try
        {
            content = await materials.ReadAsync(material.Id, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Material erased", detail: $"Material {index} of '{id}' is no longer stored.");
        }

        // Audited before the bytes leave, as reveal is: an answer lost on the way still counts as opened.
        await audit.AppendAsync(user!, "material", id, reason, $"materials[{index}] {material.Code}", cancellationToken);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(content, material.MediaType, $"{material.Code}{Extension(material.MediaType)}");
    }

    private static string Extension(string mediaType) => mediaType switch
    {
        Catalog.CatalogMaterials.Pdf => ".pdf",
        Catalog.CatalogMaterials.Png => ".png",
        Catalog.CatalogMaterials.Jpeg => ".jpg",
        _ => "",
    };
}
