using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace IntegrationHub.Benchmarks;

/// <summary>
/// A clock that counts only the CPU time of the thread reading it (Linux CLOCK_THREAD_CPUTIME_ID, nanoseconds). On this
/// 2-core machine shared with other builds and test runs, a wall clock also counts the time the benchmark waits for a
/// core, so its figures move with the load; this one counts what the code itself costs. BenchmarkDotNet reads the clock
/// on the thread that runs the workload, once before and once after each iteration, so the syscall (a few hundred ns)
/// is spread over thousands of calls. Work the GC does on its background threads is not counted.
/// </summary>
internal sealed partial class ThreadCpuClock : IClock
{
    public static readonly ThreadCpuClock Instance = new();

    private const int ClockThreadCpuTimeId = 3;

    public string Title => "Thread CPU time";

    public bool IsAvailable => OperatingSystem.IsLinux();

    public Frequency Frequency => Frequency.GHz;

    public long GetTimestamp() =>
        ClockGetTime(ClockThreadCpuTimeId, out var time) == 0
            ? (time.Seconds * 1_000_000_000) + time.Nanoseconds
            : throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
