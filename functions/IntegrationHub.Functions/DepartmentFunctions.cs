using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace IntegrationHub.Functions;

/// <summary>Inbound calls from the departments: each department's handler, answered through the kit as the local host does.</summary>
internal sealed class DepartmentFunctions(DepartmentInbound inbound, PublicSecurityNotifications publicSecurity, HousingWebhooks housing)
{
    [Function(nameof(ReceivePublicSecurityNotification))]
    public async Task<IActionResult> ReceivePublicSecurityNotification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PublicSecurityNotifications)] HttpRequest request) =>
        new ResultAction(await inbound.ReceiveAsync(publicSecurity, request, request.HttpContext.RequestAborted));

    [Function(nameof(ReceiveHousingWebhook))]
    public async Task<IActionResult> ReceiveHousingWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.HousingWebhooks)] HttpRequest request) =>
        new ResultAction(await inbound.ReceiveAsync(housing, request, request.HttpContext.RequestAborted));
}
