using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;

namespace IntegrationHub.Catalog;

/// <summary>
/// The city's 65 items with their guides and (online items) form schemas, loaded once from the
/// resources embedded in this assembly. The data is static, so it is checked completely at start.
/// </summary>
internal sealed class ServiceCatalog
{
    private static readonly FrozenDictionary<string, string> DepartmentNames = new Dictionary<string, string>
    {
        ["GA"] = "公安",
        ["FG"] = "房管",
        ["RS"] = "人社",
        ["MZ"] = "民政",
        ["CL"] = "残联",
        ["WJ"] = "卫计委",
    }.ToFrozenDictionary();

    private readonly FrozenDictionary<string, CatalogEntry> _byCode;

    private ServiceCatalog(IReadOnlyList<CatalogEntry> entries, JsonElement applicantSchema, LocalFacts facts)
    {
        Entries = entries;
        ApplicantSchema = applicantSchema;
        Facts = facts;
        _byCode = entries.ToFrozenDictionary(e => e.Item.Code, StringComparer.OrdinalIgnoreCase);
    }

    internal IReadOnlyList<CatalogEntry> Entries { get; }

    internal JsonElement ApplicantSchema { get; }

    internal LocalFacts Facts { get; }

    public static IReadOnlyCollection<string> DepartmentCodes => DepartmentNames.Keys;

    /// <summary>The department's short Chinese name (公安 for GA); the code itself when it is not one of the catalog's.</summary>
    public static string DepartmentName(string code) => DepartmentNames.GetValueOrDefault(code, code);

    internal CatalogEntry? Find(string code) => _byCode.GetValueOrDefault(code);

    public static ServiceCatalog LoadEmbedded()
    {
        var assembly = typeof(ServiceCatalog).Assembly;
        var applicantSchema = ReadJson(assembly, "catalog/forms/applicant.schema.json")
            ?? throw new InvalidOperationException("The applicant schema is missing.");
        var facts = LocalFacts.Parse(ReadText(assembly, "catalog/localfacts.json")
            ?? throw new InvalidOperationException("The local facts are missing."));
        var materials = JsonNode.Parse(ReadText(assembly, "catalog/materials.json")
            ?? throw new InvalidOperationException("The materials file is missing."))!.AsObject();
        var entries = new List<CatalogEntry>();
        foreach (var row in CatalogCsv.Parse(ReadText(assembly, "catalog/catalog.csv")
            ?? throw new InvalidOperationException("catalog.csv is missing.")))
        {
            var item = new ServiceItemSummary(row.Code, row.NameZh, row.NameEn, row.Department,
                DepartmentNames.TryGetValue(row.Department, out var name)
                    ? name
                    : throw new InvalidOperationException($"Item {row.Code} names unknown department {row.Department}."),
                row.Online, row.Description);
            var guideText = ReadText(assembly, $"catalog/guides/{row.Code}.json")
                ?? throw new InvalidOperationException($"Item {row.Code} has no procedure guide.");
            var guide = facts.Resolve(row.Code, JsonNode.Parse(guideText)!).Deserialize(HubJsonContext.Default.ProcedureGuide)
                ?? throw new InvalidOperationException($"Item {row.Code} has an empty procedure guide.");
            var form = ReadJson(assembly, $"catalog/forms/{row.Code}.schema.json");
            if (row.Online != form.HasValue)
            {
                throw new InvalidOperationException(row.Online
                    ? $"Online item {row.Code} has no form schema."
                    : $"Guide-only item {row.Code} must not have a form schema.");
            }

            if (!row.Online && materials.ContainsKey(row.Code))
            {
                throw new InvalidOperationException($"Guide-only item {row.Code} must not list electronic materials.");
            }

            entries.Add(new CatalogEntry(item, guide, form, CatalogMaterials.Parse(row.Code, row.Department, materials[row.Code])));
        }

        if (materials.Select(m => m.Key).FirstOrDefault(k => !k.StartsWith('$') && !entries.Any(e => e.Item.Code == k)) is { } unknown)
        {
            throw new InvalidOperationException($"Materials.json lists materials for unknown item {unknown}.");
        }

        return new ServiceCatalog(entries, applicantSchema, facts);
    }

    /// <summary>
    /// The realistic, valid sample of an online item's form (or of the <c>applicant</c> part) from Catalog/FormSamples, the
    /// same one the tests submit; the OpenAPI document's examples are these.
    /// </summary>
    internal static JsonObject ValidSample(string name) =>
        JsonNode.Parse(ReadText(typeof(ServiceCatalog).Assembly, $"catalog/samples/{name}.json")
            ?? throw new InvalidOperationException($"Catalog/FormSamples/{name}.json is missing: every online item has a realistic sample."))!["valid"]!.AsObject();

    private static string? ReadText(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static JsonElement? ReadJson(Assembly assembly, string name)
    {
        var text = ReadText(assembly, name);
        return text is null ? null : JsonDocument.Parse(text).RootElement.Clone();
    }
}

internal sealed record CatalogEntry(ServiceItemSummary Item, ProcedureGuide Guide, JsonElement? FormSchema, IReadOnlyList<ItemMaterial> Materials)
{
    public ItemMaterial? Material(string code) => Materials.FirstOrDefault(m => m.Code == code);
}
