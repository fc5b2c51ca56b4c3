using System.Collections.Frozen;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Storage;

namespace IntegrationHub.Portal;

/// <summary>
/// The one table that turns a timeline entry into the portal's Chinese: its kind, outcome class and status. The
/// stored summary stays English (it is what logs and engineers read); operators read the sentence made here from the
/// entry's fields, at the view.
/// </summary>
internal static class PortalText
{
    public static readonly FrozenDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["received"] = "收到申请",
        ["attempt"] = "投递尝试",
        ["handoff-failed"] = "投递失败",
        ["replay-requested"] = "请求重新投递",
        ["resolved"] = "标记已处理",
        ["status"] = "状态变更",
        ["status-ignored"] = "状态通知已忽略",
        ["platform-notified"] = "已通知平台",
        ["calls"] = "部门查询记录",
        ["erased"] = "个人信息已删除",
        ["supplement"] = "申请人补正",
        ["supplement-delivered"] = "补正已送达",
        ["supplement-conflict"] = "补正未被接收",
        ["withdrawal"] = "申请人撤回",
        ["withdrawal-delivered"] = "撤回已送达",
        ["withdrawal-conflict"] = "撤回未被接收",
    }.ToFrozenDictionary();

    /// <summary>Every <see cref="HandoffOutcomeKind"/>, and the two outcomes the dispatcher writes of its own (Poison, Erased).</summary>
    public static readonly FrozenDictionary<string, string> Outcomes = new Dictionary<string, string>
    {
        [nameof(HandoffOutcomeKind.Received)] = "部门已接收",
        [nameof(HandoffOutcomeKind.Completed)] = "即时办结",
        [nameof(HandoffOutcomeKind.Rejected)] = "业务拒绝",
        [nameof(HandoffOutcomeKind.Invalid)] = "请求无效",
        [nameof(HandoffOutcomeKind.ConfigurationFault)] = "配置错误",
        [nameof(HandoffOutcomeKind.Transient)] = "暂时故障",
        [nameof(HandoffOutcomeKind.Held)] = "暂缓投递",
        [nameof(HandoffOutcomeKind.Conflict)] = "办件状态不符",
        ["Poison"] = "异常终止",
        ["Erased"] = "个人信息已删除",
        ["Pending"] = "等待送达",
        ["Delivered"] = "已送达",
        ["Cancelled"] = "已取消",
    }.ToFrozenDictionary();

    public static readonly FrozenDictionary<string, string> Statuses = new Dictionary<string, string>
    {
        [nameof(ApplicationStatus.Submitted)] = "已提交",
        [nameof(ApplicationStatus.Delivered)] = "已送达部门",
        [nameof(ApplicationStatus.Accepted)] = "已受理",
        [nameof(ApplicationStatus.SupplementRequired)] = "待补正",
        [nameof(ApplicationStatus.InReview)] = "审核中",
        [nameof(ApplicationStatus.Rejected)] = "不予受理",
        [nameof(ApplicationStatus.Approved)] = "办结·准予",
        [nameof(ApplicationStatus.Denied)] = "办结·不予",
        [nameof(ApplicationStatus.Withdrawn)] = "已撤回",
    }.ToFrozenDictionary();

    public static string? Outcome(string? outcome) => outcome is null ? null : Outcomes.GetValueOrDefault(outcome, outcome);

    public static string? Status(string? status) => status is null ? null : Statuses.GetValueOrDefault(status, status);

    public static string? Status(ApplicationStatus? status) => status is { } s ? Status(s.ToString()) : null;

    public static string Kind(string kind) => Kinds.GetValueOrDefault(kind, kind);

    /// <summary>The entry as one Chinese sentence. A kind this table does not know keeps its stored summary, so nothing is hidden.</summary>
    public static string Sentence(TimelineEntity entry, string department)
    {
        var to = ServiceCatalog.DepartmentName(department);
        var outcome = Outcome(entry.Outcome);
        var status = Status(entry.Status);
        return entry.Kind switch
        {
            "received" => "收到平台提交的申请，已校验并保存，等待投递",
            "attempt" when entry.Actor is { Length: > 0 } actor => $"{actor} 发起的重新投递：{to}答复“{outcome}”",
            "attempt" => $"向{to}投递：{to}答复“{outcome}”",
            "handoff-failed" => entry.Outcome switch
            {
                nameof(HandoffOutcomeKind.Invalid) or nameof(HandoffOutcomeKind.ConfigurationFault) => $"投递永久失败（{outcome}），不再自动重试",
                "Poison" => "多次出现意外错误，投递已终止",
                "Erased" => "个人信息已按保存期限删除，无法再投递",
                _ => $"重试次数已用尽，投递失败（最后一次：{outcome}）",
            },
            "replay-requested" => $"{entry.Actor} 请求重新投递",
            "resolved" => ResolvedReason(entry) is { } reason ? $"{entry.Actor} 标记为已处理，原因：{reason}" : $"{entry.Actor} 标记为已处理",
            "status" when Status(entry.PreviousStatus) is { } from => $"办理状态由“{from}”变为“{status}”",
            "status" => $"办理状态变为“{status}”",
            // Assumption: the ignored report's own status is kept only in the stored summary; operators read the status that stands.
            "status-ignored" => $"{to}的状态通知早于已记录的进度或不合流程，已忽略；办理状态仍为“{status}”",
            "platform-notified" => $"平台已确认收到状态通知（{status}）",
            "calls" => $"向{to}查询办理状态 {entry.CallCount ?? 0} 次，均无新进展",
            "erased" => "个人信息已按保存期限删除，仅保留脱敏的时间线",
            "supplement" => $"申请人提交补正材料，等待送达{to}",
            "withdrawal" when entry.Outcome == "Cancelled" => $"申请人在投递到达{to}之前撤回，投递已取消，未联系{to}",
            "withdrawal" => $"申请人申请撤回，等待送达{to}",
            "supplement-delivered" => $"{to}已接收补正",
            "withdrawal-delivered" => $"{to}已接收撤回申请，等待{to}确认撤回",
            "supplement-conflict" or "withdrawal-conflict" => $"{to}因办件状态不接收（{entry.DepartmentCode}）：{entry.DepartmentMessage}",
            _ => entry.Summary,
        };
    }

    /// <summary>The stored (English) summary of a resolution; the reason an operator gave is kept only inside it.</summary>
    public static string ResolvedSummary(string actor, string reason) => $"{ResolvedPrefix(actor)}{reason}";

    private static string ResolvedPrefix(string? actor) => $"Resolved by {actor}: ";

    private static string? ResolvedReason(TimelineEntity entry) =>
        entry.Summary.StartsWith(ResolvedPrefix(entry.Actor), StringComparison.Ordinal) ? entry.Summary[ResolvedPrefix(entry.Actor).Length..] : null;
}
