using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using IntegrationHub.Composition;
using IntegrationHub.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddHub(builder.Configuration);
var telemetry = builder.Services.AddHubTelemetry(builder.Configuration, "IntegrationHub.Functions").UseFunctionsWorkerDefaults();
if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    // Application Insights takes Entra ID sign-in only (infra: DisableLocalAuth); the app's managed identity publishes.
    telemetry.UseAzureMonitorExporter(o => o.Credential = new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned));
}

builder.Build().Run();
