using IntegrationHub.Bench;

namespace IntegrationHub.Tests.Bench;

/// <summary>./hub bench's options: the full run the issue asks for by default, a short one on request.</summary>
public sealed class BenchOptionsTests
{
    [Fact]
    public void Parse_NoArguments_TheIssuesFullRun()
    {
        var options = BenchOptions.Parse([])!;

        Assert.Equal([1, 10, 50, 200], options.Clients);
        Assert.Equal(10_000, options.Drain);
        Assert.Equal(0.10, options.DrainFaults);
        Assert.Null(options.RetryAfter);
        Assert.Equal(1_000_000, options.Seed);
        Assert.Equal(50, options.TargetClients);
        Assert.False(options.Quick);
    }

    [Fact]
    public void Parse_Quick_ShorterStepsSmallerDrainNoSeed()
    {
        var full = BenchOptions.Parse([])!;

        var quick = BenchOptions.Parse(["--quick"])!;

        Assert.True(quick.Quick);
        Assert.True(quick.Duration < full.Duration);
        Assert.True(quick.Drain < full.Drain);
        Assert.Equal(0, quick.Seed);
        Assert.Equal(full.Clients, quick.Clients);
    }

    [Fact]
    public void Parse_OptionsAfterQuick_OverrideIt()
    {
        var options = BenchOptions.Parse(["--quick", "--clients", "200,1,10", "--drain", "2_000", "--retry-after", "1", "--hub-setting", "Handoff:PollInterval=00:00:00.200",
            "--hub-setting", "Handoff:StrandedAfter=00:00:05"])!;

        Assert.Equal([1, 10, 200], options.Clients);
        Assert.Equal(200, options.TargetClients);
        Assert.Equal(2_000, options.Drain);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryAfter);
        Assert.Equal("00:00:00.200", options.HubSettings["Handoff:PollInterval"]);
        Assert.Equal("00:00:05", options.HubSettings["Handoff:StrandedAfter"]);
    }

    [Theory]
    [InlineData("--drain")]
    [InlineData("--clients", "0,10")]
    [InlineData("--faults", "1.5")]
    [InlineData("--hub-setting", "NoEqualsSign")]
    [InlineData("--unknown")]
    public void Parse_BadArguments_Refused(params string[] args)
    {
        Assert.Null(BenchOptions.Parse(args));
    }
}
