using IntegrationHub.Http;
using IntegrationHub.Portal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace IntegrationHub.Functions;

/// <summary>The operators' portal: its API and its page. On Azure, App Service authentication signs operators in.</summary>
internal sealed class PortalFunctions(PortalApi portal, PortalPage page)
{
    [Function(nameof(PortalSignIn))]
    public async Task<IActionResult> PortalSignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PortalSession)] HttpRequest request) =>
        new ResultAction(await portal.SignInAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(PortalSignOut))]
    public async Task<IActionResult> PortalSignOut(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = HubRoutes.PortalSession)] HttpRequest request) =>
        new ResultAction(await portal.SignOutAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(PortalMe))]
    public async Task<IActionResult> PortalMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.PortalMe)] HttpRequest request) =>
        new ResultAction(await portal.MeAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(PortalDashboard))]
    public async Task<IActionResult> PortalDashboard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.PortalDashboard)] HttpRequest request) =>
        new ResultAction(await portal.DashboardAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(PortalSearch))]
    public async Task<IActionResult> PortalSearch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.PortalHandoffs)] HttpRequest request) =>
        new ResultAction(await portal.SearchAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(PortalSearchByBody))]
    public async Task<IActionResult> PortalSearchByBody(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PortalHandoffSearch)] HttpRequest request) =>
        new ResultAction(await portal.SearchByBodyAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(PortalDetail))]
    public async Task<IActionResult> PortalDetail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.PortalHandoff)] HttpRequest request, string id) =>
        new ResultAction(await portal.DetailAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(PortalReplay))]
    public async Task<IActionResult> PortalReplay(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PortalReplay)] HttpRequest request, string id) =>
        new ResultAction(await portal.ReplayAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(PortalResolve))]
    public async Task<IActionResult> PortalResolve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PortalResolve)] HttpRequest request, string id) =>
        new ResultAction(await portal.ResolveAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(PortalReveal))]
    public async Task<IActionResult> PortalReveal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PortalReveal)] HttpRequest request, string id) =>
        new ResultAction(await portal.RevealAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(PortalBulkReplay))]
    public async Task<IActionResult> PortalBulkReplay(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PortalBulkReplay)] HttpRequest request) =>
        new ResultAction(await portal.BulkReplayAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(PortalUnacknowledged))]
    public async Task<IActionResult> PortalUnacknowledged(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.PortalUnacknowledged)] HttpRequest request) =>
        new ResultAction(await portal.UnacknowledgedAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(PortalAudit))]
    public async Task<IActionResult> PortalAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.PortalAudit)] HttpRequest request) =>
        new ResultAction(await portal.AuditAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(PortalPage))]
    public IActionResult PortalPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.PortalPage)] HttpRequest request, string? file) =>
        new ResultAction(page.Get(request, file));
}
