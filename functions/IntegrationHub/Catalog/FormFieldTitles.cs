using System.Text.Json;
using System.Text.Json.Nodes;

namespace IntegrationHub.Catalog;

/// <summary>One field of a submitted form as a person reads it: the schema's title, the value, and a code's meaning.</summary>
/// <param name="Field">The dotted path, as problems and reveals name it (<c>householdMembers[0].relation</c>).</param>
/// <param name="Title">The schema titles along the path (<c>家庭成员 (1) · 与申请人关系</c>).</param>
/// <param name="Value">The value as given (masked where personal); <c>是</c>/<c>否</c> for a yes-or-no field, as the forms word it.</param>
/// <param name="Meaning">For a code, the title the schema gives it (<c>04</c> → <c>就学</c>); otherwise none.</param>
internal sealed record FormFieldText(string Field, string Title, string? Value, string? Meaning);

/// <summary>
/// Reads a form through its item's schema in the catalog (Catalog/Forms/*.schema.json): each field's <c>title</c>, and
/// each code's meaning from the <c>oneOf</c> of <c>const</c> + <c>title</c> pairs the schemas describe codes with.
/// Nothing here is a copy of the schemas, so a new item or code shows up by itself.
/// </summary>
internal sealed class FormFieldTitles(ServiceCatalog catalog)
{
    public IReadOnlyList<FormFieldText> Describe(string itemCode, JsonNode? form)
    {
        var fields = new List<FormFieldText>();
        if (catalog.Find(itemCode)?.FormSchema is { } schema && form is JsonObject)
        {
            Walk(schema, form, "", "", fields);
        }

        return fields;
    }

    private static void Walk(JsonElement schema, JsonNode? value, string path, string title, List<FormFieldText> fields)
    {
        switch (value)
        {
            case JsonObject json:
                var properties = Property(schema, "properties");
                var declared = properties is { ValueKind: JsonValueKind.Object } p ? p.EnumerateObject().Select(x => x.Name).ToList() : [];

                // The schema's order first; a key it does not name (none pass validation) is still shown, never dropped.
                foreach (var name in declared.Where(json.ContainsKey).Concat(json.Select(x => x.Key).Except(declared)))
                {
                    var child = properties is { } ps && ps.TryGetProperty(name, out var c) ? c : default;
                    var childTitle = Text(Property(child, "title")) ?? name;
                    Walk(child, json[name], path.Length == 0 ? name : $"{path}.{name}", title.Length == 0 ? childTitle : $"{title} · {childTitle}", fields);
                }

                break;
            case JsonArray array:
                var items = Property(schema, "items") ?? default;
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(items, array[i], $"{path}[{i}]", $"{title} ({i + 1})", fields);
                }

                break;
            default:
                fields.Add(new FormFieldText(path, title, Display(value), Meaning(schema, value)));
                break;
        }
    }

    private static string? Display(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "是",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "否",
        _ => value.ToJsonString(),
    };

    private static string? Meaning(JsonElement schema, JsonNode? value)
    {
        if (value is null || Property(schema, "oneOf") is not { ValueKind: JsonValueKind.Array } options)
        {
            return null;
        }

        foreach (var option in options.EnumerateArray())
        {
            if (Property(option, "const") is { } code && JsonNode.DeepEquals(JsonNode.Parse(code.GetRawText()), value))
            {
                return Text(Property(option, "title"));
            }
        }

        return null;
    }

    private static JsonElement? Property(JsonElement? schema, string name) =>
        schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty(name, out var found) ? found : null;

    private static string? Text(JsonElement? element) => element is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;
}
