using IntegrationHub.Communities;
using IntegrationHub.Http;
using IntegrationHub.Suggestions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace IntegrationHub.Functions;

/// <summary>Issue 12: the community registry, the suggestion channel, its portal pages, and the 24-hour clock's timer.</summary>
internal sealed class SuggestionFunctions(CommunitiesApi communities, SuggestionsApi suggestions, SuggestionPortalApi portal, SuggestionService service)
{
    [Function(nameof(ListCommunities))]
    public IActionResult ListCommunities(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.Communities)] HttpRequest request) =>
        new ResultAction(communities.List(request));

    [Function(nameof(GetCommunity))]
    public IActionResult GetCommunity(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.Community)] HttpRequest request, string code) =>
        new ResultAction(communities.Get(request, code));

    [Function(nameof(SubmitSuggestion))]
    public async Task<IActionResult> SubmitSuggestion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.Suggestions)] HttpRequest request) =>
        new ResultAction(await suggestions.SubmitAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(GetSuggestion))]
    public async Task<IActionResult> GetSuggestion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.Suggestion)] HttpRequest request, string id) =>
        new ResultAction(await suggestions.GetAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(RateSuggestion))]
    public async Task<IActionResult> RateSuggestion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.SuggestionRating)] HttpRequest request, string id) =>
        new ResultAction(await suggestions.RateAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(GetSuggestionPhoto))]
    public async Task<IActionResult> GetSuggestionPhoto(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.SuggestionPhoto)] HttpRequest request, string id, string photo) =>
        new ResultAction(await suggestions.PhotoAsync(request, id, photo, request.HttpContext.RequestAborted));

    [Function(nameof(PortalSuggestions))]
    public async Task<IActionResult> PortalSuggestions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.PortalSuggestions)] HttpRequest request) =>
        new ResultAction(await portal.ListAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(PortalSuggestion))]
    public async Task<IActionResult> PortalSuggestion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.PortalSuggestion)] HttpRequest request, string id) =>
        new ResultAction(await portal.DetailAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(PortalSuggestionStep))]
    public async Task<IActionResult> PortalSuggestionStep(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PortalSuggestionStep)] HttpRequest request, string id) =>
        new ResultAction(await portal.StepAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(PortalSuggestionReveal))]
    public async Task<IActionResult> PortalSuggestionReveal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PortalSuggestionReveal)] HttpRequest request, string id) =>
        new ResultAction(await portal.RevealAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(PortalSuggestionStats))]
    public async Task<IActionResult> PortalSuggestionStats(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.PortalSuggestionStats)] HttpRequest request) =>
        new ResultAction(await portal.StatsAsync(request, request.HttpContext.RequestAborted));

    /// <summary>Every minute by default: the 24-hour clock's warnings and breaches, and any suggestion event a crash left unpublished.</summary>
    [Function(nameof(SuggestionDeadlines))]
    public Task SuggestionDeadlines([TimerTrigger("%Suggestions:DeadlineSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        service.RunDeadlinesAsync(cancellationToken);
}
