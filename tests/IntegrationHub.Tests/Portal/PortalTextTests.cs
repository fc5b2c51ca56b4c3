using System.Text.RegularExpressions;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Portal;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Portal;

/// <summary>The one table of the portal's Chinese timeline covers everything the hub writes on a timeline.</summary>
public sealed partial class PortalTextTests
{
    [Fact]
    public void Table_EveryOutcomeAndStatus_HasChinese()
    {
        Assert.All(Enum.GetNames<HandoffOutcomeKind>(), o => Assert.True(PortalText.Outcomes.ContainsKey(o), $"no Chinese for outcome {o}"));
        Assert.All(Enum.GetNames<ApplicationStatus>(), s => Assert.True(PortalText.Statuses.ContainsKey(s), $"no Chinese for status {s}"));
    }

    [Fact]
    public void Table_EveryKindAndOutcomeTheHubWrites_HasChinese()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Azurite.RepoRoot(), "functions"), "*.cs", SearchOption.AllDirectories)
            .Select(File.ReadAllText).ToList();

        var kinds = sources.SelectMany(s => KindWritten().Matches(s)).Select(m => m.Groups[1].Value).ToHashSet();
        var outcomes = sources.SelectMany(s => OutcomeWritten().Matches(s)).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Contains("attempt", kinds);
        Assert.All(kinds, k => Assert.True(PortalText.Kinds.ContainsKey(k), $"the hub writes timeline kind '{k}' and the portal has no Chinese for it"));
        Assert.All(outcomes, o => Assert.True(PortalText.Outcomes.ContainsKey(o), $"the hub writes outcome '{o}' and the portal has no Chinese for it"));
    }

    [Fact]
    public void PortalPage_StatusLabelsOfItsLists_AgreeWithTheTable()
    {
        var script = File.ReadAllText(Path.Combine(Azurite.RepoRoot(), "functions", "IntegrationHub", "Portal", "wwwroot", "portal.js"));

        foreach (var (status, label) in PortalText.Statuses)
        {
            Assert.Contains($"    {status}: '{label}',", script, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("attempt", "Received", null, null, "向公安投递：公安答复“部门已接收”")]
    [InlineData("attempt", "Transient", null, "wang", "wang 发起的重新投递：公安答复“暂时故障”")]
    [InlineData("handoff-failed", "Transient", null, null, "重试次数已用尽，投递失败（最后一次：暂时故障）")]
    [InlineData("handoff-failed", "ConfigurationFault", null, null, "投递永久失败（配置错误），不再自动重试")]
    [InlineData("status", null, "InReview", null, "办理状态由“已受理”变为“审核中”")]
    [InlineData("status-ignored", null, "Approved", null, "公安的状态通知早于已记录的进度或不合流程，已忽略；办理状态仍为“办结·准予”")]
    public void Sentence_FromTheEntrysFields_IsChinese(string kind, string? outcome, string? status, string? actor, string expected)
    {
        var entry = new TimelineEntity
        {
            Kind = kind, Outcome = outcome, Status = status, Actor = actor, PreviousStatus = status is null ? null : "Accepted",
            Summary = "the stored English summary",
        };

        Assert.Equal(expected, PortalText.Sentence(entry, "GA"));
    }

    [Fact]
    public void Sentence_Resolved_CarriesTheOperatorsReason()
    {
        var entry = new TimelineEntity { Kind = "resolved", Actor = "wang", Summary = PortalText.ResolvedSummary("wang", "已到窗口办理") };

        Assert.Equal("wang 标记为已处理，原因：已到窗口办理", PortalText.Sentence(entry, "GA"));
        Assert.Equal("Resolved by wang: 已到窗口办理", entry.Summary);
    }

    // Kind = "attempt", entry.Kind = "status-ignored": every literal kind the hub puts on a timeline entry.
    [GeneratedRegex("""Kind = "([a-z-]+)"(?=[,;\s}])""")]
    private static partial Regex KindWritten();

    // Outcome = "Poison": the outcomes the hub writes besides the HandoffOutcomeKind names.
    [GeneratedRegex("""Outcome = "([A-Za-z]+)""")]
    private static partial Regex OutcomeWritten();
}
