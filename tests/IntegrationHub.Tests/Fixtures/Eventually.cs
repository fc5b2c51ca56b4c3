namespace IntegrationHub.Tests.Fixtures;

/// <summary>
/// The one way a test waits for something that happens on its own (a worker, a real HTTP round trip): it polls the
/// condition until it holds or the deadline passes, and fails with what it was waiting for. The deadline is generous
/// because it is never the point of the test; a test that holds never waits it out.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? within = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, within);

    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > (within ?? Deadline))
            {
                throw new Xunit.Sdk.XunitException($"Waited {(within ?? Deadline).TotalSeconds} s for {what}; it never happened.");
            }

            await Task.Delay(Pause);
        }
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds for its value, and answers that value.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? within = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > (within ?? Deadline))
            {
                throw new Xunit.Sdk.XunitException($"Waited {(within ?? Deadline).TotalSeconds} s for {what}; last seen: {value}");
            }

            await Task.Delay(Pause);
        }
    }
}
