using IntegrationHub.Communities;
using IntegrationHub.Contracts;

namespace IntegrationHub.Portal;

/// <summary>
/// The communities an operator's portal views cover: a community worker's own, a street supervisor's street, everyone
/// else all of them. One rule for the suggestion and the appointment pages.
/// </summary>
internal static class CommunityScope
{
    /// <summary>The scope's kind (community, street, all), its name for the page, and its communities.</summary>
    public static (string Scope, string Name, IReadOnlyList<Community> Communities) Of(PortalUser user, CommunityRegistry communities) => user.Role switch
    {
        PortalRoles.CommunityWorker => ("community", communities.Find(user.Scope)?.Name ?? user.Scope ?? "", [.. communities.All.Where(c => c.Code == user.Scope)]),
        PortalRoles.StreetSupervisor => ("street", communities.OfStreet(user.Scope ?? "").FirstOrDefault()?.Street.Name ?? user.Scope ?? "", [.. communities.OfStreet(user.Scope ?? "")]),
        _ => ("all", "全部社区", communities.All),
    };
}
