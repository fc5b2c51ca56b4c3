namespace IntegrationHub.Local.Sandbox;

/// <summary>Where a sandbox case stands in the 补正 / 撤回 lifecycle (the same in all three documents).</summary>
public enum SandboxCaseState
{
    /// <summary>Received or accepted, not decided: a withdrawal is possible.</summary>
    Open,

    /// <summary>The department asked for a supplement and waits for it.</summary>
    AwaitingSupplement,

    /// <summary>Approved, denied or rejected: final.</summary>
    Decided,

    /// <summary>Withdrawn by the applicant: final.</summary>
    Withdrawn,
}

/// <summary>A supplement or withdrawal as the department accepted it.</summary>
public sealed record ReceivedCaseRequest(string CaseNumber, string Note, IReadOnlyList<(string Code, string Id)> Materials, DateTimeOffset At);

/// <summary>What a supplement or withdrawal meets; each department answers it with its own code.</summary>
internal enum CaseRequestResult
{
    Accepted,
    UnknownCase,
    NotAwaitingSupplement,
    MissingWantedMaterial,
    AlreadyDecided,
}

/// <summary>
/// The lifecycle rules the three documents share: one supplement per case, asked at most once (一次性告知), every wanted
/// material in it; a withdrawal until the decision. Also the sandbox rules keyed on the applicant's name
/// (docs/sandboxes.md). Used under the department's lock.
/// </summary>
internal sealed class SandboxCases
{
    /// <summary>An applicant whose name contains this is asked once for a supplement by the clerk.</summary>
    public const string SupplementRule = "补正";

    /// <summary>An applicant whose name contains this is accepted and never decided by the clerk on its own.</summary>
    public const string HoldRule = "撤回";

    private readonly Dictionary<string, Entry> _cases = new(StringComparer.Ordinal);
    private readonly List<ReceivedCaseRequest> _supplements = [];
    private readonly List<ReceivedCaseRequest> _withdrawals = [];

    public IReadOnlyList<ReceivedCaseRequest> Supplements => _supplements;

    public IReadOnlyList<ReceivedCaseRequest> Withdrawals => _withdrawals;

    /// <summary>Opens a case for an application by <paramref name="applicantName"/> that referenced <paramref name="materialCodes"/>.</summary>
    public void Open(string caseNumber, string? applicantName, IEnumerable<string> materialCodes) =>
        _cases[caseNumber] = new Entry(applicantName ?? "", [.. materialCodes.Distinct(StringComparer.Ordinal)]);

    public SandboxCaseState? State(string caseNumber) => _cases.GetValueOrDefault(caseNumber)?.State;

    /// <summary>The codes the department wants in the pending supplement (empty when none is pending).</summary>
    public IReadOnlyList<string> Wanted(string caseNumber) => _cases.GetValueOrDefault(caseNumber)?.Wanted ?? [];

    /// <summary>True when the name rule says the clerk asks for a supplement (and it has not asked yet).</summary>
    public bool WantsSupplementByRule(string caseNumber) =>
        _cases.GetValueOrDefault(caseNumber) is { SupplementAsked: false } entry && entry.ApplicantName.Contains(SupplementRule, StringComparison.Ordinal);

    /// <summary>True when the name rule says the clerk leaves the case undecided.</summary>
    public bool HeldByRule(string caseNumber) =>
        _cases.GetValueOrDefault(caseNumber)?.ApplicantName.Contains(HoldRule, StringComparison.Ordinal) == true;

    /// <summary>The codes the clerk asks for by the name rule: what the application referenced.</summary>
    public IReadOnlyList<string> Referenced(string caseNumber) => _cases.GetValueOrDefault(caseNumber)?.Referenced ?? [];

    /// <summary>Asks for a supplement; false when the case is unknown, not open, or was asked once already.</summary>
    public bool AskSupplement(string caseNumber, IReadOnlyList<string> wanted)
    {
        if (_cases.GetValueOrDefault(caseNumber) is not { State: SandboxCaseState.Open, SupplementAsked: false } entry)
        {
            return false;
        }

        entry.State = SandboxCaseState.AwaitingSupplement;
        entry.SupplementAsked = true;
        entry.Wanted = wanted;
        return true;
    }

    /// <summary>A supplement with a note and the codes and ids of its materials; missing names the first wanted code absent.</summary>
    public CaseRequestResult Supplement(string caseNumber, string note, IReadOnlyList<(string Code, string Id)> materials, DateTimeOffset at, out string? missing)
    {
        missing = null;
        if (!_cases.TryGetValue(caseNumber, out var entry))
        {
            return CaseRequestResult.UnknownCase;
        }

        if (entry.State != SandboxCaseState.AwaitingSupplement)
        {
            return CaseRequestResult.NotAwaitingSupplement;
        }

        missing = entry.Wanted.FirstOrDefault(code => !materials.Any(m => m.Code == code));
        if (missing is not null)
        {
            return CaseRequestResult.MissingWantedMaterial;
        }

        entry.State = SandboxCaseState.Open;
        entry.Wanted = [];
        _supplements.Add(new ReceivedCaseRequest(caseNumber, note, materials, at));
        return CaseRequestResult.Accepted;
    }

    public CaseRequestResult Withdraw(string caseNumber, string reason, DateTimeOffset at)
    {
        if (!_cases.TryGetValue(caseNumber, out var entry))
        {
            return CaseRequestResult.UnknownCase;
        }

        if (entry.State is SandboxCaseState.Decided or SandboxCaseState.Withdrawn)
        {
            return CaseRequestResult.AlreadyDecided;
        }

        entry.State = SandboxCaseState.Withdrawn;
        entry.Wanted = [];
        _withdrawals.Add(new ReceivedCaseRequest(caseNumber, reason, [], at));
        return CaseRequestResult.Accepted;
    }

    /// <summary>Decides an open case; false when it waits for a supplement, was withdrawn or decided already.</summary>
    public bool Decide(string caseNumber)
    {
        if (_cases.GetValueOrDefault(caseNumber) is not { State: SandboxCaseState.Open } entry)
        {
            return false;
        }

        entry.State = SandboxCaseState.Decided;
        return true;
    }

    /// <summary>True while the clerk may go on with the case (not withdrawn, not waiting for a supplement, not decided).</summary>
    public bool IsOpen(string caseNumber) => State(caseNumber) == SandboxCaseState.Open;

    private sealed class Entry(string applicantName, IReadOnlyList<string> referenced)
    {
        public string ApplicantName { get; } = applicantName;

        public IReadOnlyList<string> Referenced { get; } = referenced;

        public SandboxCaseState State { get; set; } = SandboxCaseState.Open;

        public bool SupplementAsked { get; set; }

        public IReadOnlyList<string> Wanted { get; set; } = [];
    }
}
