using IntegrationHub.Applications;
using IntegrationHub.Events;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace IntegrationHub.Functions;

internal sealed class ApplicationFunctions(ApplicationsApi applications, EventsApi events)
{
    [Function(nameof(SubmitApplication))]
    public async Task<IActionResult> SubmitApplication(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.Applications)] HttpRequest request) =>
        new ResultAction(await applications.SubmitAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(GetApplication))]
    public async Task<IActionResult> GetApplication(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.Application)] HttpRequest request, string id) =>
        new ResultAction(await applications.GetAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(ListEvents))]
    public async Task<IActionResult> ListEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.Events)] HttpRequest request) =>
        new ResultAction(await events.ListAsync(request, request.HttpContext.RequestAborted));
}
