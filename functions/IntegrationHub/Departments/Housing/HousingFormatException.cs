namespace IntegrationHub.Departments.Housing;

/// <summary>
/// A message that does not fit the bureau's format: a form the hub cannot express as the documented JSON (the client
/// turns it into an Invalid outcome), or a bureau answer or webhook that is not the documented JSON (a webhook becomes a
/// 400 naming <see cref="Field"/>). The message never contains personal data: it names fields, not values.
/// </summary>
internal sealed class HousingFormatException(string field, string reason, Exception? innerException = null)
    : Exception($"{field}: {reason}", innerException)
{
    /// <summary>The offending field, as a JSON path (<c>household_members[0].relation</c>) or <c>body</c>.</summary>
    public string Field { get; } = field;

    /// <summary>What is wrong with it, without its value.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// A call the hub did not get a usable bureau answer to, decided before the response reached the client: the token
/// endpoint refused or throttled us, our own token guard held back, or the bureau answered 429. Thrown inside the
/// resilience pipeline on purpose: none of these may be retried on the spot (a 429 must wait at least Retry-After,
/// and a throttled token endpoint a minute), so they leave the pipeline at once and become the outcome.
/// </summary>
internal sealed class HousingCallException(HandoffOutcomeKind kind, string code, string message, TimeSpan? retryAfter = null, string? responsePayload = null)
    : Exception(message)
{
    /// <summary>Transient or ConfigurationFault.</summary>
    public HandoffOutcomeKind Kind { get; } = kind;

    public string Code { get; } = code;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public string? ResponsePayload { get; } = responsePayload;
}
