using System.Globalization;
using System.Text.Json.Nodes;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Materials;
using IntegrationHub.Storage;

namespace IntegrationHub.Applications;

/// <summary>
/// A material an application carries: the hub's material, and once uploaded the department's file id (CLID, file_id),
/// kept so that no retry, replay or other instance uploads it again.
/// </summary>
internal sealed record HeldMaterial(string Code, string Id, string MediaType, long Size, string Sha256Hex, bool Supplement, string? DepartmentFileId);

/// <summary>
/// Issue 11's materials on an application: checked at the door against the item's rules (Catalog/Materials.json) and the
/// stored files, and kept in the application's row (<see cref="ApplicationEntity.Materials"/>).
/// </summary>
internal sealed class ApplicationMaterials(ServiceCatalog catalog, MaterialStore store)
{
    public const int MaxMaterials = 10;

    /// <summary>
    /// The materials of a new application, or the errors that refuse it: every wanted material present (conditions read from
    /// the form), none the form does not take, each a stored file of this platform uploaded for that code and within the
    /// department's limit. One blob properties read per material; none when there are none.
    /// </summary>
    public Task<(IReadOnlyList<HeldMaterial> Held, Dictionary<string, string[]> Errors)> ForApplicationAsync(
        string platform, string itemCode, JsonObject form, IReadOnlyList<MaterialInput> inputs, CancellationToken cancellationToken)
    {
        var entry = catalog.Find(itemCode)!;
        var errors = new Dictionary<string, string[]>();
        var missing = entry.Materials.Where(m => CatalogMaterials.IsWanted(m, form) && !inputs.Any(i => i.Code == m.Code)).ToList();
        if (missing.Count > 0)
        {
            errors["materials"] = [.. missing.Select(m => $"needs '{m.Code}' ({m.Name}): it {CatalogMaterials.WhenRequired(m)}.")];
        }

        return CheckAsync(platform, entry, inputs, m => CatalogMaterials.IsTaken(m, form)
            ? null
            : $"is not taken with this form: '{m.Code}' {CatalogMaterials.WhenRequired(m)}.", supplement: false, errors, cancellationToken);
    }

    /// <summary>The materials of a supplement: every code the department wants present, any other the item takes allowed.</summary>
    public Task<(IReadOnlyList<HeldMaterial> Held, Dictionary<string, string[]> Errors)> ForSupplementAsync(
        string platform, string itemCode, IReadOnlyList<string> wanted, IReadOnlyList<MaterialInput> inputs, CancellationToken cancellationToken)
    {
        var entry = catalog.Find(itemCode)!;
        var errors = new Dictionary<string, string[]>();
        var missing = wanted.Where(code => !inputs.Any(i => i.Code == code)).ToList();
        if (missing.Count > 0)
        {
            errors["materials"] = [.. missing.Select(code => $"needs '{code}' ({Name(itemCode, code)}): the department asked for it.")];
        }

        return CheckAsync(platform, entry, inputs, _ => null, supplement: true, errors, cancellationToken);
    }

    /// <summary>The Chinese name of an item's material (the code itself when the catalog does not know it).</summary>
    public string Name(string itemCode, string code) => catalog.Find(itemCode)?.Material(code)?.Name ?? code;

    /// <summary>The materials as the resident's status shows them: never their content.</summary>
    public IReadOnlyList<MaterialView> Views(ApplicationEntity application) =>
        [.. Read(application).Select(m => new MaterialView(m.Code, Name(application.ItemCode, m.Code), m.MediaType, m.Size, m.Supplement, m.DepartmentFileId is not null))];

    /// <summary>What a department's 补正 asks for, in the resident's terms; null when none was asked.</summary>
    public SupplementWanted? Wanted(ApplicationEntity application) => application.SupplementWanted is { } wanted
        ? new SupplementWanted([.. Codes(wanted).Select(c => new WantedMaterial(c, Name(application.ItemCode, c)))], application.SupplementNote,
            application.SupplementAnsweredAt is not null)
        : null;

    public static IReadOnlyList<string> Codes(string? list) =>
        string.IsNullOrEmpty(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static IReadOnlyList<HeldMaterial> Read(ApplicationEntity application)
    {
        if (string.IsNullOrEmpty(application.Materials))
        {
            return [];
        }

        return [.. JsonNode.Parse(application.Materials)!.AsArray().Select(n => new HeldMaterial(
            n!["code"]!.GetValue<string>(), n["id"]!.GetValue<string>(), n["type"]!.GetValue<string>(), n["size"]!.GetValue<long>(),
            n["sha256"]!.GetValue<string>(), n["supplement"]?.GetValue<bool>() ?? false, n["fileId"]?.GetValue<string>()))];
    }

    public static void Write(ApplicationEntity application, IEnumerable<HeldMaterial> materials)
    {
        var array = new JsonArray();
        foreach (var m in materials)
        {
            var node = new JsonObject { ["code"] = m.Code, ["id"] = m.Id, ["type"] = m.MediaType, ["size"] = m.Size, ["sha256"] = m.Sha256Hex };
            if (m.Supplement)
            {
                node["supplement"] = true;
            }

            if (m.DepartmentFileId is not null)
            {
                node["fileId"] = m.DepartmentFileId;
            }

            array.Add(node);
        }

        application.Materials = array.Count == 0 ? null : array.ToJsonString();
    }

    private async Task<(IReadOnlyList<HeldMaterial> Held, Dictionary<string, string[]> Errors)> CheckAsync(
        string platform, CatalogEntry entry, IReadOnlyList<MaterialInput> inputs, Func<ItemMaterial, string?> refusal, bool supplement,
        Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var held = new List<HeldMaterial>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"materials[{i}]");
            var input = inputs[i];
            if (entry.Material(input.Code) is not { } material)
            {
                errors[at + ".code"] = [entry.Materials.Count == 0
                    ? $"'{input.Code}' is not a material of {entry.Item.Code}: it takes none."
                    : $"'{input.Code}' is not a material of {entry.Item.Code} ({string.Join(", ", entry.Materials.Select(m => m.Code))})."];
                continue;
            }

            if (!seen.Add(input.Code))
            {
                errors[at + ".code"] = [$"'{input.Code}' is named twice: one file per material."];
                continue;
            }

            if (refusal(material) is { } refused)
            {
                errors[at + ".code"] = [refused];
                continue;
            }

            var stored = await store.FindAsync(input.MaterialId, cancellationToken);
            if (stored is null || stored.Platform != platform)
            {
                errors[at + ".materialId"] = [$"'{input.MaterialId}' is not a material this platform uploaded (POST /{Http.HubRoutes.Prefix}/{Http.HubRoutes.Materials})."];
            }
            else if (stored.Code != input.Code)
            {
                errors[at + ".materialId"] = [$"was uploaded as '{stored.Code}', not '{input.Code}'."];
            }
            else if (stored.Size > material.MaxBytes)
            {
                errors[at + ".materialId"] = [string.Create(CultureInfo.InvariantCulture, $"is {stored.Size} bytes; {entry.Item.DepartmentName} takes at most {material.MaxBytes} bytes for it.")];
            }
            else
            {
                held.Add(new HeldMaterial(stored.Code, stored.Id, stored.MediaType, stored.Size, stored.Sha256Hex, supplement, null));
            }
        }

        return (held, errors);
    }
}
