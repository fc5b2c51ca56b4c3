using System.Globalization;
using System.Text.Json.Nodes;
using IntegrationHub.Departments;
using IntegrationHub.Privacy;

namespace IntegrationHub.Handoff;

/// <summary>
/// Masks what the timeline keeps of a department exchange by the department's own declaration of its personal elements
/// (<see cref="IDepartmentPersonalData"/>): the payload is parsed and walked, so a value is masked where it sits whatever
/// serialisation did to it (escaping, line endings), and nothing is found by searching for the resident's values.
/// </summary>
internal sealed class PayloadMasker(IEnumerable<IDepartmentPersonalData> departments)
{
    private readonly Dictionary<string, IDepartmentPersonalData> _departments = departments.ToDictionary(d => d.Department);

    /// <summary>The payload masked; a payload that is not the department's format is withheld, since nothing in it can be known to be masked.</summary>
    public string? Mask(string department, string? payload)
    {
        if (payload is null)
        {
            return null;
        }

        return _departments.TryGetValue(department, out var declared) && declared.MaskPayload(payload) is { } masked
            ? masked
            : string.Create(CultureInfo.InvariantCulture, $"(withheld: {payload.Length} characters that are not {department}'s format, so they cannot be masked)");
    }

    /// <summary>The personal members of an instant result, as the department's adapter passes it on.</summary>
    public PersonalJson Result(string department) =>
        _departments.TryGetValue(department, out var declared) ? declared.Result : PersonalJson.Empty;

    public JsonNode? MaskResult(string department, JsonObject? result) => result is null ? null : Result(department).Mask(result);
}
