using IntegrationHub.Applications;
using IntegrationHub.Http;
using IntegrationHub.Materials;
using IntegrationHub.Portal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace IntegrationHub.Functions;

/// <summary>Issue 11: materials, supplements and withdrawals, and an operator's audited opening of a material.</summary>
internal sealed class MaterialFunctions(MaterialsApi materials, CaseRequestsApi applications, MaterialContentApi content)
{
    [Function(nameof(UploadMaterial))]
    public async Task<IActionResult> UploadMaterial(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.Materials)] HttpRequest request) =>
        new ResultAction(await materials.UploadAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(SubmitSupplement))]
    public async Task<IActionResult> SubmitSupplement(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.ApplicationSupplements)] HttpRequest request, string id) =>
        new ResultAction(await applications.SupplementAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(WithdrawApplication))]
    public async Task<IActionResult> WithdrawApplication(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.ApplicationWithdrawal)] HttpRequest request, string id) =>
        new ResultAction(await applications.WithdrawAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(PortalMaterialContent))]
    public async Task<IActionResult> PortalMaterialContent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PortalMaterialContent)] HttpRequest request, string id, string n) =>
        new ResultAction(await content.OpenAsync(request, id, n, request.HttpContext.RequestAborted));
}
