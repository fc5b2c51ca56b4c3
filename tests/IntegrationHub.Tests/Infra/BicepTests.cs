using System.Diagnostics;
using System.Reflection;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Infra;

/// <summary>
/// The Bicep CLI reports type errors as warnings and still exits 0, so any output at all fails the test.
/// </summary>
public sealed class BicepTests
{
    [Theory]
    [InlineData("build", "--stdout")]
    [InlineData("lint", "")]
    public async Task MainBicep_BuildAndLint_PrintNoDiagnostics(string command, string option)
    {
        var (exitCode, output, errors) = await RunBicepAsync(command, Path.Combine(Azurite.RepoRoot(), "infra", "main.bicep"), option);

        Assert.Equal(0, exitCode);
        Assert.Equal("", errors.Trim());
        if (command == "lint")
        {
            Assert.Equal("", output.Trim());
        }
        else
        {
            Assert.Contains("\"Microsoft.Web/sites\"", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MainBicepparam_BuildParamsAndLint_PrintNoDiagnosticsAndNameEveryParameter()
    {
        var file = Path.Combine(Azurite.RepoRoot(), "infra", "main.bicepparam");
        var (exitCode, output, errors) = await RunBicepAsync("build-params", file, "--stdout");
        var (lintCode, lint, lintErrors) = await RunBicepAsync("lint", file, "");

        Assert.Equal((0, "", 0, "", ""), (exitCode, errors.Trim(), lintCode, lint.Trim(), lintErrors.Trim()));
        var parameters = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.Nodes.JsonNode.Parse(output)!["parametersJson"]!.GetValue<string>())!["parameters"]!.AsObject();
        var declared = System.Text.RegularExpressions.Regex.Matches(await File.ReadAllTextAsync(Path.Combine(Azurite.RepoRoot(), "infra", "main.bicep")), @"(?m)^param (\w+) ")
            .Select(m => m.Groups[1].Value).ToList();
        var text = await File.ReadAllTextAsync(file);

        // Every parameter is set, or (location only) explained where it is left to its default.
        Assert.Equal(declared.Where(p => p != "location").Order(), parameters.Select(p => p.Key).Order());
        Assert.All(declared, p => Assert.Contains($"param {p} = ", text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MainBicep_Storage_HasSharedKeysDisabledAndNoSecretsInline()
    {
        var (_, template, _) = await RunBicepAsync("build", Path.Combine(Azurite.RepoRoot(), "infra", "main.bicep"), "--stdout");

        Assert.Contains("\"allowSharedKeyAccess\": false", template, StringComparison.Ordinal);
        Assert.Contains("\"disableLocalAuth\": true", template, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey=", template, StringComparison.Ordinal);
        Assert.DoesNotContain("listKeys", template, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MainBicep_DataKeyRing_EveryKeyIsAKeyVaultReferenceAndTheActiveIdAndRetentionAreSet()
    {
        var (_, template, _) = await RunBicepAsync("build", Path.Combine(Azurite.RepoRoot(), "infra", "main.bicep"), "--stdout");

        Assert.Contains("format('Security__Encryption__Keys__{0}', parameters('dataKeyIds')[copyIndex('dataKeySettings')])", template, StringComparison.Ordinal);
        Assert.Contains("format('@Microsoft.KeyVault({0}data-key-{1})', variables('secret'), parameters('dataKeyIds')[copyIndex('dataKeySettings')])",
            template, StringComparison.Ordinal);
        Assert.Contains("createObject('name', 'Security__Encryption__ActiveKeyId', 'value', parameters('activeDataKeyId'))", template, StringComparison.Ordinal);
        Assert.Contains("createObject('name', 'Security__Retention__EraseAfter', 'value', parameters('personalDataRetention'))", template, StringComparison.Ordinal);
    }

    internal static async Task<(int ExitCode, string Output, string Errors)> RunBicepAsync(string command, string file, string option)
    {
        var bicep = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo(bicep) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(file);
        if (option.Length > 0)
        {
            start.ArgumentList.Add(option);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["BICEP_TELEMETRY_DISABLED"] = "true";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }
}
