using System.Diagnostics;
using System.Globalization;

namespace IntegrationHub.Bench;

/// <summary>One process as /proc shows it: CPU seconds used so far (user + system), resident memory now and at its peak.</summary>
internal readonly record struct ProcessSample(double CpuSeconds, long RssBytes, long PeakRssBytes);

/// <summary>Linux's /proc, read by the bench for processes it started (and itself); nothing is asked of the processes.</summary>
internal static class ProcFs
{
    // USER_HZ, the unit of /proc's CPU times: 100 on every Linux this runs on (it is part of the kernel's user ABI).
    private const double TicksPerSecond = 100;

    public static ProcessSample? Read(int pid)
    {
        try
        {
            // The command name may hold spaces or ')': fields are counted after its last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = (Long(fields[11]) + Long(fields[12])) / TicksPerSecond;
            long rss = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line);
                }
            }

            return new ProcessSample(cpu, rss, peak);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Starts a new peak (VmHWM) for the process: writing 5 to clear_refs resets it to the current size.</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The whole machine's CPU seconds so far, busy and in all, summed over every core.</summary>
    public static (double Busy, double All) Machine()
    {
        var first = File.ReadLines("/proc/stat").First();
        var jiffies = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(Long).ToArray();
        var all = jiffies.Sum();
        var idle = jiffies[3] + jiffies[4];
        return ((all - idle) / TicksPerSecond, all / TicksPerSecond);
    }

    private static long Kilobytes(string line) =>
        1024 * Long(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    private static long Long(string text) => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}

/// <summary>
/// Everything the bench watches at one moment: each process, the machine, and the hub's probe, with the ports that
/// are Azurite's and the departments' in this stack (the probe counts requests by destination port).
/// </summary>
internal sealed record UsageSnapshot(long Timestamp, IReadOnlyDictionary<string, ProcessSample> Processes, (double Busy, double All) Machine, ProbeReading? Hub,
    IReadOnlyList<int> StoragePorts, IReadOnlyList<int> DepartmentPorts, int? BlobPort = null);

/// <summary>
/// What happened between two snapshots: CPU seconds per process and for the machine (the rest is other people's work
/// on a shared machine), peak memory per process, and the hub's allocations and requests by destination port.
/// </summary>
internal sealed record Usage(
    double Seconds,
    IReadOnlyDictionary<string, double> CpuSeconds,
    double MachineBusySeconds,
    int Cores,
    IReadOnlyDictionary<string, long> PeakRssBytes,
    long? HubAllocatedBytes,
    long? StorageCalls,
    long? DepartmentCalls,
    long? BlobCalls = null)
{
    public double Cpu(string process) => CpuSeconds.GetValueOrDefault(process);

    /// <summary>Busy CPU not used by any process the bench started, nor the bench itself: the other tenants of the machine.</summary>
    public double OthersCpuSeconds => Math.Max(0, MachineBusySeconds - CpuSeconds.Values.Sum());

    public static Usage Between(UsageSnapshot before, UsageSnapshot after)
    {
        var cpu = after.Processes.Where(p => before.Processes.ContainsKey(p.Key))
            .ToDictionary(p => p.Key, p => p.Value.CpuSeconds - before.Processes[p.Key].CpuSeconds, StringComparer.Ordinal);
        var peaks = after.Processes.ToDictionary(p => p.Key, p => p.Value.PeakRssBytes, StringComparer.Ordinal);
        long? allocated = null, storage = null, departments = null, blobs = null;
        if (before.Hub is { } a && after.Hub is { } b && b.Allocated >= a.Allocated)
        {
            allocated = b.Allocated - a.Allocated;
            storage = after.StoragePorts.Sum(port => b.RequestsTo(port) - a.RequestsTo(port));
            departments = after.DepartmentPorts.Sum(port => b.RequestsTo(port) - a.RequestsTo(port));
            blobs = after.BlobPort is { } blob ? b.RequestsTo(blob) - a.RequestsTo(blob) : null;
        }

        return new Usage((after.Timestamp - before.Timestamp) / (double)Stopwatch.Frequency, cpu, after.Machine.Busy - before.Machine.Busy,
            Environment.ProcessorCount, peaks, allocated, storage, departments, blobs);
    }
}

/// <summary>Takes <see cref="UsageSnapshot"/>s of the processes named by <paramref name="processes"/> (their PIDs may change as the hub restarts).</summary>
internal sealed class UsageWatch(Func<IReadOnlyDictionary<string, int>> processes, Func<string?> probeSocket, Func<IReadOnlyList<int>> storagePorts,
    Func<IReadOnlyList<int>> departmentPorts, Func<int?>? blobPort = null)
{
    public const string Hub = "hub";
    public const string Azurite = "Azurite";
    public const string Bench = "bench (load + departments)";
    public const string Floor = "Kestrel floor";

    public async Task<UsageSnapshot> TakeAsync(CancellationToken cancellationToken)
    {
        var probe = probeSocket() is { } socket ? await ProbeReading.ReadAsync(socket, cancellationToken) : null;
        var samples = new Dictionary<string, ProcessSample>(StringComparer.Ordinal);
        foreach (var (name, pid) in processes())
        {
            if (ProcFs.Read(pid) is { } sample)
            {
                samples[name] = sample;
            }
        }

        return new UsageSnapshot(Stopwatch.GetTimestamp(), samples, ProcFs.Machine(), probe, storagePorts(), departmentPorts(), blobPort?.Invoke());
    }

    /// <summary>Starts a new memory peak for every watched process.</summary>
    public void ResetPeaks()
    {
        foreach (var pid in processes().Values)
        {
            ProcFs.ResetPeak(pid);
        }
    }
}
