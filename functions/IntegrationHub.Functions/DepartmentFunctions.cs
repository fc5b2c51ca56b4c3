using IntegrationHub.Departments.Housing;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace IntegrationHub.Functions;

/// <summary>Inbound calls from the departments: each adapter's own endpoint.</summary>
internal sealed class DepartmentFunctions(PublicSecurityNotifications publicSecurity, HousingWebhooks housing)
{
    [Function(nameof(ReceivePublicSecurityNotification))]
    public async Task<IActionResult> ReceivePublicSecurityNotification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PublicSecurityNotifications)] HttpRequest request) =>
        new ResultAction(await publicSecurity.ReceiveAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(ReceiveHousingWebhook))]
    public async Task<IActionResult> ReceiveHousingWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.HousingWebhooks)] HttpRequest request) =>
        new ResultAction(await housing.ReceiveAsync(request, request.HttpContext.RequestAborted));
}
