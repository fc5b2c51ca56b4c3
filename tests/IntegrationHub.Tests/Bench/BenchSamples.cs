using IntegrationHub.Bench;

namespace IntegrationHub.Tests.Bench;

/// <summary>Made-up figures in the shape a run produces, for the report and the charts.</summary>
internal static class BenchSamples
{
    public static BenchResults Results(double floorRate, double floorP99, double intakeRate, double intakeP99, int timeouts, long storageCalls)
    {
        var options = BenchOptions.Parse([])!;
        var clients = options.Clients;
        var results = new BenchResults(options, "20261130-000000", "abc1234")
        {
            Floors = new FloorResults(
                [.. clients.Select(c => Step(FloorPhase.KestrelName, c, 20_000, 0.2, 2, 0, 0))],
                [.. clients.Select(c => Step(FloorPhase.AzuriteName, c, floorRate, floorP99 / 4, floorP99, 0, 0))],
                [new WrkResult(50, 25_000, 0.3, 3)]),
            Intake = [.. clients.Select(c => Step(IntakePhase.Name, c, intakeRate, intakeP99 / 4, intakeP99, timeouts, storageCalls))],
        };
        return results;
    }

    public static PortalResults Portal(string seed, long seeded, long stored, double dashboardP95)
    {
        var latency = new Percentiles(20, dashboardP95 / 2, dashboardP95, dashboardP95, dashboardP95, dashboardP95 / 2);
        return new PortalResults(seed, seeded, stored, [new PortalQuery("dashboard", PortalPhase.DashboardTargetMs, latency, 0, null)]);
    }

    private static Step Step(string system, int clients, double rate, double p50, double p99, int timeouts, long storageCalls)
    {
        const double seconds = 15;
        var latency = new Percentiles((int)(rate * seconds), p50, (p50 + p99) / 2, p99, p99 * 1.5, p50 * 1.2);
        var usage = new Usage(seconds, new Dictionary<string, double> { [UsageWatch.Hub] = 12, [UsageWatch.Azurite] = 9, [UsageWatch.Bench] = 2 }, 27, 2,
            new Dictionary<string, long> { [UsageWatch.Hub] = 200 << 20, [UsageWatch.Azurite] = 300 << 20 }, 100L << 20, storageCalls, 0);
        return new Step(system, new StepResult(clients, seconds, (int)(rate * seconds), 0, 0, timeouts, latency), usage);
    }
}
