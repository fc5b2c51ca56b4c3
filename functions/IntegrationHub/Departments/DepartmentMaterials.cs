using System.Collections.Frozen;

namespace IntegrationHub.Departments;

/// <summary>
/// One department's material codes: which of the hub's catalog codes each item takes and what the department calls
/// them, both ways, and the file types every department takes (JPEG, PNG, PDF). The tables are the departments'; the
/// lookups are the same for all three.
/// </summary>
internal sealed class DepartmentMaterials
{
    private static readonly FrozenDictionary<string, string> FileTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = "jpg",
        ["image/png"] = "png",
        ["application/pdf"] = "pdf",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _items;
    private readonly FrozenDictionary<string, string> _hubCodes;

    /// <param name="items">Per item code, the hub's material codes and the department's code for each.</param>
    public DepartmentMaterials(IReadOnlyDictionary<string, (string Hub, string Department)[]> items)
    {
        _items = items.ToFrozenDictionary(
            item => item.Key,
            item => item.Value.ToFrozenDictionary(c => c.Hub, c => c.Department, StringComparer.Ordinal),
            StringComparer.OrdinalIgnoreCase);
        _hubCodes = items.Values.SelectMany(codes => codes).DistinctBy(c => c.Department)
            .ToFrozenDictionary(c => c.Department, c => c.Hub, StringComparer.Ordinal);
    }

    /// <summary>The department's code for <paramref name="hubCode"/> of <paramref name="itemCode"/>, or null when the item does not take it.</summary>
    public string? DepartmentCode(string itemCode, string hubCode) => _items.GetValueOrDefault(itemCode)?.GetValueOrDefault(hubCode);

    /// <summary>
    /// The hub's codes for the department's codes of a supplement request (BZCL, missing), each once.
    /// </summary>
    // Assumption: a department code the hub does not know is left out (the resident could not upload it, and the catalog
    // has no name for it); the department's reason text, which says in words what is missing, still reaches the resident.
    public IReadOnlyList<string> ToHub(IEnumerable<string> departmentCodes) =>
        [.. departmentCodes.Select(code => _hubCodes.GetValueOrDefault(code.Trim())).OfType<string>().Distinct()];

    /// <summary>The hub's codes for a comma-separated list of the department's (may be null or empty).</summary>
    public IReadOnlyList<string> ToHub(string? departmentCodes) =>
        string.IsNullOrWhiteSpace(departmentCodes) ? [] : ToHub(departmentCodes.Split(',', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The type of a file every department takes, as a short name (jpg, png, pdf); null for any other.</summary>
    public static string? FileType(string mediaType) => FileTypes.GetValueOrDefault(mediaType);
}
