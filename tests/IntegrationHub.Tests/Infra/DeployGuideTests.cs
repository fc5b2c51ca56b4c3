using System.Reflection;
using System.Text.RegularExpressions;
using IntegrationHub.Composition;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.Configuration;

namespace IntegrationHub.Tests.Infra;

/// <summary>
/// Azure cannot be reached from here, so the deploy guide (README "Deploying to Azure") and the integrator guides
/// (docs/integrators/) are checked by name: every setting they name is one the hub reads or the Bicep sets, and every
/// Key Vault secret they name is one the Bicep refers to.
/// </summary>
public sealed partial class DeployGuideTests
{
    private static readonly string Root = Azurite.RepoRoot();

    public static TheoryData<string> Guides() =>
    [
        "README.md",
        .. Directory.EnumerateFiles(Path.Combine(Root, "docs", "integrators"), "*.md").Select(f => Path.GetRelativePath(Root, f)),
    ];

    [Theory]
    [MemberData(nameof(Guides))]
    public void Guide_EverySettingItNames_IsReadByTheHubOrSetByTheBicep(string guide)
    {
        var text = File.ReadAllText(Path.Combine(Root, guide));
        var bicep = BicepAppSettings();
        var sections = typeof(Settings).Assembly.GetTypes()
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string))
            .Where(t => t.Section is not null)
            .ToList();

        var named = SettingName().Matches(text).Select(m => m.Value).Where(n => !n.StartsWith("HUB_", StringComparison.Ordinal)).Distinct().ToList();

        Assert.NotEmpty(named);
        foreach (var name in named)
        {
            var key = name.Replace("__", ":", StringComparison.Ordinal);
            var owner = sections.Where(s => key.StartsWith(s.Section + ":", StringComparison.OrdinalIgnoreCase)).MaxBy(s => s.Section!.Length);
            var known = bicep.Contains(name) || (owner.Type is not null && !Settings.SilentFaults(
                new ConfigurationBuilder().AddInMemoryCollection([new(key, "x")]).Build().GetSection(owner.Section!), owner.Type).Any());
            Assert.True(known, $"{guide} names {name}, which neither an options class reads nor the Bicep sets");
        }
    }

    [Fact]
    public async Task DeployGuide_EveryKeyVaultSecret_IsOneTheBicepRefersToAndEveryReferenceIsSet()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var guide = readme[readme.IndexOf("## Deploying to Azure", StringComparison.Ordinal)..readme.IndexOf("## Configuration", StringComparison.Ordinal)];
        var bicep = File.ReadAllText(Path.Combine(Root, "infra", "modules", "functionapp.bicep"));
        var referenced = SecretReference().Matches(bicep).Select(m => m.Groups[1].Value).ToHashSet();
        var dataKeys = System.Text.Json.Nodes.JsonNode.Parse(await BuildParamsAsync())!["parameters"]!["dataKeyIds"]!["value"]!.AsArray().Select(k => $"data-key-{k}");
        referenced.Remove("data-key-");
        referenced.UnionWith(dataKeys);

        var set = SecretSet().Matches(guide).Select(m => m.Groups[1].Value).ToHashSet();
        var tabled = SecretRow().Matches(guide).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Equal(referenced.Order(), set.Order());
        Assert.Equal(referenced.Order(), tabled.Order());
    }

    // Each app setting the Bicep writes (name: 'X__Y' or the data-key settings built from the key ids).
    private static HashSet<string> BicepAppSettings()
    {
        var bicep = File.ReadAllText(Path.Combine(Root, "infra", "modules", "functionapp.bicep"));
        return [.. BicepSetting().Matches(bicep).Select(m => m.Groups[1].Value)];
    }

    private static async Task<string> BuildParamsAsync()
    {
        var (_, output, _) = await BicepTests.RunBicepAsync("build-params", Path.Combine(Root, "infra", "main.bicepparam"), "--stdout");
        return System.Text.Json.Nodes.JsonNode.Parse(output)!["parametersJson"]!.GetValue<string>();
    }

    // Departments__Housing__WebhookSecret, Platforms__Clients__0__ApiKey; not a shorthand like __BaseDelay.
    [GeneratedRegex(@"(?<![A-Za-z0-9_])[A-Z][A-Za-z]+(?:__[A-Za-z0-9]+)+")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"name: '([A-Za-z0-9_]+__[A-Za-z0-9_]+)'")]
    private static partial Regex BicepSetting();

    [GeneratedRegex(@"\$\{secret\}([a-z0-9-]+)\)")]
    private static partial Regex SecretReference();

    [GeneratedRegex(@"az keyvault secret set --vault-name \$VAULT --name ([a-z0-9-]+)")]
    private static partial Regex SecretSet();

    [GeneratedRegex(@"(?m)^\| `([a-z0-9-]+)`(?: \([^)]*\))? \|")]
    private static partial Regex SecretRow();
}
