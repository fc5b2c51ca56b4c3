using System.Globalization;

namespace IntegrationHub.Bench;

/// <summary>The floors at every client count, and wrk's reading of the HTTP floor where wrk is installed.</summary>
internal sealed record FloorResults(IReadOnlyList<Step> Kestrel, IReadOnlyList<Step> Azurite, IReadOnlyList<WrkResult> Wrk)
{
    public Step? KestrelAt(int clients) => Kestrel.FirstOrDefault(s => s.Result.Clients == clients);

    public Step? AzuriteAt(int clients) => Azurite.FirstOrDefault(s => s.Result.Clients == clients);
}

/// <summary>(a) the floors: a bare Kestrel endpoint (its own process) and raw Azurite (the bench's SDK clients), at every client count.</summary>
internal static class FloorPhase
{
    public const string KestrelName = "Kestrel floor";
    public const string AzuriteName = "Azurite floor";

    public static async Task<FloorResults> RunAsync(BenchStack stack, BenchOptions options, PreparedApplication sample, CancellationToken cancellationToken)
    {
        var port = Soak.ChildProcess.FreePort();
        stack.Floor = KestrelFloor.Start(port, Path.Combine(stack.RunDirectory, "kestrel-floor.log"));
        await stack.Floor.WaitForPortsAsync([port], TimeSpan.FromSeconds(30), cancellationToken);
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{KestrelFloor.Path}");
        var kestrel = new List<Step>();
        var wrk = new List<WrkResult>();
        foreach (var clients in options.Clients)
        {
            using var http = LoadHttp.Create(clients);
            var step = await ClosedLoop.RunAsync(KestrelName, clients, options.Warmup, options.Duration, options.Timeout,
                (_, ct) => LoadHttp.PostAsync(http, url, sample.Body, "floor", stack.PlatformKey, ct), stack.Watch, cancellationToken);
            kestrel.Add(step);
            Console.WriteLine($"  {Line(step)}");
        }

        if (options.Wrk && Wrk.Find() is { } wrkPath)
        {
            foreach (var clients in options.Clients.Where(c => c >= 10))
            {
                if (await Wrk.RunAsync(wrkPath, url, clients, options.Duration, System.Text.Encoding.UTF8.GetString(sample.Body), stack.RunDirectory, cancellationToken) is { } reading)
                {
                    wrk.Add(reading);
                    Console.WriteLine($"  wrk on the Kestrel floor, {clients,3} clients: {reading.Rate,9:N0}/s, p50 {reading.P50:0.00} ms, p99 {reading.P99:0.00} ms");
                }
            }
        }
        else
        {
            Console.WriteLine("  wrk: not installed or --no-wrk; the generator is checked by its own CPU share only");
        }

        await stack.Floor.DisposeAsync();
        stack.Floor = null;

        var floor = await AzuriteFloor.CreateAsync(stack.Hub.ConnectionString!, cancellationToken);
        var azurite = new List<Step>();
        foreach (var clients in options.Clients)
        {
            var step = await ClosedLoop.RunAsync(AzuriteName, clients, options.Warmup, options.Duration, options.Timeout,
                (_, ct) => floor.WriteAsync(ct), stack.Watch, cancellationToken);
            azurite.Add(step);
            Console.WriteLine($"  {Line(step)}");
        }

        return new FloorResults(kestrel, azurite, wrk);
    }

    public static string Line(Step step)
    {
        var r = step.Result;
        var cpu = step.Usage is { } u
            ? string.Join(", ", u.CpuSeconds.Where(c => c.Value > 0.05 * u.Seconds).Select(c => $"{c.Key} {c.Value / u.Seconds:0.00}")) + $", others {u.OthersCpuSeconds / u.Seconds:0.00}"
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{step.System,-14} {r.Clients,3} clients: {r.Rate,9:N1}/s, p50 {r.Latency.P50,8:0.00} ms, p95 {r.Latency.P95,8:0.00}, p99 {r.Latency.P99,8:0.00}, "
            + $"timeouts {r.Timeouts}, refused {r.Refused}, no answer {r.NoAnswer}; cores busy: {cpu}");
    }
}
