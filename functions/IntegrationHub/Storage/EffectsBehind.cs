using Microsoft.Extensions.Hosting;

namespace IntegrationHub.Storage;

/// <summary>
/// The effects of steps whose callers did not wait for them (<see cref="ApplicationStore.StepAsync"/> with write-behind),
/// kept in order per application: a later step's rows (its set rows, its follow-up's due time) must not land before an
/// earlier step's, so one application's effects are written one step after another, different applications' at once.
/// </summary>
internal sealed class EffectsBehind
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task> _lastOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _intents = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes the application's next place in line before its step's transaction is sent, so whoever sees the step
    /// committed and asks <see cref="SettledAsync(string)"/> waits for its effects too. The step then sets the place to
    /// what writes them (which must not throw), or to null when it wrote nothing.
    /// </summary>
    public TaskCompletionSource<Func<Task>?> Reserve(string applicationId, string intent)
    {
        var place = new TaskCompletionSource<Func<Task>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task task;
        lock (_gate)
        {
            task = AfterAsync(_lastOf.GetValueOrDefault(applicationId) ?? Task.CompletedTask, place.Task);
            _lastOf[applicationId] = task;
            _intents[intent] = task;
        }

        _ = task.ContinueWith(_ =>
        {
            lock (_gate)
            {
                if (_lastOf.TryGetValue(applicationId, out var last) && last == task)
                {
                    _lastOf.Remove(applicationId);
                }

                if (_intents.TryGetValue(intent, out var writing) && writing == task)
                {
                    _intents.Remove(intent);
                }
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return place;
    }

    /// <summary>Done when every effect of the application started so far is written (or left for the sweep).</summary>
    public Task SettledAsync(string applicationId)
    {
        lock (_gate)
        {
            return _lastOf.GetValueOrDefault(applicationId) ?? Task.CompletedTask;
        }
    }

    /// <summary>Done when every effect started so far is written: for a host that stops.</summary>
    public Task SettledAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_lastOf.Values);
        }
    }

    /// <summary>The writing of the step's effects this instance has under way, or null.</summary>
    public Task? Writing(string intent)
    {
        lock (_gate)
        {
            return _intents.GetValueOrDefault(intent);
        }
    }

    private static async Task AfterAsync(Task earlier, Task<Func<Task>?> place)
    {
        var apply = await place;
        await earlier.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (apply is not null)
        {
            await apply();
        }
    }
}

/// <summary>A host that stops waits for the step effects still being written behind, so a clean stop leaves no intent to the sweep.</summary>
internal sealed class EffectsBehindAtStop(ApplicationStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => store.SettledAsync().WaitAsync(cancellationToken);
}
