using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using IntegrationHub.Applications;
using IntegrationHub.Http;

namespace IntegrationHub.Benchmarks;

/// <summary>
/// What every accepted submission pays before it is stored: the UTF-8 body read as strict JSON, then validated (texts,
/// schemas, ID numbers, dates, the rules), as <c>POST /applications</c> does it.
/// </summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private byte[] _body = [];

    [ParamsSource(nameof(Items))]
    public string Item { get; set; } = "";

    public static IEnumerable<string> Items => Samples.Items;

    [GlobalSetup]
    public void Setup()
    {
        _body = Samples.Body(Item);
        if (Validate() is null)
        {
            throw new InvalidOperationException($"The {Item} sample is refused: the benchmark would measure the wrong path.");
        }
    }

    [Benchmark]
    public object? Validate() =>
        StrictJson.TryParse(_body, out var node, out _) ? Samples.Validator.Validate((JsonObject)node!).Application : null;
}

/// <summary>The idempotency fingerprint of an accepted body: the other per-submission computation of intake.</summary>
[MemoryDiagnoser]
public class FingerprintBenchmarks
{
    private JsonObject _accepted = [];

    [Params("GA-001", "FG-001")]
    public string Item { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _accepted = Samples.Validator.Validate(JsonNode.Parse(Samples.Body(Item))!.AsObject()).Application!.Body;

    [Benchmark]
    public string Fingerprint() => CanonicalJson.Fingerprint(_accepted);
}
