using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IntegrationHub.Privacy;

/// <summary>
/// Which members of a JSON document carry personal data, declared by path: <c>applicant.id_card_no</c>,
/// <c>household_members[].name</c> (<c>[]</c> stands for every element of an array). Masking walks the document
/// and masks what sits at a declared path, so a value is found by where it is, never by searching for it.
/// </summary>
internal sealed class PersonalJson
{
    private static readonly JsonDocumentOptions ReadOptions = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    private readonly FrozenDictionary<string, PersonalKind> _paths;

    public PersonalJson(IEnumerable<KeyValuePair<string, PersonalKind>> paths) =>
        _paths = paths.ToFrozenDictionary(StringComparer.Ordinal);

    public static PersonalJson Empty { get; } = new([]);

    public IReadOnlyDictionary<string, PersonalKind> Paths => _paths;

    /// <summary>The same declaration for a document nested under <paramref name="property"/>.</summary>
    public PersonalJson Under(string property) => new(_paths.Select(p => KeyValuePair.Create($"{property}.{p.Key}", p.Value)));

    /// <summary>Every personal value in <paramref name="document"/>, at its concrete path (<c>tenants[1].name</c>).</summary>
    public IReadOnlyList<PersonalValue> Values(JsonNode? document)
    {
        var found = new List<PersonalValue>();
        Walk(document, "", "", null, (_, path, kind, text) =>
        {
            if (kind is { } k)
            {
                found.Add(new PersonalValue(path, k, text));
            }

            return null;
        });
        return found;
    }

    /// <summary>
    /// A copy of <paramref name="document"/> with every declared value masked (a number becomes its masked text) and
    /// anything shaped like an ID or mobile number masked in the other strings.
    /// </summary>
    public JsonNode? Mask(JsonNode? document)
    {
        var copy = document?.DeepClone();
        if (copy is JsonValue)
        {
            // A bare value has no path to declare; only the safety net applies.
            return copy.GetValueKind() == JsonValueKind.String ? JsonValue.Create(PersonalKinds.MaskShapes(copy.GetValue<string>())) : copy;
        }

        Walk(copy, "", "", null, (value, _, kind, text) => kind is { } k
            ? k.Mask(text)
            : value.GetValueKind() == JsonValueKind.String && PersonalKinds.MaskShapes(text) is var shaped && shaped != text ? shaped : null);
        return copy;
    }

    /// <summary>A JSON text, masked; null when it is not JSON (then nothing in it can be known to be masked).</summary>
    public string? MaskText(string json)
    {
        JsonNode? document;
        try
        {
            document = Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }

        return Mask(document)?.ToJsonString(PayloadJson.Options) ?? "null";
    }

    /// <summary>Parses strictly: a duplicate member would make "the" value at a path ambiguous.</summary>
    public static JsonNode? Parse(string json) => JsonNode.Parse(json, documentOptions: ReadOptions);

    /// <summary>
    /// Visits every leaf value with its shape path (<c>a.b[].c</c>), concrete path (<c>a.b[2].c</c>) and declared kind;
    /// a non-null answer replaces the value. A container at a declared path makes every leaf under it that kind, so a
    /// department nesting a declared value one level deeper still has it masked.
    /// </summary>
    private void Walk(JsonNode? node, string shape, string path, PersonalKind? inherited, Func<JsonValue, string, PersonalKind?, string, string?> visit)
    {
        var kind = inherited ?? (shape.Length > 0 && _paths.TryGetValue(shape, out var declared) ? declared : null);
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var child = obj[key];
                    var childShape = shape.Length == 0 ? key : $"{shape}.{key}";
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    if (child is JsonValue value)
                    {
                        if (Visit(value, childShape, childPath, kind, visit) is { } replacement)
                        {
                            obj[key] = JsonValue.Create(replacement);
                        }
                    }
                    else
                    {
                        Walk(child, childShape, childPath, kind, visit);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var childPath = $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]";
                    if (array[i] is JsonValue value)
                    {
                        if (Visit(value, shape + "[]", childPath, kind, visit) is { } replacement)
                        {
                            array[i] = JsonValue.Create(replacement);
                        }
                    }
                    else
                    {
                        Walk(array[i], shape + "[]", childPath, kind, visit);
                    }
                }

                break;
        }
    }

    private string? Visit(JsonValue value, string shape, string path, PersonalKind? inherited, Func<JsonValue, string, PersonalKind?, string, string?> visit)
    {
        var text = value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Null => null,
            _ => value.ToJsonString(),
        };
        if (text is null)
        {
            return null;
        }

        var kind = inherited ?? (_paths.TryGetValue(shape, out var declared) ? declared : null);
        return visit(value, path, kind, text);
    }
}
