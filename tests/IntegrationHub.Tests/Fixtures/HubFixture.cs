using IntegrationHub.Local;
using Microsoft.AspNetCore.Builder;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>
/// The local host, exactly as <c>./hub run</c> builds it, on a free loopback port over a real Azurite.
/// One per test collection; tests speak to it over real HTTP.
/// </summary>
public sealed class HubFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public Azurite Azurite { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public WebApplication App => _app!;

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        _app = LocalHub.Build([
            "--HUB_PORT=0",
            $"--Storage:ConnectionString={Azurite.ConnectionString}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First());
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class HubCollection : ICollectionFixture<HubFixture>
{
    public const string Name = "hub";
}
