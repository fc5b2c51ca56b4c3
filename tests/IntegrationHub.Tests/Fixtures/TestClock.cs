using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells the test every wait a component starts on it (a backoff, a tick), with its
/// length: a test then knows the component has finished what it was doing and is waiting, and for how long, before it
/// moves the clock, instead of sleeping and hoping.
/// </summary>
internal sealed class TestClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _waits.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The length of the next wait a component starts on this clock (fails if none starts within the deadline).</summary>
    public async Task<TimeSpan> NextWaitAsync()
    {
        using var deadline = new CancellationTokenSource(Eventually.Deadline);
        try
        {
            return await _waits.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"No component started a wait on the clock within {Eventually.Deadline.TotalSeconds} s.");
        }
    }

    /// <summary>Whether a wait was started that no one has taken with <see cref="NextWaitAsync"/> yet.</summary>
    public bool HasUnseenWait => _waits.Reader.Count > 0;
}
