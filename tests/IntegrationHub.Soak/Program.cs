using System.Runtime.InteropServices;
using IntegrationHub.Soak;

// ./hub soak N: N applications across the 19 online items, through random department faults and one hub restart.
if (SoakOptions.Parse(args) is not { } options)
{
    Console.Error.WriteLine(SoakOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();

// Ctrl-C or SIGTERM ends the run in order: every child process is stopped by its PID before the soak exits.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var report = await SoakRun.RunAsync(options, stop.Token);
return report?.Clean == true ? 0 : 1;

void Stop(PosixSignalContext context)
{
    // The first signal stops the run; a second one is not held back.
    context.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
}
