using IntegrationHub.Contracts;

namespace IntegrationHub.Suggestions;

/// <summary>
/// The life of a suggestion, as pure rules over its main row: which step may follow which, what each step changes, and
/// the 24-hour clock. No I/O; <see cref="SuggestionService"/> commits what these return.
/// </summary>
internal static class SuggestionSteps
{
    public const string Submitted = "submitted";
    public const string Accept = "accepted";
    public const string Progress = "progress";
    public const string Resolve = "resolved";
    public const string Transfer = "transferred";
    public const string Rated = "rated";
    public const string Warning = "deadline-warning";
    public const string Breach = "deadline-breached";
    public const string Erased = "erased";

    public const string Unsatisfied = "不满意";

    public static readonly IReadOnlyList<string> Categories = ["环境卫生", "设施维修", "安全隐患", "邻里纠纷", "物业管理", "其他"];

    public static readonly IReadOnlyList<string> Ratings = ["满意", "基本满意", Unsatisfied];

    /// <summary>The steps a community worker takes, as the portal names them.</summary>
    public static readonly IReadOnlyList<string> WorkerSteps = [Accept, Progress, Resolve, Transfer];

    private static readonly SuggestionStatus[] Handling = [SuggestionStatus.Accepted, SuggestionStatus.InProgress, SuggestionStatus.Reopened];

    public static SuggestionStatus StatusOf(SuggestionEntity s) => s.Status;

    /// <summary>
    /// A worker's step, or why it cannot be taken now. The clock stops at the first answer after acceptance: a result,
    /// a transfer, or a progress note (acceptance alone does not stop it).
    /// </summary>
    public static (SuggestionStepEntity? Step, string? Refusal) Take(SuggestionEntity s, string step, string? note, string? department, string actor, DateTimeOffset now)
    {
        var from = StatusOf(s);
        var (to, allowed) = step switch
        {
            Accept => (SuggestionStatus.Accepted, from == SuggestionStatus.Submitted),
            Progress => (SuggestionStatus.InProgress, Handling.Contains(from)),
            Resolve => (SuggestionStatus.Resolved, Handling.Contains(from)),
            Transfer => (SuggestionStatus.Transferred, Handling.Contains(from)),
            _ => (from, false),
        };
        if (!allowed)
        {
            return (null, step == Accept
                ? $"is {from}: only a submitted suggestion can be accepted."
                : $"is {from}: feedback, a result or a transfer needs an accepted suggestion that is not yet answered.");
        }

        s.Status = to;
        if (step == Accept)
        {
            s.AcceptedBy = actor;
        }
        else
        {
            s.AnsweredAt ??= now;
        }

        var summary = step switch
        {
            Accept => $"受理：{actor}",
            Progress => $"进展反馈（{actor}）",
            Resolve => $"结果反馈（{actor}）",
            _ => $"转办至{department}（{actor}）",
        };
        return (new SuggestionStepEntity { Step = step, Status = s.Status, PreviousStatus = from, Summary = summary, Note = note, Actor = actor, Department = department, At = now }, null);
    }

    /// <summary>The resident's rating: closes the suggestion, except that the first 不满意 reopens it.</summary>
    public static (SuggestionStepEntity? Step, string? Refusal) Rate(SuggestionEntity s, string rating, DateTimeOffset now)
    {
        var from = StatusOf(s);
        if (from is not (SuggestionStatus.Resolved or SuggestionStatus.Transferred))
        {
            return (null, $"is {from}: a rating follows a result or a transfer.");
        }

        var reopen = rating == Unsatisfied && !s.Reopened;
        s.Status = (reopen ? SuggestionStatus.Reopened : SuggestionStatus.Closed);
        s.Reopened |= reopen;
        s.Rating = rating;
        var summary = reopen ? $"居民评价：{rating}，重新办理（仅一次）" : $"居民评价：{rating}，办结";
        return (new SuggestionStepEntity { Step = Rated, Status = s.Status, PreviousStatus = from, Summary = summary, Rating = rating, At = now }, null);
    }

    /// <summary>The clock's steps due at <paramref name="now"/>: the warning, then the breach, each once, while no answer has come.</summary>
    public static IReadOnlyList<SuggestionStepEntity> Clock(SuggestionEntity s, string streetName, DateTimeOffset now)
    {
        var steps = new List<SuggestionStepEntity>();
        if (s.AnsweredAt is not null || StatusOf(s) == SuggestionStatus.Closed)
        {
            return steps;
        }

        if (!s.Warned && now >= s.WarnAt)
        {
            s.Warned = true;
            steps.Add(new SuggestionStepEntity { Step = Warning, Status = s.Status, PreviousStatus = s.Status, At = now,
                Summary = $"预警：提交已满 {(s.WarnAt - s.SubmittedAt).TotalHours:0.#} 小时仍未反馈，{(s.DueAt - s.SubmittedAt).TotalHours:0.#} 小时时限将到" });
        }

        if (!s.Breached && now >= s.DueAt)
        {
            s.Breached = true;
            steps.Add(new SuggestionStepEntity { Step = Breach, Status = s.Status, PreviousStatus = s.Status, At = now,
                Summary = $"超时：{(s.DueAt - s.SubmittedAt).TotalHours:0.#} 小时内未受理并反馈，已标记并上报{streetName}主管" });
        }

        return steps;
    }

    /// <summary>When the clock next needs looking at, or null once it stopped or has nothing left to say.</summary>
    public static DateTimeOffset? NextMilestone(SuggestionEntity s) =>
        s.AnsweredAt is not null || StatusOf(s) == SuggestionStatus.Closed ? null
        : !s.Warned ? s.WarnAt
        : !s.Breached ? s.DueAt
        : null;

    /// <summary>Accepted and answered within the limit; null while the clock runs.</summary>
    public static bool? OnTime(SuggestionEntity s) =>
        s.AnsweredAt is { } answered ? answered <= s.DueAt : s.Breached ? false : null;

    public static SuggestionClock ClockOf(SuggestionEntity s) =>
        new(s.SubmittedAt, s.WarnAt, s.DueAt, s.AnsweredAt, s.Warned, s.Breached, OnTime(s));
}
