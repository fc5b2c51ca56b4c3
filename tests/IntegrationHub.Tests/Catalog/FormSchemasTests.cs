using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Tests.Applications;
using Json.Schema;

namespace IntegrationHub.Tests.Catalog;

public sealed partial class FormSchemasTests
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
    public void FormSchemas_EverySchema_CompilesToAQuickCheck()
    {
        Assert.True(Schemas.AllChecked, "a schema uses a keyword SchemaCheck does not read: every valid body would pay for JsonSchema.Net");
    }

    [Fact]
    public void SchemaCheck_GeneratedApplications_AgreesWithJsonSchemaNet()
    {
        // The quick check alone decides that an instance is valid; JsonSchema.Net words the errors of the others. So the two
        // must agree on every instance: as generated (any value of any kind in any field) and as intake normalises it.
        var options = new EvaluationOptions { RequireFormatValidation = true };
        var codes = Catalog.Entries.Where(e => e.Item.Online).Select(e => e.Item.Code).ToList();
        var schemas = codes.Append("applicant").ToDictionary(code => code, code =>
        {
            var raw = code == "applicant" ? Catalog.ApplicantSchema : Catalog.Find(code)!.FormSchema!.Value;
            return (Evaluator: JsonSchema.FromText(raw.GetRawText()), Check: SchemaCheck.TryCompile(raw)!);
        });
        var verdicts = new ConcurrentDictionary<bool, int>();

        void Agree(string code, JsonNode? instance)
        {
            var (evaluator, check) = schemas[code];
            var expected = evaluator.Evaluate(instance, options).IsValid;
            Assert.True(expected == check(instance), $"{code}: JsonSchema.Net says {expected} for {instance?.ToJsonString()}");
            verdicts.AddOrUpdate(expected, 1, (_, n) => n + 1);
        }

        foreach (var code in codes)
        {
            var samples = LoadSamples(code);
            Agree(code, samples["valid"]);
            Agree(code, samples["validMinimal"]);
            foreach (var sample in samples["invalid"]!.AsArray())
            {
                Agree(code, sample!["form"]);
            }
        }

        IntakeTranslationPropertyTests.Applications.Sample(body =>
        {
            var code = body["itemCode"]!.GetValue<string>();
            Agree("applicant", body["applicant"]);
            Agree(code, body["form"]);
            var (normalised, _) = ApplicationText.Normalise(body);
            Agree("applicant", normalised["applicant"]);
            Agree(code, normalised["form"]);
        }, iter: 2000);

        // Not vacuous: both answers were given many times.
        Assert.True(verdicts.GetValueOrDefault(true) > 500 && verdicts.GetValueOrDefault(false) > 500, string.Join(", ", verdicts));
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

    public static TheoryData<string> SchemasWithApplicant() =>
        [.. Catalog.Entries.Where(e => e.Item.Online).Select(e => e.Item.Code), "applicant"];

    [Theory]
    [MemberData(nameof(SchemasWithApplicant))]
    public void FormSchema_TitlesAndDescriptions_AreResidentFacingChinese(string code)
    {
        var schema = Schema(code);
        var wireNames = Fields(schema).SelectMany(f => WireNames(f.Node["x-department-field"])).ToHashSet();
        var propertyNames = Fields(schema).Select(f => f.Name).ToHashSet();
        var codes = Fields(schema).SelectMany(f => Options(f.Node)).Select(o => o["const"]!.ToJsonString().Trim('"')).ToHashSet();

        foreach (var (where, text) in Texts(schema))
        {
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", text);
            Assert.False(WireLike().IsMatch(text), $"{code} {where}: '{text}' shows an identifier, a code or a format to the resident");
            Assert.DoesNotContain(propertyNames, n => text.Contains(n, StringComparison.Ordinal));
            Assert.DoesNotContain(wireNames, w => text.Contains(w, StringComparison.Ordinal));
            Assert.DoesNotContain(codes, c => text.Contains(c + "（", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(SchemasWithApplicant))]
    public void FormSchema_EveryField_NamesItsDepartmentFieldApartFromTheResidentText(string code)
    {
        var schema = Schema(code);

        Assert.All(Fields(schema), f =>
        {
            var wire = WireNames(f.Node["x-department-field"]).ToList();
            Assert.True(wire.Count > 0 && wire.All(w => w.Length > 0), $"{code}.{f.Name} has no x-department-field");
        });
        if (code != "applicant")
        {
            Assert.False(string.IsNullOrWhiteSpace(schema["x-department-service"]?.GetValue<string>()), $"{code} names no department service");
        }
    }

    private static JsonNode Schema(string code) => code == "applicant"
        ? JsonNode.Parse(Catalog.ApplicantSchema.GetRawText())!
        : JsonNode.Parse(Catalog.Find(code)!.FormSchema!.Value.GetRawText())!;

    private static IEnumerable<(string Name, JsonObject Node)> Fields(JsonNode schema)
    {
        foreach (var (name, node) in schema["properties"]!.AsObject())
        {
            yield return (name, node!.AsObject());
            var nested = node["properties"] ?? node["items"]?["properties"];
            if (nested is not null)
            {
                foreach (var inner in Fields(new JsonObject { ["properties"] = nested.DeepClone() }))
                {
                    yield return inner;
                }
            }
        }
    }

    private static IEnumerable<JsonNode> Options(JsonNode field) =>
        (field["oneOf"] ?? field["items"]?["oneOf"])?.AsArray().Select(o => o!) ?? [];

    private static IEnumerable<string> WireNames(JsonNode? annotation) => annotation switch
    {
        JsonValue value => [value.GetValue<string>()],
        JsonObject perDepartment => perDepartment.Select(d => d.Value!.GetValue<string>()),
        _ => [],
    };

    private static IEnumerable<(string Where, string Text)> Texts(JsonNode schema)
    {
        yield return ("title", schema["title"]!.GetValue<string>());
        yield return ("description", schema["description"]!.GetValue<string>());
        foreach (var (name, field) in Fields(schema))
        {
            yield return ($"{name}.title", field["title"]!.GetValue<string>());
            yield return ($"{name}.description", field["description"]!.GetValue<string>());
            foreach (var option in Options(field))
            {
                yield return ($"{name} option", option["title"]!.GetValue<string>());
            }
        }
    }

    // Two Latin letters in a row (an identifier, a standard's number, a date format) or the punctuation of code.
    [GeneratedRegex(@"[A-Za-z]{2,}|[=|_{}<>]|\bself\b")]
    private static partial Regex WireLike();

    private static JsonNode LoadSamples(string code) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "FormSamples", $"{code}.json")))!;
}
