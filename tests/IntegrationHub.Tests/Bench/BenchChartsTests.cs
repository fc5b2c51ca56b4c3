using IntegrationHub.Bench;

namespace IntegrationHub.Tests.Bench;

/// <summary>The charts render headless on this machine (ScottPlot over SkiaSharp's native library) into PNG files.</summary>
public sealed class BenchChartsTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly string _directory = Directory.CreateTempSubdirectory("bench-charts-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Write_FloorsAndIntake_ThroughputAndLatencyPngs()
    {
        var results = BenchSamples.Results(floorRate: 300, floorP99: 400, intakeRate: 120, intakeP99: 900, timeouts: 0, storageCalls: 0);

        var written = BenchCharts.Write(results, _directory);

        Assert.Equal(["throughput.png", "latency.png"], written.Select(Path.GetFileName));
        Assert.All(written, path => Assert.Equal(PngSignature, File.ReadAllBytes(path).Take(8)));
    }
}
