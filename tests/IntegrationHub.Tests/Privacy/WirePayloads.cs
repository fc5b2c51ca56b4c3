using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using IntegrationHub.Catalog;
using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Departments.SocialSecurity;
using IntegrationHub.Privacy;

namespace IntegrationHub.Tests.Privacy;

/// <summary>Every online item's realistic sample as the hub sends it, with what the canonical form declares personal.</summary>
internal static class WirePayloads
{
    public static readonly ServiceCatalog Catalog = ServiceCatalog.LoadEmbedded();
    public static readonly FormPersonalData Forms = new(Catalog);

    // A name with a character outside the BMP: JSON writers escape it, which a search for the value would miss.
    public static readonly Applicant Applicant = new("王𠈌", "320302198506121230", "13912345678", "01", "320302", "1", new DateOnly(1985, 6, 12));

    public static TheoryData<string> OnlineItems() => [.. Catalog.Entries.Where(e => e.Item.Online).Select(e => e.Item.Code)];

    public static JsonObject Form(string code, string sample = "valid") =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "FormSamples", $"{code}.json")))![sample]!
            .DeepClone().AsObject();

    public static CanonicalApplication Application(string code, JsonObject? form = null) =>
        new(Guid.NewGuid().ToString("N"), code, Guid.NewGuid().ToString("N"), new DateTimeOffset(2026, 11, 28, 1, 30, 0, TimeSpan.Zero),
            Applicant, form ?? Form(code), [], null);

    public static string Department(string code) => code[..2];

    /// <summary>The request as the hub puts it on the wire (RS: the signed envelope with a dummy signature).</summary>
    public static string Request(CanonicalApplication application) => Department(application.ItemCode) switch
    {
        "GA" => PublicSecurityTranslator.Decode(PublicSecurityTranslator.ToRequest(application)),
        "FG" => HousingTranslator.ToRequest(application),
        _ => SocialSecurityTranslator.Envelope(SocialSecurityTranslator.ToRequest(application), "320300SQPT", "20261128093000", new string('A', 64)),
    };

    /// <summary>The values the canonical declarations call personal (applicant and form), and the birth date as the departments write it.</summary>
    public static IReadOnlyList<string> PersonalValues(CanonicalApplication application)
    {
        var applicant = new JsonObject { ["name"] = application.Applicant.Name, ["idNumber"] = application.Applicant.IdNumber, ["phone"] = application.Applicant.Phone };
        return
        [
            .. Forms.Applicant.Fields.Values(applicant).Select(v => v.Value),
            .. Forms.Form(application.ItemCode).Fields.Values(application.Form).Select(v => v.Value),
            application.Applicant.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        ];
    }

    /// <summary>Every leaf value of a payload with its name as the department knows it (the RS body string opened).</summary>
    public static IReadOnlyList<(string Name, string Value)> Leaves(string department, string payload)
    {
        if (department == "GA")
        {
            return [.. XDocument.Parse(payload).Descendants().Where(e => !e.HasElements).Select(e => (e.Name.LocalName, e.Value))];
        }

        var root = JsonNode.Parse(payload)!;
        if (department == "RS")
        {
            root = JsonNode.Parse(root["body"]!.GetValue<string>())!;
        }

        var leaves = new List<(string, string)>();
        Collect(root, "", leaves);
        return leaves;
    }

    private static void Collect(JsonNode? node, string path, List<(string, string)> leaves)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    Collect(child, path.Length == 0 ? key : $"{path}.{key}", leaves);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, path + "[]", leaves);
                }

                break;
            case JsonValue value:
                leaves.Add((path, value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()));
                break;
        }
    }
}
