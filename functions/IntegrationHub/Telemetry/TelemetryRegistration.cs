using System.Diagnostics;
using IntegrationHub.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace IntegrationHub.Telemetry;

internal static class TelemetryRegistration
{
    /// <summary>The standard OTLP setting; when it is set (the local run points it at its dashboard) every signal is exported there.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The hub's meter and queue probe, which the pipeline uses whether or not a host exports telemetry.</summary>
    public static IServiceCollection AddHubMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<TelemetryOptions>(configuration, TelemetryOptions.Section);
        services.AddMetrics();
        services.AddSingleton<HubMetrics>();
        services.AddSingleton<QueueProbe>();
        return services;
    }

    /// <summary>
    /// Traces, metrics and logs through OpenTelemetry: the hub's own source and meter, ASP.NET Core and HttpClient
    /// instrumentation. The host adds its exporters (OTLP here when configured; Azure Monitor in the Functions app).
    /// </summary>
    public static OpenTelemetryBuilder AddHubTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t
                .AddSource(HubTelemetry.Name)
                // Query strings stay redacted (the instrumentation's default): a portal search could otherwise put criteria in a span.
                .AddAspNetCoreInstrumentation()
                // A storage request (the Azure SDK's x-ms-version header) outside any of the hub's work is a queue worker
                // polling: thousands of one-span traces an hour that show nothing. Storage calls made for an application
                // run inside one of its spans and stay.
                .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = request =>
                    Activity.Current?.ParentSpanId != default || !request.Headers.Contains("x-ms-version")))
            .WithMetrics(m => m
                .AddMeter(HubTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithLogging();
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            builder.UseOtlpExporter();
        }

        return builder;
    }
}
