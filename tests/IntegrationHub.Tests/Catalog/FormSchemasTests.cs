using System.Text.Json.Nodes;
using IntegrationHub.Catalog;
using Json.Schema;

namespace IntegrationHub.Tests.Catalog;

public sealed class FormSchemasTests
{
    private static readonly ServiceCatalog Catalog = ServiceCatalog.LoadEmbedded();
    private static readonly FormSchemas Schemas = new(Catalog);

    public static TheoryData<string> OnlineCodes() => [.. Catalog.Entries.Where(e => e.Item.Online).Select(e => e.Item.Code)];

    [Theory]
    [MemberData(nameof(OnlineCodes))]
    public void FormSchema_AgainstDraft202012MetaSchema_IsValid(string code)
    {
        var schema = JsonNode.Parse(Catalog.Find(code)!.FormSchema!.Value.GetRawText());

        var result = MetaSchemas.Draft202012.Evaluate(schema, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("; ", result.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Values)));
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema!["$schema"]!.GetValue<string>());
    }

    [Fact]
    public void ApplicantSchema_AgainstDraft202012MetaSchema_IsValid()
    {
        var schema = JsonNode.Parse(Catalog.ApplicantSchema.GetRawText());

        Assert.True(MetaSchemas.Draft202012.Evaluate(schema).IsValid);
    }

    [Theory]
    [MemberData(nameof(OnlineCodes))]
    public void FormSchema_RealisticSamples_AreAccepted(string code)
    {
        var samples = LoadSamples(code);

        Assert.Empty(Schemas.ValidateForm(code, samples["valid"]!.DeepClone()));
        Assert.Empty(Schemas.ValidateForm(code, samples["validMinimal"]!.DeepClone()));
    }

    [Theory]
    [MemberData(nameof(OnlineCodes))]
    public void FormSchema_BrokenSamples_AreRejectedNamingTheField(string code)
    {
        var invalid = LoadSamples(code)["invalid"]!.AsArray();

        Assert.True(invalid.Count >= 3);
        foreach (var sample in invalid)
        {
            var errors = Schemas.ValidateForm(code, sample!["form"]!.DeepClone());
            var field = sample["field"]!.GetValue<string>();
            var topLevel = field.Split('.', '[')[0];
            Assert.True(errors.Count > 0, $"{code}: accepted although {sample["why"]}");
            Assert.True(errors.Keys.Any(k => k.StartsWith($"form.{topLevel}", StringComparison.Ordinal)),
                $"{code}: '{sample["why"]}' reported as {string.Join(", ", errors.Keys)} instead of {field}");
        }
    }

    [Fact]
    public async Task ValidateForm_ManyAtOnce_GivesTheSameAnswersAsOneByOne()
    {
        // One FormSchemas serves every request; its shared evaluation options must hold under concurrency.
        var codes = Catalog.Entries.Where(e => e.Item.Online).Select(e => e.Item.Code).ToList();
        var work = Enumerable.Range(0, 400).Select(i => Task.Run(() =>
        {
            var code = codes[i % codes.Count];
            var samples = LoadSamples(code);
            var valid = Schemas.ValidateForm(code, samples["valid"]!.DeepClone()).Count == 0;
            var broken = Schemas.ValidateForm(code, samples["invalid"]![0]!["form"]!.DeepClone()).Count > 0;
            return valid && broken;
        }));

        Assert.All(await Task.WhenAll(work), Assert.True);
    }

    [Fact]
    public void ApplicantSchema_UnknownEthnicityAndDistrict_AreNamed()
    {
        var applicant = new JsonObject
        {
            ["name"] = "张三",
            ["idNumber"] = "11010519491231002X",
            ["phone"] = "13812345678",
            ["ethnicity"] = "77",
            ["district"] = "110105",
        };

        var errors = Schemas.ValidateApplicant(applicant);

        Assert.Contains("applicant.ethnicity", errors.Keys);
        Assert.Contains("applicant.district", errors.Keys);
    }

    private static JsonNode LoadSamples(string code) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "FormSamples", $"{code}.json")))!;
}
