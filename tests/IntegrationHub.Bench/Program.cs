using System.Globalization;
using System.Runtime.InteropServices;
using IntegrationHub.Bench;

// The HTTP floor runs as a child process of the bench: the same program in another mode.
if (args is [KestrelFloor.Argument, var port])
{
    await KestrelFloor.ServeAsync(int.Parse(port, CultureInfo.InvariantCulture));
    return 0;
}

// ./hub bench: the floors, intake, the pipeline, the drain, the costs and the portal, with ratios to the floors and charts.
if (BenchOptions.Parse(args) is not { } options)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();

// Ctrl-C or SIGTERM ends the run in order: every child process is stopped by its PID before the bench exits.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

return await BenchRun.RunAsync(options, stop.Token) is null ? 1 : 0;

void Stop(PosixSignalContext context)
{
    // The first signal stops the run; a second one is not held back.
    context.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
}
