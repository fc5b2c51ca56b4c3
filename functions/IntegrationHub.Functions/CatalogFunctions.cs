using IntegrationHub.Catalog;
using IntegrationHub.Health;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace IntegrationHub.Functions;

internal sealed class CatalogFunctions(CatalogApi catalog, HealthApi health, OpenApiDocument openApi, ApiReference reference)
{
    [Function(nameof(ListServiceItems))]
    public IActionResult ListServiceItems(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.ServiceItems)] HttpRequest request) =>
        new ResultAction(catalog.ListItems(request));

    [Function(nameof(GetServiceItem))]
    public IActionResult GetServiceItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.ServiceItem)] HttpRequest request, string code) =>
        new ResultAction(catalog.GetItem(request, code));

    [Function(nameof(GetServiceItemGuide))]
    public IActionResult GetServiceItemGuide(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.ServiceItemGuide)] HttpRequest request, string code) =>
        new ResultAction(catalog.GetGuide(request, code));

    [Function(nameof(GetHealth))]
    public async Task<IActionResult> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.Health)] HttpRequest request) =>
        new ResultAction(await health.Check(request.HttpContext.RequestAborted));

    [Function(nameof(GetHealthReady))]
    public async Task<IActionResult> GetHealthReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.HealthReady)] HttpRequest request) =>
        new ResultAction(await health.Ready(request.HttpContext.RequestAborted));

    [Function(nameof(GetHealthLive))]
    public async Task<IActionResult> GetHealthLive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.HealthLive)] HttpRequest request) =>
        new ResultAction(await health.Live(request.HttpContext.RequestAborted));

    [Function(nameof(GetOpenApi))]
    public IActionResult GetOpenApi(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.OpenApi)] HttpRequest request) =>
        new ResultAction(openApi.Get(request));

    [Function(nameof(GetApiReference))]
    public IActionResult GetApiReference(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.ApiReference)] HttpRequest request, string? file) =>
        new ResultAction(reference.Get(request, file));
}
