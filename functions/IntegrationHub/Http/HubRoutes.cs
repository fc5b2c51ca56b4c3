namespace IntegrationHub.Http;

/// <summary>
/// The hub's route templates, relative to <see cref="Prefix"/>. Both hosts take their routes from here
/// (the Functions host through host.json's routePrefix), and a test proves the two tables equal.
/// </summary>
internal static class HubRoutes
{
    public const string Prefix = "api/v1";
    public const string ServiceItems = "service-items";
    public const string ServiceItem = "service-items/{code}";
    public const string ServiceItemGuide = "service-items/{code}/guide";
    public const string Applications = "applications";
    public const string Application = "applications/{id}";
    public const string ApplicationSupplements = "applications/{id}/supplements";
    public const string ApplicationWithdrawal = "applications/{id}/withdrawal";
    public const string Materials = "materials";
    public const string Events = "events";
    public const string PublicSecurityNotifications = "departments/ga/notifications";
    public const string HousingWebhooks = "departments/fg/webhooks";
    public const string PortalSession = "portal/session";
    public const string PortalMe = "portal/me";
    public const string PortalDashboard = "portal/dashboard";
    public const string PortalHandoffs = "portal/handoffs";
    public const string PortalHandoffSearch = "portal/handoffs/search";
    public const string PortalHandoff = "portal/handoffs/{id}";
    public const string PortalReplay = "portal/handoffs/{id}/replay";
    public const string PortalResolve = "portal/handoffs/{id}/resolve";
    public const string PortalReveal = "portal/handoffs/{id}/reveal";

    /// <summary>Issue 11: an operator opens material n (from 0, as the detail view lists them) with a reason; audited.</summary>
    public const string PortalMaterialContent = "portal/handoffs/{id}/materials/{n}/content";
    public const string PortalBulkReplay = "portal/replay";
    public const string PortalUnacknowledged = "portal/unacknowledged";
    public const string PortalAudit = "portal/audit";
    public const string PortalPage = "portal/ui/{file?}";
    public const string Communities = "communities";
    public const string Community = "communities/{code}";
    public const string Suggestions = "suggestions";
    public const string Suggestion = "suggestions/{id}";
    public const string SuggestionRating = "suggestions/{id}/rating";
    public const string SuggestionPhoto = "suggestions/{id}/photos/{photo}";
    public const string PortalSuggestions = "portal/suggestions";
    public const string PortalSuggestion = "portal/suggestions/{id}";
    public const string PortalSuggestionStep = "portal/suggestions/{id}/steps";
    public const string PortalSuggestionReveal = "portal/suggestions/{id}/reveal";
    public const string PortalSuggestionStats = "portal/suggestion-stats";
    public const string CommunitySlots = "communities/{code}/slots";
    public const string Appointments = "appointments";
    public const string Appointment = "appointments/{id}";
    public const string PortalAppointments = "portal/appointments";
    public const string PortalAppointmentMark = "portal/appointments/{id}/outcome";
    public const string Health = "health";
    public const string HealthReady = "health/ready";
    public const string HealthLive = "health/live";
    public const string OpenApi = "openapi.json";
    public const string ApiReference = "docs/{file?}";
}
