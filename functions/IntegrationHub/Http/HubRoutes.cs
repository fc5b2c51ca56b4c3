namespace IntegrationHub.Http;

/// <summary>
/// The hub's route templates, relative to <see cref="Prefix"/>. Both hosts take their routes from here
/// (the Functions host through host.json's routePrefix), and a test proves the two tables equal.
/// </summary>
public static class HubRoutes
{
    public const string Prefix = "api/v1";
    public const string ServiceItems = "service-items";
    public const string ServiceItem = "service-items/{code}";
    public const string ServiceItemGuide = "service-items/{code}/guide";
    public const string Applications = "applications";
    public const string Application = "applications/{id}";
    public const string Events = "events";
    public const string PublicSecurityNotifications = "departments/ga/notifications";
    public const string Health = "health";
    public const string OpenApi = "openapi.json";
}
