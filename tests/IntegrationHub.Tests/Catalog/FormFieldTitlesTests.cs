using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using IntegrationHub.Catalog;

namespace IntegrationHub.Tests.Catalog;

/// <summary>Forms read through their schemas: every field of every item's realistic sample gets a title and every code its meaning.</summary>
public sealed partial class FormFieldTitlesTests
{
    private static readonly ServiceCatalog Catalog = ServiceCatalog.LoadEmbedded();
    private static readonly FormFieldTitles Titles = new(Catalog);

    public static TheoryData<string> OnlineCodes() => [.. Catalog.Entries.Where(e => e.Item.Online).Select(e => e.Item.Code)];

    [Theory]
    [MemberData(nameof(OnlineCodes))]
    public void Describe_RealisticSample_EveryFieldTitledAndEveryCodeMeaningFromTheSchema(string code)
    {
        var form = Sample(code);
        var schema = JsonNode.Parse(Catalog.Find(code)!.FormSchema!.Value.GetRawText())!;

        var fields = Titles.Describe(code, form);

        Assert.Equal(Leaves(form, "").Order(), fields.Select(f => f.Field).Order());
        foreach (var field in fields)
        {
            var (property, valueSchema) = SchemaAt(schema, field.Field);
            Assert.EndsWith(property["title"]!.GetValue<string>(), ItemNumber().Replace(field.Title, ""), StringComparison.Ordinal);
            var codes = valueSchema["oneOf"]?.AsArray();
            if (codes is null)
            {
                Assert.Null(field.Meaning);
                continue;
            }

            var given = Value(form, field.Field);
            var expected = codes.Single(c => JsonNode.DeepEquals(c!["const"], given))!["title"]!.GetValue<string>();
            Assert.Equal(expected, field.Meaning);
        }
    }

    [Fact]
    public void Describe_ResidenceRegistration_CodesReadAsTheirMeaning()
    {
        var fields = Titles.Describe("GA-001", Sample("GA-001")).ToDictionary(f => f.Field);

        Assert.Equal(("居住事由", "01", "务工就业"), (fields["residenceReason"].Title, fields["residenceReason"].Value, fields["residenceReason"].Meaning));
        Assert.Equal(("住所类型", "02", "租赁房屋"), (fields["dwellingType"].Title, fields["dwellingType"].Value, fields["dwellingType"].Meaning));
        Assert.Equal("现住址", fields["currentAddress"].Title);
    }

    [Fact]
    public void Describe_ArrayOfMembersAndYesNo_TitledPerItem()
    {
        var members = Titles.Describe("FG-001", Sample("FG-001"));
        var certificate = Titles.Describe("FG-003", Sample("FG-003"));

        Assert.Contains(members, f => f.Field == "householdMembers[1].relation" && f.Title == "家庭成员 (2) · 与申请人关系" && f.Meaning is not null);
        Assert.Contains(certificate, f => f.Field == "includeFamily" && f.Value is "是" or "否");
    }

    private static JsonObject Sample(string code) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "FormSamples", $"{code}.json")))!["valid"]!.AsObject();

    private static IEnumerable<string> Leaves(JsonNode? node, string path) => node switch
    {
        JsonObject o => o.SelectMany(p => Leaves(p.Value, path.Length == 0 ? p.Key : $"{path}.{p.Key}")),
        JsonArray a => a.SelectMany((item, i) => Leaves(item, $"{path}[{i}]")),
        _ => [path],
    };

    // The named property the path ends at, and the schema its value follows (the items schema for an array's element).
    private static (JsonNode Property, JsonNode Value) SchemaAt(JsonNode schema, string path)
    {
        var node = schema;
        var property = schema;
        foreach (var part in path.Split('.'))
        {
            property = node = node["properties"]![part.Split('[')[0]]!;
            if (part.Contains('[', StringComparison.Ordinal))
            {
                node = node["items"]!;
            }
        }

        return (property, node);
    }

    private static JsonNode? Value(JsonNode form, string path)
    {
        JsonNode? node = form;
        foreach (var part in path.Split('.'))
        {
            var pieces = part.Split('[', ']');
            node = node![pieces[0]];
            if (pieces.Length > 1)
            {
                node = node![int.Parse(pieces[1], System.Globalization.CultureInfo.InvariantCulture)];
            }
        }

        return node;
    }

    [GeneratedRegex(@" \([0-9]+\)$")]
    private static partial Regex ItemNumber();
}
