namespace IntegrationHub.Departments;

/// <summary>
/// A material the hub holds for an application, as an adapter uploads it. <see cref="Code"/> is the catalog's material
/// code (e.g. <c>leaseContract</c>); each adapter maps it to its department's own code (ZLHT, lease_contract, …).
/// </summary>
/// <param name="Code">The catalog's material code.</param>
/// <param name="MediaType"><c>image/jpeg</c>, <c>image/png</c> or <c>application/pdf</c>, checked against the bytes at upload.</param>
/// <param name="Content">The file's bytes, decrypted for this call only.</param>
/// <param name="Sha256Hex">Lowercase hex SHA-256 of <paramref name="Content"/>.</param>
internal sealed record MaterialFile(string Code, string MediaType, ReadOnlyMemory<byte> Content, string Sha256Hex);

/// <summary>A material the department already holds: the catalog's code and the department's file id (CLID, file_id).</summary>
internal sealed record MaterialReference(string Code, string DepartmentFileId);

/// <summary>
/// How uploading one material ended. <see cref="HandoffOutcomeKind.Received"/> carries the department's file id;
/// <see cref="HandoffOutcomeKind.Invalid"/> means the department refused the file itself (type, size, hash);
/// Transient, Held and ConfigurationFault as for a delivery.
/// </summary>
internal sealed record MaterialUploadOutcome(
    HandoffOutcomeKind Kind,
    string? DepartmentFileId = null,
    string? DepartmentCode = null,
    string? DepartmentMessage = null,
    TimeSpan? RetryAfter = null,
    IReadOnlyList<DepartmentCall>? Calls = null);

/// <summary>A resident's answer to a department's 补正, for a case the department already has.</summary>
/// <param name="ApplicationId">The hub's application id.</param>
/// <param name="ItemCode">The catalog item code.</param>
/// <param name="RequestKey">The idempotency key of this request (LSH, request_id, trans_id): the same across retries and replays.</param>
/// <param name="CaseNumber">The department's case number (SLBH, ticket_no, AAZ002).</param>
/// <param name="Note">The resident's note (BZSM).</param>
/// <param name="Materials">The materials sent with it, already uploaded.</param>
/// <param name="TraceParent">W3C traceparent of the request that started it.</param>
internal sealed record SupplementRequest(
    string ApplicationId,
    string ItemCode,
    string RequestKey,
    string CaseNumber,
    string Note,
    IReadOnlyList<MaterialReference> Materials,
    string? TraceParent);

/// <summary>A resident's 撤回 of a case the department already has.</summary>
internal sealed record WithdrawalRequest(
    string ApplicationId,
    string ItemCode,
    string RequestKey,
    string CaseNumber,
    string Reason,
    string? TraceParent);

/// <summary>
/// One department's side of the licensing lifecycle after the application itself (公安 v2.2, 房管 v2.3, 人社 v3.1):
/// materials uploaded before they are referenced, the one supplement a case may be asked for, and withdrawal until the
/// decision. Implemented in each department's folder beside its <see cref="IDepartmentAdapter"/>.
/// </summary>
internal interface IDepartmentCaseRequests
{
    /// <summary>The department code (GA, FG, RS).</summary>
    string Department { get; }

    /// <summary>Uploads one material for an item; the department answers the same file id for the same bytes and code.</summary>
    Task<MaterialUploadOutcome> UploadAsync(string itemCode, MaterialFile file, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a supplement. Received when the department took it; <see cref="HandoffOutcomeKind.Conflict"/> when the
    /// case is not waiting for one (3002, 409, 8003); Invalid when a wanted material is missing (2002, 400, 1002).
    /// </summary>
    Task<HandoffOutcome> SupplementAsync(SupplementRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a withdrawal. Received when the department took it (the final <c>Withdrawn</c> status comes as a report);
    /// <see cref="HandoffOutcomeKind.Conflict"/> when the case is already decided or withdrawn (3002, 409, 8004).
    /// </summary>
    Task<HandoffOutcome> WithdrawAsync(WithdrawalRequest request, CancellationToken cancellationToken);
}
