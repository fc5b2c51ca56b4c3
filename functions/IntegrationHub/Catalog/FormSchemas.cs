using System.Collections.Frozen;
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
    private readonly EvaluationOptions _options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
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
        if (result.IsValid)
        {
            return [];
        }

        foreach (var detail in result.Details.Where(d => d.HasErrors))
        {
            var location = Path(root, detail.InstanceLocation.ToString());
            foreach (var (keyword, message) in detail.Errors!)
            {
                if (keyword == "required")
                {
                    foreach (Match missing in QuotedName().Matches(message))
                    {
                        Add(errors, $"{location}.{missing.Groups[1].Value}", "is required.");
                    }
                }
                else if (keyword is not ("oneOf" or "allOf" or "if" or "then") || detail.Errors!.Count == 1)
                {
                    Add(errors, location, keyword == "" ? "is not allowed here." : Describe(keyword, message));
                }
            }
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.Distinct().ToArray());
    }

    private static string Describe(string keyword, string message) => keyword switch
    {
        "oneOf" => "is not one of the allowed codes.",
        "const" => "is not one of the allowed codes.",
        "false" => "is not allowed here.",
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

    private static string Path(string root, string pointer) =>
        pointer.Length == 0 ? root : root + pointer.Replace('/', '.');

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex QuotedName();
}
