using IntegrationHub.Departments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>
/// One department's inbound route (notifications, webhooks) on Kestrel, mapped as the hosts map it, bound to
/// loopback, handing reports to the given sink — the adapter's endpoint without the rest of the hub.
/// </summary>
internal sealed class InboundHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InboundHost(WebApplication app, string route)
    {
        _app = app;
        Url = new Uri(new Uri(app.Urls.First()), route);
    }

    public Uri Url { get; }

    public static async Task<InboundHost> StartAsync(
        string route, IDepartmentStatusSink sink, Action<IServiceCollection> addDepartment, Action<IEndpointRouteBuilder, string> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(sink);
        addDepartment(builder.Services);
        var app = builder.Build();
        map(app, route);
        await app.StartAsync();
        return new InboundHost(app, route);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
