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
/// problem response can name it. A valid instance is recognised by the schema's <see cref="SchemaCheck"/>;
/// JsonSchema.Net evaluates only the instances that check refuses, and words their errors.
/// </summary>
internal sealed partial class FormSchemas
{
    // One options instance per set of schemas: evaluation caches each schema's compiled constraints in it,
    // and each instance registers its own $ids, so two FormSchemas never collide.
    private readonly EvaluationOptions _options = new() { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true };
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = FrozenDictionary<string, string[]>.Empty;

    private readonly Schema _applicant;
    private readonly FrozenDictionary<string, Schema> _forms;

    public FormSchemas(ServiceCatalog catalog)
    {
        _applicant = Compile(catalog.ApplicantSchema);
        _forms = catalog.Entries
            .Where(e => e.FormSchema.HasValue)
            .ToFrozenDictionary(e => e.Item.Code, e => Compile(e.FormSchema!.Value), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>True when every schema compiled to a <see cref="SchemaCheck"/>, so no valid instance pays for JsonSchema.Net.</summary>
    internal bool AllChecked => _applicant.Check is not null && _forms.Values.All(f => f.Check is not null);

    public bool HasForm(string itemCode) => _forms.ContainsKey(itemCode);

    public IReadOnlyDictionary<string, string[]> ValidateApplicant(JsonNode? applicant) =>
        Evaluate(_applicant, applicant, "applicant", _options);

    public IReadOnlyDictionary<string, string[]> ValidateForm(string itemCode, JsonNode? form) =>
        Evaluate(_forms[itemCode], form, "form", _options);

    private sealed record Schema(JsonSchema Evaluator, Func<JsonNode?, bool>? Check);

    private static Schema Compile(JsonElement schema) => new(JsonSchema.FromText(schema.GetRawText()), SchemaCheck.TryCompile(schema));

    private static IReadOnlyDictionary<string, string[]> Evaluate(Schema schema, JsonNode? instance, string root, EvaluationOptions options)
    {
        if (schema.Check?.Invoke(instance) == true)
        {
            return NoErrors;
        }

        var result = schema.Evaluator.Evaluate(instance, options);
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
