using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace IntegrationHub.Catalog;

/// <summary>
/// Compiled JSON Schemas of the applicant part and every online item's form. Errors come back keyed by
/// the dotted path of the offending field (<c>form.landlordName</c>, <c>applicant.idNumber</c>), so a
/// problem response can name it.
/// </summary>
public sealed partial class FormSchemas
{
    // One options instance per set of schemas: evaluation caches each schema's compiled constraints in it,
    // and each instance registers its own $ids, so two FormSchemas never collide.
    private readonly EvaluationOptions _options = new() { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true };
    private readonly JsonSchema _applicant;
    private readonly FrozenDictionary<string, JsonSchema> _forms;

    public FormSchemas(ServiceCatalog catalog)
    {
        _applicant = Compile(catalog.ApplicantSchema);
        _forms = catalog.Entries
            .Where(e => e.FormSchema.HasValue)
            .ToFrozenDictionary(e => e.Item.Code, e => Compile(e.FormSchema!.Value), StringComparer.OrdinalIgnoreCase);
    }

    public bool HasForm(string itemCode) => _forms.ContainsKey(itemCode);

    public IReadOnlyDictionary<string, string[]> ValidateApplicant(JsonNode? applicant) =>
        Evaluate(_applicant, applicant, "applicant", _options);

    public IReadOnlyDictionary<string, string[]> ValidateForm(string itemCode, JsonNode? form) =>
        Evaluate(_forms[itemCode], form, "form", _options);

    private static JsonSchema Compile(JsonElement schema) => JsonSchema.FromText(schema.GetRawText());

    private static Dictionary<string, string[]> Evaluate(JsonSchema schema, JsonNode? instance, string root, EvaluationOptions options)
    {
        var result = schema.Evaluate(instance, options);
        var errors = new Dictionary<string, List<string>>();
        Collect(result, root, instance, errors);
        return errors.ToDictionary(e => e.Key, e => e.Value.Distinct().ToArray());
    }

    // Only failures that make their parent fail are errors. A passing oneOf has failing branches (every code but the one
    // given) and a passing if/then has a failing "if"; reporting those would call valid codes "not allowed". A failing
    // oneOf of codes is one error at its field, not one per code it did not match.
    private static void Collect(EvaluationResults node, string root, JsonNode? instance, Dictionary<string, List<string>> errors)
    {
        if (node.IsValid)
        {
            return;
        }

        var location = Path(root, node.InstanceLocation.ToString(), instance);
        var failedOneOf = false;
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            if (keyword == "required")
            {
                foreach (Match missing in QuotedName().Matches(message))
                {
                    Add(errors, $"{location}.{missing.Groups[1].Value}", "is required.");
                }
            }
            else
            {
                failedOneOf |= keyword == "oneOf";
                Add(errors, location, Describe(keyword, message));
            }
        }

        foreach (var child in node.Details)
        {
            if ((failedOneOf && IsUnder(child, "oneOf")) || IsUnder(child, "if"))
            {
                continue;
            }

            Collect(child, root, instance, errors);
        }
    }

    private static bool IsUnder(EvaluationResults child, string keyword)
    {
        var path = child.EvaluationPath.ToString();
        var cut = path.LastIndexOf('/');
        var last = path[(cut + 1)..];
        var parent = cut > 0 ? path[..cut] : "";
        return last == keyword || parent.EndsWith("/" + keyword, StringComparison.Ordinal);
    }

    private static string Describe(string keyword, string message) => keyword switch
    {
        "oneOf" or "const" or "enum" => "is not one of the allowed codes.",
        "" or "false" => "is not allowed here.",
        "type" => message.Replace("Value is", "is", StringComparison.Ordinal).TrimEnd('.') + ".",
        _ => message,
    };

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    // A JSON pointer as the dotted path problems use, with array items in brackets: /tenants/0/name → form.tenants[0].name.
    private static string Path(string root, string pointer, JsonNode? instance)
    {
        var path = new StringBuilder(root);
        var node = instance;
        foreach (var segment in pointer.Split('/').Skip(1).Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)))
        {
            if (node is JsonArray array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                path.Append('[').Append(segment).Append(']');
                node = index < array.Count ? array[index] : null;
            }
            else
            {
                path.Append('.').Append(segment);
                node = node is JsonObject json ? json[segment] : null;
            }
        }

        return path.ToString();
    }

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex QuotedName();
}
