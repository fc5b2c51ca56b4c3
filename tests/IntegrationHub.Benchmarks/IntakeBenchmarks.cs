using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using IntegrationHub.Applications;
using IntegrationHub.Catalog;

namespace IntegrationHub.Benchmarks;

/// <summary>What every submission pays before it is stored: parsing, schema validation, ID checks, the rules.</summary>
[MemoryDiagnoser]
public class IntakeBenchmarks
{
    private readonly ApplicationValidator _validator = new(new FormSchemas(ServiceCatalog.LoadEmbedded()), TimeProvider.System);
    private string _ga001 = "";
    private string _fg001 = "";

    [GlobalSetup]
    public void Setup()
    {
        _ga001 = Body("GA-001");
        _fg001 = Body("FG-001");
    }

    [Benchmark(Baseline = true)]
    public bool CitizenIdCheck() => CitizenId.IsValid("11010519491231002X");

    [Benchmark]
    public int ValidateGa001() => _validator.Validate(JsonNode.Parse(_ga001)!.AsObject()).Errors.Count;

    [Benchmark]
    public int ValidateFg001WithHousehold() => _validator.Validate(JsonNode.Parse(_fg001)!.AsObject()).Errors.Count;

    private static string Body(string code) => new JsonObject
    {
        ["itemCode"] = code,
        ["applicant"] = new JsonObject
        {
            ["name"] = "张三",
            ["idNumber"] = "11010519491231002X",
            ["phone"] = "13812345678",
            ["ethnicity"] = "01",
            ["district"] = "320302",
        },
        ["form"] = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "FormSamples", $"{code}.json")))!["valid"]!.DeepClone(),
    }.ToJsonString();
}
