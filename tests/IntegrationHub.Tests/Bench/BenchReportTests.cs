using IntegrationHub.Bench;

namespace IntegrationHub.Tests.Bench;

/// <summary>The report judges the targets as ratios to this run's own floors, and says what it did not measure.</summary>
public sealed class BenchReportTests
{
    [Theory]
    [InlineData(250, 700, 0, 3, true)]
    [InlineData(60, 900, 4, 6, false)]
    public void Targets_IntakeAgainstTheFloor_JudgedByRatio(double intakeRate, double intakeP99, int timeouts, int callsPerIntake, bool met)
    {
        var results = BenchSamples.Results(floorRate: 300, floorP99: 400, intakeRate, intakeP99, timeouts, storageCalls: (long)(callsPerIntake * intakeRate * 15));

        var targets = BenchReport.Targets(results).ToDictionary(t => t.What, t => t.Met);

        Assert.Equal(met, targets["intake ≥ 0.8× the Azurite floor at 50 clients"]);
        Assert.Equal(met, targets["intake p99 ≤ 2× the floor's p99 at 50 clients"]);
        Assert.Equal(met, targets["no intake timeouts at 50 clients"]);
        Assert.Equal(met, targets["storage calls per intake ≤ 3"]);
    }

    [Fact]
    public void Targets_NoDrainNoPortal_NotMeasuredRatherThanMet()
    {
        var results = BenchSamples.Results(floorRate: 300, floorP99: 400, intakeRate: 250, intakeP99: 700, timeouts: 0, storageCalls: 0);

        var unmeasured = BenchReport.Targets(results).Where(t => t.Met is null).Select(t => t.What).ToList();

        Assert.Contains(unmeasured, w => w.StartsWith("drain", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_EveryIntakeStep_PrintedWithItsRatioToTheFloor()
    {
        var results = BenchSamples.Results(floorRate: 300, floorP99: 400, intakeRate: 240, intakeP99: 700, timeouts: 0, storageCalls: 0);

        var text = BenchReport.Text(results);

        Assert.Contains("240.0 (  0.80×)", text, StringComparison.Ordinal);
        Assert.Contains("Is the load generator the bottleneck?", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Portal_NoSeedingEntryPoint_SkippedSaidLoudlyAndTargetsNotMeasured()
    {
        var results = BenchSamples.Results(floorRate: 300, floorP99: 400, intakeRate: 250, intakeP99: 700, timeouts: 0, storageCalls: 0);
        results.Portal = BenchSamples.Portal(seed: "no seeding entry point", seeded: 0, stored: 230, dashboardP95: 40);

        var text = BenchReport.Text(results);
        var markdown = BenchReport.Markdown(results);
        var dashboard = BenchReport.Targets(results).Single(t => t.What.StartsWith("dashboard", StringComparison.Ordinal));

        Assert.Contains("SEEDED PORTAL TIMING SKIPPED (1,000,000 applications): no seeding entry point", text, StringComparison.Ordinal);
        Assert.Contains("SEEDED PORTAL TIMING SKIPPED", markdown, StringComparison.Ordinal);
        Assert.Null(dashboard.Met);
        Assert.Contains("seeded timing skipped", dashboard.Figure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(150, true)]
    [InlineData(450, false)]
    public void Portal_SeededCityScale_JudgedAgainstTheTarget(double dashboardP95, bool met)
    {
        var results = BenchSamples.Results(floorRate: 300, floorP99: 400, intakeRate: 250, intakeP99: 700, timeouts: 0, storageCalls: 0);
        results.Portal = BenchSamples.Portal(seed: "1,000,000 applications seeded in 600 s", seeded: 1_000_000, stored: 1_000_230, dashboardP95);

        var text = BenchReport.Text(results);
        var dashboard = BenchReport.Targets(results).Single(t => t.What.StartsWith("dashboard", StringComparison.Ordinal));

        Assert.DoesNotContain("SKIPPED", text, StringComparison.Ordinal);
        Assert.Equal(met, dashboard.Met);
    }

    [Theory]
    [InlineData("case \"${1:-}\" in\n  run) cmd_run ;;\n  seed) shift; cmd_seed \"$@\" ;;\nesac", true)]
    [InlineData("case \"${1:-}\" in\n  run) cmd_run ;;\n  soak) shift; cmd_soak \"$@\" ;;\nesac", false)]
    [InlineData("# ./hub seed) is not here yet\n  soak) cmd_soak ;;", false)]
    public void HasSeedVerb_HubScriptDispatch_FoundOnlyAsACase(string script, bool found)
    {
        Assert.Equal(found, PortalPhase.HasSeedVerb(script));
    }

    [Fact]
    public void FloorCost_CostPerApplication_ComparedWithOneFloorOperation()
    {
        var unit = new FloorCost(AzuriteCpuMs: 2, KestrelCpuMs: 0.05);
        var usage = new Usage(10, new Dictionary<string, double> { [UsageWatch.Hub] = 1, [UsageWatch.Azurite] = 0.8 }, 2, 2,
            new Dictionary<string, long>(), null, 600, 0);

        var ratios = FloorCost.Ratios(unit, usage, applications: 100, storageCalls: 6);

        Assert.Equal("storage calls 3.00×, Azurite CPU 4.00× the Azurite floor's operation; hub CPU 200.00× a Kestrel-floor request", ratios);
    }

    [Fact]
    public void FromJson_WrittenResults_GiveTheSameReport()
    {
        var results = BenchSamples.Results(floorRate: 300, floorP99: 400, intakeRate: 250, intakeP99: 700, timeouts: 0, storageCalls: 3 * 250 * 15);
        results.Portal = BenchSamples.Portal(seed: "no seeding entry point", seeded: 0, stored: 230, dashboardP95: 40);
        results.WallSeconds = 600;

        var read = BenchReport.FromJson(BenchReport.ToJson(results))!;

        Assert.Equal(BenchReport.Text(results), BenchReport.Text(read));
        Assert.Equal(BenchReport.Markdown(results), BenchReport.Markdown(read));
    }
}

