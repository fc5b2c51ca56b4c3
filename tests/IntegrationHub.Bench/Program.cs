using System.Globalization;
using IntegrationHub.Bench;
using IntegrationHub.Soak;

// The HTTP floor runs as a child process of the bench: the same program in another mode.
if (args is [KestrelFloor.Argument, var port])
{
    await KestrelFloor.ServeAsync(int.Parse(port, CultureInfo.InvariantCulture));
    return 0;
}

// ./hub bench --report DIR: the report and charts of an earlier run written again from its results.json (no load).
if (args is ["--report", var directory])
{
    if (BenchReport.FromJson(await File.ReadAllTextAsync(Path.Combine(directory, "results.json"))) is not { } earlier)
    {
        Console.Error.WriteLine($"no results in {directory}/results.json");
        return 2;
    }

    await BenchRun.WriteAsync(earlier, directory);
    return 0;
}

// ./hub bench: the floors, intake, the pipeline, the drain, the costs and the portal, with ratios to the floors and charts.
if (BenchOptions.Parse(args) is not { } options)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var interruption = new Interruption();
return await BenchRun.RunAsync(options, interruption.Token) is null ? 1 : 0;
