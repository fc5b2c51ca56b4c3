using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IntegrationHub.Http;
using Json.Schema;

namespace IntegrationHub.Catalog;

/// <summary>
/// A JSON Schema compiled once into plain checks that answer one question: is this instance valid? JsonSchema.Net builds
/// an evaluation tree for every instance (about 170 KB and 200 µs for one application); almost every submission is valid,
/// so that question is answered here, and an instance found invalid is evaluated by JsonSchema.Net, which words the errors.
/// Every error message therefore stays JsonSchema.Net's. Only the keywords the hub's schemas use are understood: a schema
/// with any other keyword does not compile (null), and its instances always go to JsonSchema.Net. Where this reads a value
/// differently from JsonSchema.Net it must only ever say "invalid" (the slow path then decides); a test compares the two
/// on generated applications.
/// </summary>
internal static class SchemaCheck
{
    private static readonly Func<JsonNode?, bool> Always = static _ => true;
    private static readonly Func<JsonNode?, bool> Never = static _ => false;

    /// <summary>The compiled check of <paramref name="schema"/>, or null when it uses a keyword this does not understand.</summary>
    public static Func<JsonNode?, bool>? TryCompile(JsonElement schema)
    {
        try
        {
            return Compile(schema);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static Func<JsonNode?, bool> Compile(JsonElement schema)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return Always;
            case JsonValueKind.False:
                return Never;
            case not JsonValueKind.Object:
                throw new NotSupportedException("A schema is an object or a boolean.");
        }

        var checks = new List<Func<JsonNode?, bool>>();
        FrozenDictionary<string, Func<JsonNode?, bool>>? properties = null;
        Func<JsonNode?, bool>? additional = null;
        foreach (var keyword in schema.EnumerateObject())
        {
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case "$schema" or "$id" or "$comment" or "title" or "description" or "then" or "else":
                    break;
                case var annotation when annotation.StartsWith("x-", StringComparison.Ordinal):
                    break;
                case "type":
                    checks.Add(Type(value));
                    break;
                case "const":
                    checks.Add(Const(value));
                    break;
                case "oneOf":
                    checks.Add(OneOf(value));
                    break;
                case "allOf":
                    var all = value.EnumerateArray().Select(Compile).ToArray();
                    checks.Add(node => All(all, node));
                    break;
                case "if":
                    checks.Add(IfThenElse(Compile(value), Optional(schema, "then"), Optional(schema, "else")));
                    break;
                case "properties":
                    properties = value.EnumerateObject().ToFrozenDictionary(p => p.Name, p => Compile(p.Value), StringComparer.Ordinal);
                    break;
                case "additionalProperties":
                    additional = Compile(value);
                    break;
                case "required":
                    var required = value.EnumerateArray().Select(r => r.GetString()!).ToArray();
                    checks.Add(node => node is not JsonObject json || HasAll(json, required));
                    break;
                case "minLength":
                    var minLength = value.GetInt32();
                    checks.Add(node => Text(node) is not { } text || TextElements(text) >= minLength);
                    break;
                case "maxLength":
                    var maxLength = value.GetInt32();
                    checks.Add(node => Text(node) is not { } text || TextElements(text) <= maxLength);
                    break;
                case "pattern":
                    var pattern = new Regex(value.GetString()!, RegexOptions.Compiled, TimeSpan.FromSeconds(1));
                    checks.Add(node => Text(node) is not { } text || pattern.IsMatch(text));
                    break;
                case "format":
                    // JsonSchema.Net's own format predicates: a date the library refuses is refused here too.
                    var format = value.GetString() switch
                    {
                        "date" => Formats.Date,
                        "date-time" => Formats.DateTime,
                        var other => throw new NotSupportedException($"format {other}"),
                    };
                    checks.Add(node => format.Validate(node, out _));
                    break;
                case "minimum":
                    checks.Add(Number(value, static (number, bound) => number >= bound));
                    break;
                case "maximum":
                    checks.Add(Number(value, static (number, bound) => number <= bound));
                    break;
                case "exclusiveMinimum":
                    checks.Add(Number(value, static (number, bound) => number > bound));
                    break;
                case "exclusiveMaximum":
                    checks.Add(Number(value, static (number, bound) => number < bound));
                    break;
                case "multipleOf":
                    checks.Add(Number(value, static (number, divisor) => number % divisor == 0));
                    break;
                case "items" when value.ValueKind is JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False:
                    var item = Compile(value);
                    checks.Add(node => node is not JsonArray array || EveryItem(array, item));
                    break;
                case "minItems":
                    var minItems = value.GetInt32();
                    checks.Add(node => node is not JsonArray array || array.Count >= minItems);
                    break;
                case "maxItems":
                    var maxItems = value.GetInt32();
                    checks.Add(node => node is not JsonArray array || array.Count <= maxItems);
                    break;
                case "uniqueItems":
                    if (value.GetBoolean())
                    {
                        checks.Add(static node => node is not JsonArray array || DistinctTexts(array));
                    }

                    break;
                default:
                    throw new NotSupportedException($"keyword {keyword.Name}");
            }
        }

        if (properties is not null || additional is not null)
        {
            checks.Add(Properties(properties ?? FrozenDictionary<string, Func<JsonNode?, bool>>.Empty, additional));
        }

