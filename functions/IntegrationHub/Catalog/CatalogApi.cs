using IntegrationHub.Contracts;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Catalog;

/// <summary>The public, read-only catalog: items, one item with its form, its guide.</summary>
internal sealed class CatalogApi(ServiceCatalog catalog)
{
    private const int MaxQueryLength = 100;

    public Results<CachedJson, ProblemHttpResult> ListItems(HttpRequest request)
    {
        var query = request.Query;
        string? department = query["department"];
        if (department is not null && !ServiceCatalog.DepartmentCodes.Contains(department.ToUpperInvariant()))
        {
            return Problems.Field("department", $"must be one of {string.Join(", ", ServiceCatalog.DepartmentCodes)}.");
        }

        bool? online = null;
        if (query.TryGetValue("online", out var onlineText))
        {
            if (!bool.TryParse(onlineText, out var parsed))
            {
                return Problems.Field("online", "must be true or false.");
            }

            online = parsed;
        }

        string? text = query["q"];
        if (text is { Length: > MaxQueryLength })
        {
            return Problems.Field("q", $"must be at most {MaxQueryLength} characters.");
        }

        text = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        var items = catalog.Entries
            .Select(e => e.Item)
            .Where(i => department is null || string.Equals(i.Department, department, StringComparison.OrdinalIgnoreCase))
            .Where(i => online is null || i.Online == online)
            .Where(i => text is null
                || i.NameZh.Contains(text, StringComparison.OrdinalIgnoreCase)
                || i.NameEn.Contains(text, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return CachedJson.Respond(request, new ServiceItemList(items.Count, items), HubJson.Info<ServiceItemList>());
    }

    public Results<CachedJson, ProblemHttpResult> GetItem(HttpRequest request, string code)
    {
        if (catalog.Find(code) is not { } entry)
        {
            return UnknownItem(code);
        }

        var item = entry.Item;
        var detail = new ServiceItemDetail(item.Code, item.NameZh, item.NameEn, item.Department, item.DepartmentName,
            item.Online, item.Description, $"/{HubRoutes.Prefix}/service-items/{item.Code}/guide",
            entry.FormSchema, item.Online ? catalog.ApplicantSchema : null)
        {
            Materials = entry.Materials,
        };
        return CachedJson.Respond(request, detail, HubJson.Info<ServiceItemDetail>());
    }

    public Results<CachedJson, ProblemHttpResult> GetGuide(HttpRequest request, string code) =>
        catalog.Find(code) is { } entry
            ? CachedJson.Respond(request, entry.Guide, HubJson.Info<ProcedureGuide>())
            : UnknownItem(code);

    private static ProblemHttpResult UnknownItem(string code) =>
        Problems.NotFound($"No service item has the code '{code}'.");
}
