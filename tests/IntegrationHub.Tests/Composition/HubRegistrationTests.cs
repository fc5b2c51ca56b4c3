using System.Reflection;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IntegrationHub.Tests.Composition;

/// <summary>The route table both hosts share, as the local host maps it.</summary>
[Collection(HubCollection.Name)]
public sealed class HubRegistrationTests(HubFixture hub)
{
    // STYLE.md: every answer a route can give is visible in its handler's signature (Results<Ok<T>, ProblemHttpResult>),
    // so no handler may return the bare IResult interface, synchronously or not.
    [Fact]
    public void MapHubApi_EveryHandler_ReturnsATypedResult()
    {
        var handlers = ((IEndpointRouteBuilder)hub.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (Route: $"{string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])} /{e.RoutePattern.RawText!.Trim('/')}",
                Method: e.Metadata.GetMetadata<MethodInfo>()))
            .Where(h => h.Method is not null)
            .ToList();

        var untyped = handlers.Where(h => !IsTyped(h.Method!.ReturnType)).Select(h => $"{h.Route}: {h.Method!.ReturnType}").ToList();

        Assert.Contains(handlers, h => h.Route == "POST /api/v1/departments/ga/notifications");
        Assert.Empty(untyped);
    }

    private static bool IsTyped(Type type)
    {
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            type = type.GetGenericArguments()[0];
        }

        return !type.IsInterface && typeof(IResult).IsAssignableFrom(type);
    }
}
