using IntegrationHub.Contracts;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Communities;

/// <summary>The public, read-only community registry, cached like the catalog (strong ETag, 304).</summary>
internal sealed class CommunitiesApi(CommunityRegistry registry)
{
    public CachedJson List(HttpRequest request) =>
        CachedJson.Respond(request, new CommunityList(registry.All.Count, registry.All), HubJson.Info<CommunityList>());

    public Results<CachedJson, ProblemHttpResult> Get(HttpRequest request, string code) =>
        registry.Find(code) is { } community
            ? CachedJson.Respond(request, community, HubJson.Info<Community>())
            : Problems.NotFound($"No community has the code '{code}'.");
}
