using System.Security.Cryptography;
using IntegrationHub.Composition;
using IntegrationHub.Http;
using IntegrationHub.Local.Sandbox;
using IntegrationHub.Platforms;

namespace IntegrationHub.Local;

/// <summary>The one-machine host: the hub's handlers on Kestrel, bound to loopback only, with queue workers and the sweep.</summary>
public static class LocalHub
{
    public const int DefaultPort = 7071;
    public const string LocalPlatform = "community-app";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var port = builder.Configuration.GetValue("HUB_PORT", DefaultPort);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Above the hub's own limits, which RequestLimits enforces with a problem body (Kestrel's own refusals have none).
            k.Limits.MaxRequestBodySize = RequestLimits.ServerBodyBytes;
            k.Limits.MaxRequestLineSize = RequestLimits.ServerRequestTargetBytes;
            k.Limits.MaxRequestHeadersTotalSize = RequestLimits.ServerHeaderBytes;
            k.Limits.MaxRequestHeaderCount = RequestLimits.ServerHeaderCount;
        });
        builder.AddLocalPlatform();
        builder.AddLocalOperators();
        var publicSecurity = builder.AddSandboxPublicSecurity();
        var socialSecurity = builder.AddSandboxSocialSecurity();
        var housing = builder.AddSandboxHousing();
        builder.Services.AddHub(builder.Configuration);
        builder.Services.AddHubWorkers();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLimits();
        app.MapHubApi();
        app.UseSandbox(publicSecurity);
        app.UseSandboxSocialSecurity(socialSecurity);
        app.UseSandboxHousing(housing);
        return app;
    }

    /// <summary>Without configured platforms, one local platform whose key is HUB_PLATFORM_KEY or a fresh random key.</summary>
    private static void AddLocalPlatform(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetSection($"{PlatformOptions.Section}:Clients").GetChildren().Any())
        {
            return;
        }

        var key = builder.Configuration["HUB_PLATFORM_KEY"] is { Length: >= 16 } given ? given : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{PlatformOptions.Section}:Clients:0:Name"] = LocalPlatform,
            [$"{PlatformOptions.Section}:Clients:0:ApiKey"] = key,
            [$"{PlatformOptions.Section}:Clients:0:WebhookUrl"] = builder.Configuration["HUB_PLATFORM_WEBHOOK_URL"],
            [$"{PlatformOptions.Section}:Clients:0:WebhookSecret"] = builder.Configuration["HUB_PLATFORM_WEBHOOK_SECRET"],
        });
    }

    /// <summary>Without configured accounts, an operator and a viewer whose passwords come from the environment or are generated.</summary>
    private static void AddLocalOperators(this WebApplicationBuilder builder)
    {
        var settings = new Dictionary<string, string?>();
        if (string.IsNullOrEmpty(builder.Configuration["Portal:SessionKey"]))
        {
            settings["Portal:SessionKey"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        }

        if (!builder.Configuration.GetSection("Portal:Accounts").GetChildren().Any())
        {
            settings["Portal:Accounts:0:User"] = "operator";
            settings["Portal:Accounts:0:Role"] = "operator";
            settings["Portal:Accounts:0:Password"] = builder.Configuration["HUB_OPERATOR_PASSWORD"] ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            settings["Portal:Accounts:1:User"] = "viewer";
            settings["Portal:Accounts:1:Role"] = "viewer";
            settings["Portal:Accounts:1:Password"] = builder.Configuration["HUB_VIEWER_PASSWORD"] ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        }

        builder.Configuration.AddInMemoryCollection(settings);
    }

    public static void PrintWelcome(WebApplication app)
    {
        var root = app.Urls.First();
        var platform = app.Configuration[$"{PlatformOptions.Section}:Clients:0:Name"];
        var key = app.Configuration[$"{PlatformOptions.Section}:Clients:0:ApiKey"];
        Console.WriteLine($"""

            IntegrationHub is running.
              API      {root}/{HubRoutes.Prefix}/{HubRoutes.ServiceItems}
              OpenAPI  {root}/{HubRoutes.Prefix}/{HubRoutes.OpenApi}
              Health   {root}/{HubRoutes.Prefix}/{HubRoutes.Health}
              Platform {platform}, key (X-Api-Key): {key}
              Portal   {root}/{HubRoutes.Prefix}/portal/ui/
                       operator / {app.Configuration["Portal:Accounts:0:Password"]}    viewer / {app.Configuration["Portal:Accounts:1:Password"]}

              curl -s '{root}/{HubRoutes.Prefix}/{HubRoutes.ServiceItems}?online=true'

            Press Ctrl-C to stop.
            """);
    }
}
