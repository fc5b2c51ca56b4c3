using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IntegrationHub.Contracts;

namespace IntegrationHub.Catalog;

/// <summary>
/// The Xuzhou facts the guides rely on (hotline, amounts, thresholds, places), each kept once with its source and
/// date. A guide names a known fact as <c>{{id}}</c> in its text, so the figure lives in one place; it lists every
/// fact it depends on, known or not, in <c>localFacts</c>, and the served guide carries those facts in full.
/// </summary>
internal sealed partial class LocalFacts
{
    private readonly FrozenDictionary<string, LocalFact> _byId;

    private LocalFacts(FrozenDictionary<string, LocalFact> byId) => _byId = byId;

    public IReadOnlyCollection<LocalFact> All => _byId.Values;

    public static LocalFacts Parse(string json)
    {
        var facts = new Dictionary<string, LocalFact>(StringComparer.Ordinal);
        foreach (var node in JsonNode.Parse(json)!.AsArray())
        {
            var fact = node.Deserialize(HubJsonContext.Default.LocalFact)
                ?? throw new InvalidOperationException("A local fact is empty.");
            Check(fact);
            if (!facts.TryAdd(fact.Id, fact))
            {
                throw new InvalidOperationException($"Local fact '{fact.Id}' is listed twice.");
            }
        }

        // A fact may say whom to ask by naming another known fact (the hotline); the number still lives in one place.
        var expanded = facts.Values.Select(f => f with
        {
            AskAt = f.AskAt is null ? null : Placeholder().Replace(f.AskAt, m => KnownValue(facts, f.Id, m.Groups[1].Value)),
        });
        return new LocalFacts(expanded.ToFrozenDictionary(f => f.Id, StringComparer.Ordinal));
    }

    /// <summary>Puts the known facts into the guide's text and replaces its fact ids by the facts themselves.</summary>
    public JsonNode Resolve(string itemCode, JsonNode guide)
    {
        var used = new SortedSet<string>(StringComparer.Ordinal);
        Expand(itemCode, guide, used);
        if (guide["localFacts"] is JsonArray listed)
        {
            foreach (var id in listed)
            {
                var name = id!.GetValue<string>();
                used.Add(_byId.ContainsKey(name)
                    ? name
                    : throw new InvalidOperationException($"Guide {itemCode} lists unknown local fact '{name}'."));
            }
        }

        guide["localFacts"] = new JsonArray([.. used.Select(id => JsonSerializer.SerializeToNode(_byId[id], HubJsonContext.Default.LocalFact))]);
        return guide;
    }

    private void Expand(string itemCode, JsonNode node, ISet<string> used)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        obj[name] = Expand(itemCode, text, used);
                    }
                    else if (child is not null)
                    {
                        Expand(itemCode, child, used);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        array[i] = Expand(itemCode, text, used);
                    }
                    else if (array[i] is { } child)
                    {
                        Expand(itemCode, child, used);
                    }
                }

                break;
        }
    }

    private string Expand(string itemCode, string text, ISet<string> used) =>
        Placeholder().Replace(text, match =>
        {
            var id = match.Groups[1].Value;
            if (!_byId.TryGetValue(id, out var fact))
            {
                throw new InvalidOperationException($"Guide {itemCode} names unknown local fact '{id}'.");
            }

            // Only a figure the hub knows may stand in a sentence; an unknown one is listed and the guide says whom to ask.
            used.Add(id);
            return fact.Value ?? throw new InvalidOperationException(
                $"Guide {itemCode} puts local fact '{id}' in its text, but its value is not known here.");
        });

    private static string KnownValue(Dictionary<string, LocalFact> facts, string from, string id) =>
        facts.TryGetValue(id, out var fact) && fact.Value is not null
            ? fact.Value
            : throw new InvalidOperationException($"Local fact '{from}' names '{id}', which is not a known fact.");

    private static void Check(LocalFact fact)
    {
        if (string.IsNullOrWhiteSpace(fact.Id) || string.IsNullOrWhiteSpace(fact.Subject))
        {
            throw new InvalidOperationException("Every local fact needs an id and a subject.");
        }

        if (fact.Value is not null && (string.IsNullOrWhiteSpace(fact.Source) || !IsDate(fact.AsOf)))
        {
            throw new InvalidOperationException($"Local fact '{fact.Id}' has a value but no source or no yyyy-MM-dd date.");
        }

        if (fact.Value is null && string.IsNullOrWhiteSpace(fact.AskAt))
        {
            throw new InvalidOperationException($"Local fact '{fact.Id}' is not known here and does not say whom to ask.");
        }
    }

    private static bool IsDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    [GeneratedRegex(@"\{\{([a-z0-9-]+)\}\}")]
    private static partial Regex Placeholder();
}
