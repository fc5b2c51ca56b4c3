using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Hosts;

/// <summary>
/// The Functions app as its host sees it: the functions.metadata the worker SDK generates at build (copied beside the tests,
/// which reference the app), and the app settings its binding expressions (<c>%Storage:QueueName%</c>) resolve against.
/// </summary>
internal static partial class FunctionsMetadata
{
    /// <summary>One trigger: the function's name, the trigger type and its route, queue name or schedule as declared.</summary>
    public sealed record Trigger(string Function, string Type, string? Value, IReadOnlyList<string> Methods);

    public static IReadOnlyList<Trigger> Triggers()
    {
        var functions = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray();
        return
        [
            .. functions.SelectMany(f => f!["bindings"]!.AsArray()
                .Where(b => b!["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))
                .Select(b => new Trigger(
                    f["name"]!.GetValue<string>(),
                    b!["type"]!.GetValue<string>(),
                    (b["route"] ?? b["queueName"] ?? b["schedule"])?.GetValue<string>(),
                    [.. b["methods"]?.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()) ?? []]))),
        ];
    }

    /// <summary>The names of the settings an expression reads: <c>%Storage:QueueName%-poison</c> reads Storage:QueueName.</summary>
    public static IEnumerable<string> SettingsIn(string expression) => Expression().Matches(expression).Select(m => m.Groups[1].Value);

    /// <summary>The expression with every <c>%Key%</c> replaced by the setting's value, as the host resolves it when it indexes.</summary>
    public static string Resolve(string expression, IReadOnlyDictionary<string, string> settings) =>
        Expression().Replace(expression, m => settings.TryGetValue(m.Groups[1].Value, out var value)
            ? value
            : throw new Xunit.Sdk.XunitException($"{m.Value} is not an app setting: the host could not index the function."));

    /// <summary>The Values of functions/IntegrationHub.Functions/local.settings.json, keyed as configuration keys (A__B is A:B).</summary>
    public static IReadOnlyDictionary<string, string> LocalSettings()
    {
        var file = Path.Combine(Azurite.RepoRoot(), "functions", "IntegrationHub.Functions", "local.settings.json");
        return JsonNode.Parse(File.ReadAllText(file))!["Values"]!.AsObject()
            .ToDictionary(v => Key(v.Key), v => v.Value!.GetValue<string>(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The Azure app settings with a literal value in infra/modules/functionapp.bicep, keyed as configuration keys.</summary>
    public static IReadOnlyDictionary<string, string> InfraSettings()
    {
        var file = Path.Combine(Azurite.RepoRoot(), "infra", "modules", "functionapp.bicep");
        return BicepSetting().Matches(File.ReadAllText(file))
            .ToDictionary(m => Key(m.Groups[1].Value), m => m.Groups[2].Value, StringComparer.OrdinalIgnoreCase);
    }

    private static string Key(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Expression();

    [GeneratedRegex(@"\{ name: '([^']+)', value: '([^']*)' \}")]
    private static partial Regex BicepSetting();
}
