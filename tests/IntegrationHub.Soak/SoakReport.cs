using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using IntegrationHub.Contracts;

namespace IntegrationHub.Soak;

/// <summary>An application the soak counts against the hub, with what its timeline says.</summary>
internal sealed record Finding(string What, string? ApplicationId, string ItemCode, string IdempotencyKey, string? Status, string? Handoff,
    string? CaseNumber, int DepartmentCases, IReadOnlyList<string> DepartmentAnswers, IReadOnlyList<string> Timeline);

/// <summary>The figures of one run, counted from the platform's side (submissions, the feed, the applications) and from
/// the departments' side (calls received, cases opened), never from the hub's own counters.</summary>
internal sealed partial class SoakReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<string> _lines = [];

    public int Submitted { get; private init; }

    public int Accepted { get; private init; }

    public int Final { get; private init; }

    public int Lost { get; private init; }

    public int NeverAccepted { get; private init; }

    public int WrongFinal { get; private init; }

    public int DuplicateCases { get; private init; }

    /// <summary>Read-only instant queries asked again after their only answer was lost (not cases of their own).</summary>
    public int InstantRequeries { get; private init; }

    public int IdempotencyBreaks { get; private init; }

    public int SeveralFinalEvents { get; private init; }

    public double RequestsPerApplication { get; private init; }

    public IReadOnlyList<Finding> Findings { get; private init; } = [];

    public bool Clean => Lost == 0 && NeverAccepted == 0 && WrongFinal == 0 && DuplicateCases == 0 && IdempotencyBreaks == 0 && SeveralFinalEvents == 0;

    public static SoakReport Build(SoakOptions options, IReadOnlyList<Submission> submissions, IReadOnlyDictionary<string, ApplicationView?> views,
        Submissions platformSide, IReadOnlyList<DepartmentTally> departments, RestartRecord restart,
        DateTimeOffset started, DateTimeOffset finished, TimeSpan wallTime)
    {
        var accepted = submissions.Where(s => s.ApplicationId is not null).ToList();
        var casesByPerson = departments.SelectMany(d => d.Cases).GroupBy(c => c.IdNumber ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var soakPersons = submissions.Select(s => s.Application.IdNumber).ToHashSet(StringComparer.Ordinal);
        var answers = departments
            .SelectMany(d => d.AnswersByKey.SelectMany(key => key.Select(answer => (key.Key, Answer: $"{d.Department} {answer}")))
                .Concat(d.LostAnswers.Select(lost => (lost.Key, Answer: $"({lost.Value} of these answers lost on the way back)"))))
            .ToLookup(a => a.Key, a => a.Answer, StringComparer.Ordinal);
        var findings = new List<Finding>();
        var durations = new List<(string Department, TimeSpan Took)>();
        var final = 0;
        var wrong = 0;
        foreach (var submission in accepted)
        {
            var view = views.GetValueOrDefault(submission.ApplicationId!);
            var cases = casesByPerson.GetValueOrDefault(submission.Application.IdNumber)?.Count ?? 0;
            if (view is null)
            {
                findings.Add(Note("missing: accepted, then unknown to the hub", submission, null, cases, answers));
                continue;
            }

            if (SoakRun.FinalAt(view) is not { } at || !IsFinal(view.Status))
            {
                findings.Add(Note("lost: no final status by the end of the run", submission, view, cases, answers));
                continue;
            }

            final++;
            durations.Add((view.Department, at - submission.FirstSentAt!.Value));
            if (view.Status != ApplicationStatus.Approved)
            {
                // Every sandbox approves; only a forged callback could say otherwise.
                wrong++;
                findings.Add(Note($"wrong final status {view.Status} (the department approved)", submission, view, cases, answers));
            }
        }

        // A read-only instant query (公安 SFZJD) whose only answer was lost is asked again under "<key>-Q…": a second
        // question, not a second case of the application. Counted apart, never hidden.
        var requeries = casesByPerson.Values.Sum(cases => cases.Count(IsRequery));
        var duplicatePersons = casesByPerson
            .Where(p => p.Value.Count(c => !IsRequery(c)) > 1 && soakPersons.Contains(p.Key)).ToList();
        foreach (var (person, cases) in duplicatePersons)
        {
            var submission = submissions.First(s => s.Application.IdNumber == person);
            findings.Add(Note($"duplicate department cases: {string.Join(", ", cases.Select(c => $"{c.Department} {c.CaseNumber} (key {c.Key})"))}",
                submission, submission.ApplicationId is { } id ? views.GetValueOrDefault(id) : null, cases.Count, answers));
        }

        foreach (var submission in submissions.Where(s => s.SecondId is not null))
        {
            findings.Add(Note($"idempotency broken: the same Idempotency-Key was accepted as {submission.ApplicationId} and {submission.SecondId}",
                submission, views.GetValueOrDefault(submission.ApplicationId!), 0, answers));
        }

        foreach (var submission in submissions.Where(s => s.ApplicationId is not null && s.Refusal is not null))
        {
            findings.Add(Note($"idempotency broken: accepted, then the same submission again was refused: {submission.Refusal}",
                submission, views.GetValueOrDefault(submission.ApplicationId!), 0, answers));
        }

        foreach (var submission in submissions.Where(s => s.ApplicationId is null))
        {
            findings.Add(Note($"never accepted: {submission.Refusal}", submission, null, 0, answers));
        }

        var calls = departments.Sum(d => d.Calls);
        var report = new SoakReport
        {
            Submitted = submissions.Count,
            Accepted = accepted.Count,
            Final = final,
            Lost = accepted.Count - final,
            NeverAccepted = submissions.Count - accepted.Count,
            WrongFinal = wrong,
            DuplicateCases = duplicatePersons.Count,
            InstantRequeries = requeries,
            IdempotencyBreaks = submissions.Count(s => s.SecondId is not null || (s.ApplicationId is not null && s.Refusal is not null)),
            SeveralFinalEvents = platformSide.ApplicationsWithSeveralFinalEvents,
            RequestsPerApplication = accepted.Count == 0 ? 0 : (double)calls / accepted.Count,
            Findings = findings,
        };
        report.Describe(options, accepted, views, departments, casesByPerson, soakPersons, durations, platformSide, restart, started, finished, wallTime, calls);
        return report;
    }

    public void Print(TextWriter output, string runDirectory)
    {
        foreach (var line in _lines)
        {
            output.WriteLine(line);
        }

        if (Findings.Count == 0)
        {
            return;
        }

        var path = Path.Combine(runDirectory, "findings.json");
        File.WriteAllText(path, JsonSerializer.Serialize(Findings, Indented));
        output.WriteLine();
        output.WriteLine($"findings ({Findings.Count}; all of them in {path}):");
        foreach (var finding in Findings.Take(12))
        {
            output.WriteLine($"  {finding.What}");
            output.WriteLine($"    application {finding.ApplicationId ?? "-"} {finding.ItemCode} key {finding.IdempotencyKey}: status {finding.Status ?? "-"}, "
                + $"hand-off {finding.Handoff ?? "-"}, case {finding.CaseNumber ?? "-"}, department cases {finding.DepartmentCases}");
            output.WriteLine($"    the department answered its key: {(finding.DepartmentAnswers.Count == 0 ? "-" : string.Join(", ", finding.DepartmentAnswers))}");
            foreach (var entry in finding.Timeline.TakeLast(8))
            {
                output.WriteLine($"      {entry}");
            }
        }
    }

    private void Describe(SoakOptions options, List<Submission> accepted, IReadOnlyDictionary<string, ApplicationView?> views,
        IReadOnlyList<DepartmentTally> departments, Dictionary<string, List<DepartmentCase>> casesByPerson, HashSet<string> soakPersons,
        List<(string Department, TimeSpan Took)> durations, Submissions platformSide, RestartRecord restart,
        DateTimeOffset started, DateTimeOffset finished, TimeSpan wallTime, int calls)
    {
        var timelines = views.Values.OfType<ApplicationView>().SelectMany(v => v.Timeline).ToList();
        var took = durations.Select(d => d.Took).Order().ToList();
        Add("");
        Add($"soak result ({options.Applications} applications, seed {options.Seed}, faults ×{options.FaultScale}, restart {options.Restart.ToString().ToLowerInvariant()})");
        Add($"  submitted                  {Submitted}");
        Add($"  accepted (202)             {Accepted}");
        Add($"  final                      {Final}");
        Add($"  lost                       {Lost}   (accepted, but no final status by the end of the run, or missing)");
        Add($"  duplicate department cases {DuplicateCases}   (applications for which a department opened more than one case, counted by the departments)");
        Add($"  instant queries asked again {InstantRequeries}   (公安 SFZJD progress queries re-asked under a fresh LSH after their only answer was lost)");
        Add($"  requests per application   {RequestsPerApplication:0.00}   ({calls} department calls received / {Accepted} applications)");
        Add($"  time to final              p50 {Seconds(Percentile(took, 0.50))}, p99 {Seconds(Percentile(took, 0.99))}, max {Seconds(took.LastOrDefault())}   (first submission → final status)");
        Add("");
        Add("  also checked");
        Add($"    never accepted                     {NeverAccepted}");
        Add($"    final but not as decided           {WrongFinal}");
        Add($"    repeats not answered as the first  {IdempotencyBreaks}   ({accepted.Count(s => s.Retries > 0)} submissions retried after no answer or a 5xx, {platformSide.Retried} retries)");
        Add($"    several final events for one app   {SeveralFinalEvents}");
        Add($"    final events read from the feed    {views.Values.Count(v => v is not null && platformSide.FinalsInFeed.ContainsKey(v.ApplicationId))} of {Final} final applications ({platformSide.EventsRead} events)");
        Add($"    cases opened for unknown persons   {casesByPerson.Where(p => !soakPersons.Contains(p.Key)).Sum(p => p.Value.Count)}");
        Add($"    accepted without any department case {accepted.Count(s => !casesByPerson.ContainsKey(s.Application.IdNumber))}");
        Add($"    hub timeline: {timelines.Count(e => e.Kind == "attempt")} hand-off attempts (the departments received {departments.Sum(d => d.CallsByKind.GetValueOrDefault("applications"))} "
            + $"application calls), {timelines.Count(e => e.Kind == "status-ignored")} reports ignored (stale or illegal), {timelines.Count(e => e.Kind == "handoff-failed")} hand-offs failed");
        Add("");
        Add("  by department (counted by the department)");
        foreach (var department in departments)
        {
            var times = durations.Where(d => DepartmentOf(d.Department) == department.Department).Select(d => d.Took).Order().ToList();
            Add($"    {department.Department}: {department.Calls} calls ({string.Join(", ", department.CallsByKind.Select(k => $"{k.Value} {k.Key}"))}), "
                + $"{department.Cases.Count} cases ({department.CasesByItsOwnCount} by its own count), time to final p50 {Seconds(Percentile(times, 0.5))} p99 {Seconds(Percentile(times, 0.99))}");
            Add($"      faults injected: {(department.Faults.Count == 0 ? "none" : string.Join(", ", department.Faults.Select(f => $"{f.Key} {f.Value}")))}");
        }

        Add("");
        Add(restart.At is { } at
            ? $"  hub restart: {(restart.Mode == RestartMode.Kill ? "SIGKILL" : "SIGTERM")} at t+{at.TotalSeconds:0} s, away {restart.Down?.TotalSeconds:0.0} s"
            : "  hub restart: none");
        Add($"  run: {(finished - started).TotalSeconds:0} s from the first submission to the last check, {wallTime.TotalMinutes:0.0} min in all");
    }

    private static Finding Note(string what, Submission submission, ApplicationView? view, int cases, ILookup<string, string> answers) => new(
        what,
        submission.ApplicationId,
        submission.Application.ItemCode,
        submission.Application.IdempotencyKey,
        view?.Status.ToString(),
        view?.Handoff.ToString(),
        view?.CaseNumber,
        cases,
        submission.ApplicationId is { } id ? [.. answers[id]] : [],
        view?.Timeline.Select(e => $"{e.At:HH:mm:ss.fff} {e.Kind} {e.Summary}{(e.DepartmentCode is null ? "" : $" [{e.DepartmentCode}]")}").ToList() ?? []);

    private static bool IsFinal(ApplicationStatus status) => status is ApplicationStatus.Approved or ApplicationStatus.Denied or ApplicationStatus.Rejected;

    private static string DepartmentOf(string hubDepartment) => hubDepartment switch
    {
        "GA" => SoakDepartments.PublicSecurityName,
        "FG" => SoakDepartments.HousingName,
        _ => SoakDepartments.SocialSecurityName,
    };

    // Nearest rank: the smallest value with at least p of the values at or below it.
    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private void Add(string line) => _lines.Add(line);

    private static bool IsRequery(DepartmentCase c) => c.Key is { } key && RequeryKey().IsMatch(key);

    [System.Text.RegularExpressions.GeneratedRegex("-Q[0-9a-f]{5}$")]
    private static partial System.Text.RegularExpressions.Regex RequeryKey();
}
