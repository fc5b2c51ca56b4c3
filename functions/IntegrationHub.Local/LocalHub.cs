using IntegrationHub.Composition;
using IntegrationHub.Http;

namespace IntegrationHub.Local;

/// <summary>The one-machine host: the hub's handlers on Kestrel, bound to loopback only.</summary>
public static class LocalHub
{
    public const int DefaultPort = 7071;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var port = builder.Configuration.GetValue("HUB_PORT", DefaultPort);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddHub(builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHubApi();
        return app;
    }

    public static void PrintWelcome(WebApplication app)
    {
        var root = app.Urls.First();
        Console.WriteLine($"""

            IntegrationHub is running.
              API      {root}/{HubRoutes.Prefix}/{HubRoutes.ServiceItems}
              OpenAPI  {root}/{HubRoutes.Prefix}/{HubRoutes.OpenApi}
              Health   {root}/{HubRoutes.Prefix}/{HubRoutes.Health}

              curl -s {root}/{HubRoutes.Prefix}/{HubRoutes.ServiceItems}?online=true

            Press Ctrl-C to stop.
            """);
    }
}
