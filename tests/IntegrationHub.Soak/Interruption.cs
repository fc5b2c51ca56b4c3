using System.Runtime.InteropServices;

namespace IntegrationHub.Soak;

/// <summary>
/// Ctrl-C or SIGTERM cancels <see cref="Token"/>, so a driver (the soak, the bench) ends in order and every child
/// process is stopped by its PID before it exits. The first signal stops the run; a second one is not held back.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public Interruption()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = !_stop.IsCancellationRequested;
        _stop.Cancel();
    }
}
