using IntegrationHub.Bench;

/// <summary>
/// The .NET startup hook the bench gives the hub (DOTNET_STARTUP_HOOKS = this assembly): it starts the
/// <see cref="HubProbe"/> before the hub's Main, so the hub's own code is measured unchanged.
/// </summary>
#pragma warning disable CA1050 // The runtime looks for a type named StartupHook outside any namespace.
internal static class StartupHook
#pragma warning restore CA1050
{
    public static void Initialize() => HubProbe.Start(Environment.GetEnvironmentVariable(HubProbe.SocketVariable));
}
