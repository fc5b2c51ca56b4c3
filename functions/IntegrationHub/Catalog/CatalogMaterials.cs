using System.Collections.Frozen;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;

namespace IntegrationHub.Catalog;

/// <summary>
/// The electronic materials of the online items (Catalog/Materials.json), with the departments' type and size limits
/// (公安 v2.2, 房管 v2.3, 人社 v3.1) and the hub's own page and pixel limits, and the rule that says which of them an
/// application must carry.
/// </summary>
internal static class CatalogMaterials
{
    public const string Required = "required";
    public const string Conditional = "conditional";
    public const string Optional = "optional";

    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string Pdf = "application/pdf";

    /// <summary>The largest size any department takes (房管's 10 MiB): what an upload may be before its code is known.</summary>
    public const long LargestBytes = 10 * 1024 * 1024;

    // Assumption: no department document limits pages or pixels. The hub bounds them so a small file cannot make the hub
    // (or a department) render a huge image or walk an endless PDF: 50 pages is more than any proof here needs, and
    // 50 million pixels takes an A4 page scanned at 600 dpi (about 35 million).
    public const int MaxPages = 50;
    public const long MaxPixels = 50_000_000;

    private static readonly string[] MediaTypes = [Jpeg, Png, Pdf];

    private static readonly FrozenDictionary<string, long> DepartmentMaxBytes = new Dictionary<string, long>
    {
        ["GA"] = 5_242_880,
        ["RS"] = 5_242_880,
        ["FG"] = LargestBytes,
    }.ToFrozenDictionary();

    /// <summary>The item's materials from the catalog file's node for it (null when it takes none).</summary>
    internal static IReadOnlyList<ItemMaterial> Parse(string itemCode, string department, JsonNode? node)
    {
        if (node is null)
        {
            return [];
        }

        var maxBytes = DepartmentMaxBytes.TryGetValue(department, out var limit)
            ? limit
            : throw new InvalidOperationException($"Item {itemCode} has materials, but department {department} takes none.");
        return [.. node.AsArray().Select(m =>
        {
            var when = m!["requiredWhen"] is JsonObject w
                ? new MaterialCondition(w["field"]!.GetValue<string>(), [.. w["in"]!.AsArray().Select(v => v!.GetValue<string>())],
                    w["except"]?.GetValue<bool>() ?? false)
                : null;
            var requirement = when is not null ? Conditional : m["optional"]?.GetValue<bool>() == true ? Optional : Required;
            return new ItemMaterial(m["code"]!.GetValue<string>(), m["name"]!.GetValue<string>(), requirement, when, MediaTypes, maxBytes, MaxPages, MaxPixels);
        })];
    }

    /// <summary>Whether a conditional material's condition holds for this form.</summary>
    public static bool Holds(MaterialCondition condition, JsonObject form)
    {
        var value = form[condition.Field] is JsonValue v && v.TryGetValue(out string? text) ? text : null;
        return condition.In.Contains(value) != condition.Except;
    }

    /// <summary>Whether the form makes the material required (conditional: its condition holds).</summary>
    public static bool IsWanted(ItemMaterial material, JsonObject form) => material.Requirement switch
    {
        Required => true,
        Conditional => Holds(material.RequiredWhen!, form),
        _ => false,
    };

    /// <summary>Whether the material may be sent with this form: wanted, optional, never a conditional one whose condition fails.</summary>
    public static bool IsTaken(ItemMaterial material, JsonObject form) =>
        material.Requirement == Optional || IsWanted(material, form);

    /// <summary>A sentence for the resident: when the material is required.</summary>
    public static string WhenRequired(ItemMaterial material) => material.RequiredWhen is { } c
        ? $"is required exactly when form.{c.Field} is {(c.Except ? "none of" : "one of")} {string.Join(", ", c.In)}"
        : material.Requirement == Required ? "is required" : "is optional";
}
