namespace IntegrationHub.Departments.Housing;

/// <summary>
/// A message that does not fit the bureau's format: a form the hub cannot express as the documented JSON (the client
/// turns it into an Invalid outcome), or a bureau answer or webhook that is not the documented JSON (a webhook becomes a
/// 400 naming <see cref="Field"/>). The message never contains personal data: it names fields, not values.
/// </summary>
internal sealed class HousingFormatException(string field, string reason, Exception? innerException = null)
    : Exception($"{field}: {reason}", innerException), IFormFault<HousingFormatException>
{
    public static HousingFormatException ForField(string field, string reason) => new(field, reason);

    /// <summary>The offending field, as a JSON path (<c>household_members[0].relation</c>) or <c>body</c>.</summary>
    public string Field { get; } = field;

    /// <summary>What is wrong with it, without its value.</summary>
    public string Reason { get; } = reason;
}
