using System.Diagnostics;
using IntegrationHub.Bench;

namespace IntegrationHub.Tests.Bench;

/// <summary>How a step's samples become its figures: which requests count, what is a timeout, the percentiles.</summary>
public sealed class LoadTests
{
    private static readonly long Second = Stopwatch.Frequency;

    [Fact]
    public void Percentiles_Of_NearestRank()
    {
        var p = Percentiles.Of(Enumerable.Range(1, 200).Select(i => (double)i).Reverse());

        Assert.Equal(200, p.Count);
        Assert.Equal(100, p.P50);
        Assert.Equal(190, p.P95);
        Assert.Equal(198, p.P99);
        Assert.Equal(200, p.Max);
        Assert.Equal(100.5, p.Mean);
    }

    [Fact]
    public void Percentiles_OfNothing_NotANumber()
    {
        Assert.True(double.IsNaN(Percentiles.Of([]).P50));
    }

    [Fact]
    public void From_SamplesAroundTheWindow_OnlyThoseEndingInsideCount()
    {
        Sample[] samples =
        [
            new(0, Second / 2, Outcome.Ok),                       // ends in the warm-up
            new(Second / 2, Second + (Second / 10), Outcome.Ok),  // began in the warm-up, ends inside
            new(2 * Second, (2 * Second) + (Second / 5), Outcome.Refused),
            new(3 * Second, 4 * Second, Outcome.Ok),               // ends exactly at the window's end: outside
        ];

        var step = StepResult.From(10, samples, from: Second, to: 4 * Second, timeout: TimeSpan.FromSeconds(2));

        Assert.Equal(3, step.Seconds, precision: 6);
        Assert.Equal(1, step.Ok);
        Assert.Equal(1, step.Refused);
        Assert.Equal(1 / 3.0, step.Rate, precision: 6);
        Assert.Equal(2, step.Latency.Count);
        Assert.Equal(0, step.Timeouts);
    }

    [Fact]
    public void From_SlowOrUnansweredRequestsLeavingInside_Timeouts()
    {
        Sample[] samples =
        [
            new(Second, 4 * Second, Outcome.Ok),                    // 3 s: slower than the limit, still accepted
            new(2 * Second, (2 * Second) + 10, Outcome.NoAnswer),    // no answer at all
            new(3 * Second, (3 * Second) + (Second / 2), Outcome.Ok),
            new(0, 5 * Second, Outcome.Ok),                         // slow, but it left before the window: no timeout of this one
        ];

        var step = StepResult.From(4, samples, from: Second, to: 10 * Second, timeout: TimeSpan.FromSeconds(2));

        Assert.Equal(2, step.Timeouts);
        Assert.Equal(1, step.NoAnswer);
        Assert.Equal(3, step.Ok);
        Assert.Equal(5000, step.Latency.Max, precision: 3);
    }
}
