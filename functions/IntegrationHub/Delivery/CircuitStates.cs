using System.Collections.Concurrent;

namespace IntegrationHub.Delivery;

/// <summary>
/// Which departments' circuit breakers are open right now, as the resilience pipelines report it. Operators
/// see it on the dashboard, and a replay is refused while its department's circuit is open.
/// </summary>
public sealed class CircuitStates(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _openUntil = new(StringComparer.OrdinalIgnoreCase);

    public void Opened(string department, TimeSpan breakDuration) => _openUntil[department] = time.GetUtcNow() + breakDuration;

    /// <summary>Half-open or closed: calls go through again.</summary>
    public void Closed(string department) => _openUntil.TryRemove(department, out _);

    public bool IsOpen(string department) =>
        _openUntil.TryGetValue(department, out var until) && time.GetUtcNow() < until;
}
