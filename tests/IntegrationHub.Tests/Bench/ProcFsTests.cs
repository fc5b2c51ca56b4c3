using IntegrationHub.Bench;

namespace IntegrationHub.Tests.Bench;

/// <summary>/proc as the bench reads it, on this very process.</summary>
public sealed class ProcFsTests
{
    [Fact]
    public void Read_ThisProcess_CpuAndMemory()
    {
        var sample = ProcFs.Read(Environment.ProcessId);

        Assert.NotNull(sample);
        Assert.True(sample.Value.CpuSeconds > 0);
        Assert.True(sample.Value.RssBytes > 0);
        Assert.True(sample.Value.PeakRssBytes >= sample.Value.RssBytes);
    }

    [Fact]
    public void Read_NoSuchProcess_Null()
    {
        Assert.Null(ProcFs.Read(int.MaxValue));
    }

    [Fact]
    public void Machine_BusyNeverMoreThanAll()
    {
        var (busy, all) = ProcFs.Machine();

        Assert.InRange(busy, 0, all);
    }
}
