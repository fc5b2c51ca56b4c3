namespace IntegrationHub.Contracts;

/// <summary>The hub's health: <c>healthy</c> only when every check passed.</summary>
/// <param name="Status"><c>healthy</c>, <c>degraded</c> (a department or the backlog needs attention; applications are still taken) or <c>unhealthy</c> (storage: 503).</param>
/// <param name="Checks">Each check and what it found: <c>ok</c>, or why not.</param>
public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks);
