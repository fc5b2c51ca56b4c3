using IntegrationHub.Contracts;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;

namespace IntegrationHub.Communities;

/// <summary>The public, read-only community registry, cached like the catalog (strong ETag, 304).</summary>
public sealed class CommunitiesApi(CommunityRegistry registry)
{
    public IResult List(HttpRequest request) =>
        CachedJson.Respond(request, new CommunityList(registry.All.Count, registry.All), HubJson.Info<CommunityList>());

    public IResult Get(HttpRequest request, string code) =>
        registry.Find(code) is { } community
            ? CachedJson.Respond(request, community, HubJson.Info<Community>())
            : Problems.NotFound($"No community has the code '{code}'.");
}
