using System.Security.Cryptography;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>
/// Storage for the tests that build a department adapter on its own, without a hub: the adapters keep what all instances
/// share (the 房管 token, 人社's per-case query spacing, the call-rate shares) in the department-state table. One real
/// Azurite for the test run, started on first use and stopped by its PID when the run ends; each service provider gets
/// tables of its own (a fresh prefix) and a fresh key ring, so tests never see each other's state.
/// </summary>
internal static class AdapterStorage
{
    private static readonly Lazy<Azurite> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The settings to add to an adapter test's configuration.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Storage:ConnectionString"] = Instance.Value.ConnectionString,
        ["Storage:TablePrefix"] = "a" + Guid.NewGuid().ToString("N")[..16],
        ["Security:Encryption:ActiveKeyId"] = "adapter1",
        ["Security:Encryption:Keys:adapter1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),

        // Adapter tests send bursts from many callers at once: their calls wait for their slots instead of being held.
        ["Departments:Shared:MaxWait"] = "00:00:03",
    };

    /// <summary>Storage and the key ring, as the hub registers them.</summary>
    public static IServiceCollection AddAdapterStorage(this IServiceCollection services, IConfiguration configuration) =>
        services.AddHubStorage(configuration).AddPrivacy(configuration);

    private static Azurite Start()
    {
        var azurite = Azurite.StartAsync().GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return azurite;
    }
}
