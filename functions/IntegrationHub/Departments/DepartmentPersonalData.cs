using IntegrationHub.Privacy;

namespace IntegrationHub.Departments;

/// <summary>
/// Which parts of one department's payloads carry personal data, declared next to its translator from the department's
/// document, so the payloads kept on the timeline are masked by their structure. One implementation per department folder.
/// </summary>
internal interface IDepartmentPersonalData
{
    /// <summary>The department code (GA, FG, RS).</summary>
    string Department { get; }

    /// <summary>The personal members of the instant result the adapter passes on (<see cref="HandoffOutcome.Result"/>).</summary>
    PersonalJson Result { get; }

    /// <summary>
    /// A request or response payload as exchanged with the department, masked; null when the text is not the department's
    /// format (a proxy's page, bytes that were not text), since then nothing in it can be known to be masked.
    /// </summary>
    string? MaskPayload(string payload);
}
