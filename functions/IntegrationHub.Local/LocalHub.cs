using System.Security.Cryptography;
using IntegrationHub.Composition;
using IntegrationHub.Http;
using IntegrationHub.Local.Sandbox;
using IntegrationHub.Platforms;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Local;

/// <summary>The one-machine host: the hub's handlers on Kestrel, bound to loopback only, with queue workers and the sweep.</summary>
public static class LocalHub
{
    public const int DefaultPort = 7071;
    public const string LocalPlatform = "community-app";

    /// <summary>The local run's community worker (蝶梦社区) and street supervisor (its sample street), issue 12.</summary>
    public const string CommunityWorker = "shegong";
    public const string StreetSupervisor = "zhuguan";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var port = builder.Local().Settings.Port;
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
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var sandboxes = builder.AddSandboxes();
        builder.Services.AddHub(builder.Configuration);
        builder.Services.AddHubTelemetry(builder.Configuration, "IntegrationHub.Local");
        builder.Services.AddHubWorkers();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLimits();
        app.MapHubApi();
        app.UseSandboxes(sandboxes);
        return app;
    }

    /// <summary>Without configured platforms, one local platform whose key is HUB_PLATFORM_KEY or a fresh random key.</summary>
    private static void AddLocalPlatform(this WebApplicationBuilder builder)
    {
        var run = builder.Local();
        if (builder.Configuration.GetSection($"{PlatformOptions.Section}:Clients").GetChildren().Any())
        {
            return;
        }

        var local = run.Settings;
        var key = local.PlatformKey ?? (run.PlatformKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{PlatformOptions.Section}:Clients:0:Name"] = LocalPlatform,
            [$"{PlatformOptions.Section}:Clients:0:ApiKey"] = key,
            [$"{PlatformOptions.Section}:Clients:0:WebhookUrl"] = local.PlatformWebhookUrl?.ToString(),
            [$"{PlatformOptions.Section}:Clients:0:WebhookSecret"] = local.PlatformWebhookSecret,
        });
    }

    /// <summary>Without configured accounts, an operator and a viewer whose passwords come from the environment or are generated.</summary>
    private static void AddLocalOperators(this WebApplicationBuilder builder)
    {
        var run = builder.Local();
        var settings = new Dictionary<string, string?>();
        if (string.IsNullOrEmpty(builder.Configuration["Portal:SessionKey"]))
        {
            settings["Portal:SessionKey"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        }

        if (!builder.Configuration.GetSection("Portal:Accounts").GetChildren().Any())
        {
            var local = run.Settings;
            settings["Portal:Accounts:0:User"] = "operator";
            settings["Portal:Accounts:0:Role"] = "operator";
            settings["Portal:Accounts:0:Password"] = local.OperatorPassword ?? (run.OperatorPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
            settings["Portal:Accounts:1:User"] = "viewer";
            settings["Portal:Accounts:1:Role"] = "viewer";
            settings["Portal:Accounts:1:Password"] = local.ViewerPassword ?? (run.ViewerPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
            var community = local.CommunityPassword ?? (run.CommunityPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
            settings["Portal:Accounts:2:User"] = CommunityWorker;
            settings["Portal:Accounts:2:Role"] = "community-worker";
            settings["Portal:Accounts:2:Community"] = "DIEMENG";
            settings["Portal:Accounts:2:Password"] = community;
            settings["Portal:Accounts:3:User"] = StreetSupervisor;
            settings["Portal:Accounts:3:Role"] = "street-supervisor";
            settings["Portal:Accounts:3:Street"] = "SAMPLE-YL-1";
            settings["Portal:Accounts:3:Password"] = community;
        }

        builder.Configuration.AddInMemoryCollection(settings);
    }

    /// <summary>The run's settings, read (and checked) on first use, before anything is added to the configuration.</summary>
    private static LocalRun Local(this WebApplicationBuilder builder)
    {
        if (builder.Services.FirstOrDefault(d => d.ServiceType == typeof(LocalRun))?.ImplementationInstance is LocalRun existing)
        {
            return existing;
        }

        var created = new LocalRun(LocalSettings.Read(builder.Configuration));
        builder.Services.AddSingleton(created);
        return created;
    }

    /// <summary>The trace view's line (the Aspire dashboard <c>./hub run</c> starts), when one is configured.</summary>
    private static string TraceView(WebApplication app) =>
        app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.TraceViewUrl is { } template
            ? $"  Traces   {new Uri(template.Replace(TelemetryOptions.TraceIdPlaceholder, "0", StringComparison.Ordinal)).GetLeftPart(UriPartial.Authority)}/   (telemetry dashboard: traces, metrics, logs){Environment.NewLine}"
            : "";

    /// <summary>
    /// The addresses, and the credentials the run generated. A generated key or password is a secret, and stdout is
    /// often a log (CI, <c>./hub run | tee</c>, a service manager): it is printed only to a terminal; otherwise it goes
    /// to a file only its owner may read (<c>.hub/credentials</c>, mode 0600) and only the file's path is printed.
    /// </summary>
    public static void PrintWelcome(WebApplication app, TextWriter output, bool terminal)
    {
        var root = app.Urls.First();
        var run = app.Services.GetRequiredService<LocalRun>();
        var file = Path.Combine(run.Settings.StateDirectory, LocalRun.FileName);
        var lines = run.Lines(app.Configuration[$"{PlatformOptions.Section}:Clients:0:Name"]);
        string credentials;
        if (lines.Count > 0 && !terminal)
        {
            LocalRun.Write(file, lines);
            credentials = $"  Generated credentials in {file} (readable by you only: stdout is not a terminal)";
        }
        else
        {
            // An earlier run's file holds secrets this run no longer uses.
            if (File.Exists(file))
            {
                File.Delete(file);
            }

            credentials = lines.Count == 0
                ? "  Credentials as configured (nothing generated)"
                : string.Join(Environment.NewLine, lines.Select(l => $"  {l}"));
        }

        output.WriteLine($"""

            IntegrationHub is running.
              API      {root}/{HubRoutes.Prefix}/{HubRoutes.ServiceItems}
              OpenAPI  {root}/{HubRoutes.Prefix}/{HubRoutes.OpenApi}
              Docs     {root}{ApiReference.Path}/   (interactive reference)
              Health   {root}/{HubRoutes.Prefix}/{HubRoutes.Health}
              Portal   {root}/{HubRoutes.Prefix}/portal/ui/
            {TraceView(app)}{credentials}

              curl -s '{root}/{HubRoutes.Prefix}/{HubRoutes.ServiceItems}?online=true'

            Press Ctrl-C to stop.
            """);
    }
}
