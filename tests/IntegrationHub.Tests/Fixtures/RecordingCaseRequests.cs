using System.Collections.Concurrent;
using IntegrationHub.Departments;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>
/// Issue 11's department side for a department whose adapter does not implement <see cref="IDepartmentCaseRequests"/> yet
/// (the adapters come with i10-kit): it behaves as the documents say (the same bytes and code answer the same file id; a
/// request for a case not in the state it needs is a Conflict) and records what it got. The fixture adds one only for a
/// department without a real implementation, so the real ones take over as soon as they are registered.
/// </summary>
public sealed class RecordingCaseRequests(string department) : IDepartmentCaseRequests
{
    public string Department { get; } = department;

    public ConcurrentQueue<(string ItemCode, string Code, string Sha256Hex, int Size)> Uploads { get; } = new();

    public ConcurrentQueue<SupplementRequest> Supplements { get; } = new();

    public ConcurrentQueue<WithdrawalRequest> Withdrawals { get; } = new();

    /// <summary>Cases (by case number) that are not waiting for a supplement or are decided: the next request is a Conflict.</summary>
    public ConcurrentDictionary<string, string> Conflicting { get; } = new();

    private int _busyAfter = -1;

    /// <summary>The department answers <paramref name="uploads"/> more uploads, then is busy (503) once.</summary>
    public void BusyAfter(int uploads) => Interlocked.Exchange(ref _busyAfter, uploads);

    public Task<MaterialUploadOutcome> UploadAsync(string itemCode, MaterialFile file, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _busyAfter) == -1)
        {
            return Task.FromResult(new MaterialUploadOutcome(HandoffOutcomeKind.Transient, DepartmentCode: "503", DepartmentMessage: "busy"));
        }

        Uploads.Enqueue((itemCode, file.Code, file.Sha256Hex, file.Content.Length));
        return Task.FromResult(new MaterialUploadOutcome(HandoffOutcomeKind.Received, $"T{file.Code}-{file.Sha256Hex[..16]}", "0000"));
    }

    public Task<HandoffOutcome> SupplementAsync(SupplementRequest request, CancellationToken cancellationToken)
    {
        Supplements.Enqueue(request);
        return Task.FromResult(Answer(request.CaseNumber));
    }

    public Task<HandoffOutcome> WithdrawAsync(WithdrawalRequest request, CancellationToken cancellationToken)
    {
        Withdrawals.Enqueue(request);
        return Task.FromResult(Answer(request.CaseNumber));
    }

    private HandoffOutcome Answer(string caseNumber) => Conflicting.TryGetValue(caseNumber, out var code)
        ? new HandoffOutcome(HandoffOutcomeKind.Conflict, code, "案件状态不允许", caseNumber)
        : new HandoffOutcome(HandoffOutcomeKind.Received, "0000", "成功", caseNumber);

    /// <summary>Adds a recording department side for each department that has no real one registered.</summary>
    public static void AddWhereMissing(IServiceCollection services, IDictionary<string, RecordingCaseRequests> recorders)
    {
        if (services.Any(d => d.ServiceType == typeof(IDepartmentCaseRequests)))
        {
            return;
        }

        foreach (var department in new[] { "GA", "FG", "RS" })
        {
            var recorder = recorders[department] = new RecordingCaseRequests(department);
            services.AddSingleton<IDepartmentCaseRequests>(recorder);
        }
    }
}
