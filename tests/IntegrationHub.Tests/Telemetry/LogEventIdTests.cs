using System.Reflection;
using System.Text.RegularExpressions;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Tests.Telemetry;

/// <summary>Log lines are source-generated with an event id that names one line in the whole hub (docs/telemetry.md).</summary>
public sealed partial class LogEventIdTests
{
    // The slice ranges of docs/telemetry.md, by the namespace segment after "IntegrationHub".
    private static readonly Dictionary<string, (int From, int To)> Ranges = new()
    {
        ["Applications"] = (1000, 1999),
        ["Handoff"] = (2000, 2999),
        ["Events"] = (3000, 3999),
        ["Portal"] = (4000, 4999),
        ["Storage"] = (5000, 5999),
        ["Privacy"] = (6000, 6999),
        ["Departments"] = (7000, 7999),
        ["Local"] = (8000, 9999),
        ["Functions"] = (15000, 15999),
        ["Telemetry"] = (10000, 10999),
        ["Health"] = (10000, 10999),
        ["Catalog"] = (11000, 11999),
        ["Communities"] = (11000, 11999),
        ["Http"] = (11000, 11999),
        ["Suggestions"] = (12000, 12999),
        ["Appointments"] = (13000, 13999),
        ["Materials"] = (14000, 14999),
    };

    private static IEnumerable<(MethodInfo Method, LoggerMessageAttribute Attribute)> LogMethods() =>
        new[] { typeof(global::IntegrationHub.Storage.ApplicationStore).Assembly, typeof(global::IntegrationHub.Local.LocalHub).Assembly, typeof(global::IntegrationHub.Functions.PipelineFunctions).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()!))
            .Where(m => m.Attribute is not null);

    [Fact]
    public void LoggerMessages_EventIds_UniqueAcrossTheHub()
    {
        var methods = LogMethods().ToList();

        Assert.NotEmpty(methods);
        var repeated = methods.GroupBy(m => m.Attribute.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}"))}").ToList();
        Assert.Empty(repeated);
    }

    [Fact]
    public void LoggerMessages_EventIds_InTheirSlicesRange()
    {
        var outside = LogMethods()
            .Select(m => (m.Method, m.Attribute.EventId, Slice: m.Method.DeclaringType!.Namespace!.Split('.').ElementAtOrDefault(1) ?? ""))
            .Where(m => !Ranges.TryGetValue(m.Slice, out var range) || m.EventId < range.From || m.EventId > range.To)
            .Select(m => $"{m.Method.DeclaringType!.FullName}.{m.Method.Name} ({m.EventId}, slice {m.Slice})").ToList();

        Assert.Empty(outside);
    }

    // The kit and sandboxes helpers convert Departments/ and Local/Sandbox/ themselves (issue 10); everything else logs only
    // through generated methods.
    [Fact]
    public void Sources_OutsideDepartmentsAndSandboxes_NoDirectLogCalls()
    {
        var root = Path.Combine(Azurite.RepoRoot(), "functions");
        var direct = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains(Path.Combine("IntegrationHub", "Departments") + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.Contains(Path.Combine("IntegrationHub.Local", "Sandbox") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(root, f), Line: i + 1, Text: line)))
            .Where(l => DirectLogCall().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}").ToList();

        Assert.Empty(direct);
    }

    [GeneratedRegex(@"\.Log(Trace|Debug|Information|Warning|Error|Critical)\s*\(|\.Log\s*\(\s*LogLevel\.")]
    private static partial Regex DirectLogCall();
}
