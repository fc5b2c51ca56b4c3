using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace IntegrationHub.Tests.Telemetry;

/// <summary>
/// A hub whose OpenTelemetry pipeline also exports to <see cref="CapturedTelemetry"/>, with debug logging, a trace view
/// configured for the portal's links, and sandbox 公安 and 房管 that decide on their own and notify the hub.
/// </summary>
public sealed class TelemetryFixture : HubFixture
{
    public const string TraceView = "http://127.0.0.1:18888/traces/detail/{traceId}";

    public CapturedTelemetry Captured { get; } = new();

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Logging:LogLevel:Default"] = "Debug";
        settings["Telemetry:TraceViewUrl"] = TraceView;
    }

    protected override void ConfigureHost(WebApplicationBuilder builder)
    {
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SimpleActivityExportProcessor(Captured.SpanExporter)));
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddReader(new BaseExportingMetricReader(Captured.MetricExporter)));
        builder.Services.ConfigureOpenTelemetryLoggerProvider(l => l.AddProcessor(new SimpleLogRecordExportProcessor(Captured.LogExporter)));
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        PublicSecurity.AutoDecide(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));
        Housing.AutoDecide(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));
    }
}

[CollectionDefinition(Name)]
public sealed class TelemetryCollection : ICollectionFixture<TelemetryFixture>, ICollectionFixture<Portal.PortalBrowser>
{
    public const string Name = "telemetry";
}
