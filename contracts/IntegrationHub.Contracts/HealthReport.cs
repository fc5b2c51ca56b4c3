namespace IntegrationHub.Contracts;

/// <summary>The hub's health: <c>healthy</c> only when every dependency answered.</summary>
/// <param name="Status"><c>healthy</c> or <c>unhealthy</c>.</param>
/// <param name="Checks">Each dependency and what it answered.</param>
public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks);
