using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using IntegrationHub.Contracts;

namespace IntegrationHub.Communities;

/// <summary>
/// The communities that take residents' suggestions, loaded once from <c>Catalog/communities.json</c> (format in
/// docs/community-format.md) and checked completely at start: a bad registry stops the hub, naming the entry and rule.
/// </summary>
internal sealed partial class CommunityRegistry
{
    public const string Resource = "catalog/communities.json";

    /// <summary>Every field a <c>sampleData</c> entry may name.</summary>
    private static readonly FrozenSet<string> SampleFields = FrozenSet.ToFrozenSet(
        ["code", "name", "district", "street", "serviceHall", "serviceHall.address", "serviceHall.openingHours", "serviceHall.counters"]);


    private readonly FrozenDictionary<string, Community> _byCode;

    private CommunityRegistry(IReadOnlyList<Community> communities)
    {
        All = communities;
        _byCode = communities.ToFrozenDictionary(c => c.Code, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<Community> All { get; }

    public Community? Find(string? code) => code is null ? null : _byCode.GetValueOrDefault(code.Trim());

    /// <summary>The communities of one street, for its supervisor.</summary>
    public IEnumerable<Community> OfStreet(string streetCode) =>
        All.Where(c => string.Equals(c.Street.Code, streetCode, StringComparison.OrdinalIgnoreCase));

    public static CommunityRegistry LoadEmbedded()
    {
        var assembly = typeof(CommunityRegistry).Assembly;
        using var stream = assembly.GetManifestResourceStream(Resource) ?? throw new InvalidOperationException($"{Resource} is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), Districts(assembly));
    }

    /// <summary>Parses and checks a registry; <paramref name="districts"/> maps GB/T 2260 codes to names.</summary>
    public static CommunityRegistry Parse(string json, IReadOnlyDictionary<string, string> districts)
    {
        List<Community> communities;
        try
        {
            communities = JsonSerializer.Deserialize(json, CommunityJsonContext.Default.ListCommunity)
                ?? throw new InvalidOperationException("communities.json is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"communities.json is not in the documented format: {e.Message}", e);
        }

        var faults = new List<string>();
        for (var i = 0; i < communities.Count; i++)
        {
            faults.AddRange(Check(communities[i], districts).Select(f => $"communities.json [{i}] {communities[i]?.Code}: {f}"));
        }

        faults.AddRange(communities.GroupBy(c => c.Code, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1)
            .Select(g => $"communities.json: code {g.Key} is used {g.Count()} times."));
        return faults.Count == 0 ? new CommunityRegistry(communities) : throw new InvalidOperationException(string.Join(Environment.NewLine, faults));
    }

    private static IEnumerable<string> Check(Community? c, IReadOnlyDictionary<string, string> districts)
    {
        if (c is null || c.District is null || c.Street is null || c.ServiceHall is null || c.SampleData is null || c.Name is null || c.Source is null)
        {
            yield return "code, name, district, street, serviceHall, sampleData and source are all required.";
            yield break;
        }

        if (!CodePattern().IsMatch(c.Code ?? ""))
        {
            yield return "code must be 3-32 capital letters, digits and '-', starting with a letter or digit.";
        }

        if (c.Name.Trim().Length is 0 or > 50)
        {
            yield return "name must be 1-50 characters.";
        }

        if (!districts.TryGetValue(c.District.Code ?? "", out var district) || district != c.District.Name)
        {
            yield return $"district {c.District.Code} {c.District.Name} is not a GB/T 2260 district of the city (Catalog/CodeTables/district.json).";
        }

        if (!CodePattern().IsMatch(c.Street.Code ?? "") || string.IsNullOrWhiteSpace(c.Street.Name))
        {
            yield return "street needs a code (as for community codes) and a name.";
        }

        if (string.IsNullOrWhiteSpace(c.ServiceHall.Address) || c.ServiceHall.Counters is < 1 or > 100)
        {
            yield return "serviceHall needs an address and 1-100 counters.";
        }

        foreach (var hours in c.ServiceHall.OpeningHours ?? [])
        {
            if (hours.Days is not { Count: > 0 } days || days.Any(d => d is < 1 or > 7)
                || !TimeOnly.TryParseExact(hours.Opens, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var opens)
                || !TimeOnly.TryParseExact(hours.Closes, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var closes)
                || closes <= opens)
            {
                yield return "each openingHours entry needs days 1-7 and opens < closes as HH:mm.";
            }
        }

        foreach (var field in c.SampleData.Where(f => !SampleFields.Contains(f)))
        {
            yield return $"sampleData names '{field}', which is not one of {string.Join(", ", SampleFields.Order(StringComparer.Ordinal))}.";
        }

        if (string.IsNullOrWhiteSpace(c.Source))
        {
            yield return "source must say where the known facts come from.";
        }
    }

    private static Dictionary<string, string> Districts(System.Reflection.Assembly assembly)
    {
        using var stream = assembly.GetManifestResourceStream("catalog/codetables/district.json")
            ?? throw new InvalidOperationException("The district code table is missing.");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("code").GetString()!, e => e.GetProperty("label").GetString()!);
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{2,31}$")]
    private static partial Regex CodePattern();
}

/// <summary>The registry file as written: every property known and present (docs/community-format.md).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(List<Community>))]
internal sealed partial class CommunityJsonContext : JsonSerializerContext;