        var compiled = checks.ToArray();
        return compiled.Length switch
        {
            0 => Always,
            1 => compiled[0],
            _ => node => All(compiled, node),
        };
    }

    // Loops, not LINQ: a lambda over the instance would be a new closure for every instance checked.
    private static bool All(Func<JsonNode?, bool>[] checks, JsonNode? node)
    {
        foreach (var check in checks)
        {
            if (!check(node))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasAll(JsonObject json, string[] names)
    {
        foreach (var name in names)
        {
            if (!json.ContainsKey(name))
            {
                return false;
            }
        }

        return true;
    }

    private static bool EveryItem(JsonArray array, Func<JsonNode?, bool> check)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (!check(array[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static Func<JsonNode?, bool>? Optional(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) ? Compile(value) : null;

    private static Func<JsonNode?, bool> IfThenElse(Func<JsonNode?, bool> condition, Func<JsonNode?, bool>? then, Func<JsonNode?, bool>? otherwise) =>
        node => condition(node) ? then?.Invoke(node) ?? true : otherwise?.Invoke(node) ?? true;

    private static Func<JsonNode?, bool> Properties(FrozenDictionary<string, Func<JsonNode?, bool>> properties, Func<JsonNode?, bool>? additional) =>
        node =>
        {
            if (node is not JsonObject json)
            {
                return true;
            }

            foreach (var (name, value) in json)
            {
                var check = properties.GetValueOrDefault(name) ?? additional;
                if (check is not null && !check(value))
                {
                    return false;
                }
            }

            return true;
        };

    private static Func<JsonNode?, bool> Type(JsonElement type)
    {
        var kinds = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
        if (kinds.Any(k => k is not ("string" or "object" or "array" or "number" or "integer" or "boolean" or "null")))
        {
            throw new NotSupportedException($"type {type}");
        }

        return node =>
        {
            foreach (var kind in kinds)
            {
                if (IsOfType(node, kind))
                {
                    return true;
                }
            }

            return false;
        };
    }

    private static bool IsOfType(JsonNode? node, string kind) => (kind, node) switch
    {
        ("object", JsonObject) or ("array", JsonArray) => true,
        ("null", null) => true,
        (_, JsonValue value) => (kind, value.GetValueKind()) switch
        {
            ("string", JsonValueKind.String) or ("number", JsonValueKind.Number) or ("null", JsonValueKind.Null) => true,
            ("boolean", JsonValueKind.True or JsonValueKind.False) => true,
            ("integer", JsonValueKind.Number) => JsonNumber.TryDecimal(value, out var number) && number == decimal.Truncate(number),
            _ => false,
        },
        _ => false,
    };

    // A string or number constant; JsonSchema.Net compares numbers by value (1 equals 1.0).
    private static Func<JsonNode?, bool> Const(JsonElement constant) => constant.ValueKind switch
    {
        JsonValueKind.String when constant.GetString() is { } text => node => Text(node) == text,
        JsonValueKind.Number when constant.TryGetDecimal(out var number) => node => Decimal(node) == number,
        _ => throw new NotSupportedException($"const {constant}"),
    };

    // A oneOf of distinct string constants (a code table) is a set lookup; any other oneOf counts the branches that hold.
    private static Func<JsonNode?, bool> OneOf(JsonElement branches)
    {
        var codes = branches.EnumerateArray()
            .Select(b => b.ValueKind == JsonValueKind.Object && b.TryGetProperty("const", out var c) && c.ValueKind == JsonValueKind.String
                && b.EnumerateObject().All(p => p.Name is "const" or "title" or "description") ? c.GetString() : null)
            .ToList();
        if (codes.Count > 0 && codes.All(c => c is not null) && codes.Distinct(StringComparer.Ordinal).Count() == codes.Count)
        {
            var set = codes.ToFrozenSet(StringComparer.Ordinal);
            return node => Text(node) is { } text && set.Contains(text);
        }

        var checks = branches.EnumerateArray().Select(Compile).ToArray();
        return node =>
        {
            var holding = 0;
            foreach (var check in checks)
            {
                if (check(node) && ++holding > 1)
                {
                    return false;
                }
            }

            return holding == 1;
        };
    }

    // A number keyword ignores everything but numbers; a number this cannot read as a decimal is left to JsonSchema.Net.
    private static Func<JsonNode?, bool> Number(JsonElement keyword, Func<decimal, decimal, bool> holds)
    {
        var bound = keyword.GetDecimal();
        return node =>
        {
            if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
            {
                return true;
            }

            try
            {
                return JsonNumber.TryDecimal(value, out var number) && holds(number, bound);
            }
            catch (OverflowException)
            {
                return false;
            }
        };
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static decimal? Decimal(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && JsonNumber.TryDecimal(value, out var number) ? number : null;

    // JsonSchema.Net counts a string's length in text elements (a base character with its combining marks is one).
    private static int TextElements(string text)
    {
        var count = 0;
        for (var rest = text.AsSpan(); !rest.IsEmpty; rest = rest[StringInfo.GetNextTextElementLength(rest)..])
        {
            count++;
        }

        return count;
    }

    // Only arrays of strings are judged here (the hub's unique lists are lists of codes); anything else goes to JsonSchema.Net.
    private static bool DistinctTexts(JsonArray array)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (Text(array[i]) is not { } text)
            {
                return false;
            }

            for (var j = 0; j < i; j++)
            {
                if (Text(array[j]) == text)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
