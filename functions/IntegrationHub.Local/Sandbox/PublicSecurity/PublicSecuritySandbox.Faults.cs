using System.Net;

namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// The 公安 sandbox's fault injection for soak runs (off unless Faults is set): busy (9001), 5xx, 503 with Retry-After
/// (also inside a maintenance window), lost answers after the case is opened; and in the clerk's notifications,
/// duplicates, reordering and forged signatures.
/// </summary>
public sealed partial class PublicSecuritySandbox
{
    private SandboxFault DrawFault() => Faults?.Draw(
        SandboxFaultKind.Busy, SandboxFaultKind.ServerError, SandboxFaultKind.Unavailable,
        SandboxFaultKind.DroppedAnswer, SandboxFaultKind.LateAnswer) ?? SandboxFault.None;

    // A refusal comes before the bureau looks at the request, so no case is opened.
    private static Answer? Injected(SandboxFault fault) => fault.Kind switch
    {
        SandboxFaultKind.Busy => Answer.Of(new Fault("9001", "系统繁忙，请稍后重试")),
        SandboxFaultKind.ServerError => new Answer(500, null, "网关错误", Gb18030.GetBytes("Internal Server Error")),
        SandboxFaultKind.Unavailable => Answer.Unavailable(fault.RetryAfter > TimeSpan.Zero ? SandboxFaults.Seconds(fault.RetryAfter) : null),
        _ => null,
    };

    private Task DecideLaterWithFaultsAsync(string slbh, TimeSpan delay, TimeSpan retryUnit, SandboxFaults faults) =>
        faults.RunCallbacksAsync(DecisionSteps.Length, delay,
            step =>
            {
                if (step == DecisionSteps.Length - 1)
                {
                    Set(() => Cases.Decide(slbh));
                }
            },
            (step, happenedAt) => NotifyUntilAcknowledgedAsync(slbh, DecisionSteps[step].Status, DecisionSteps[step].Opinion, retryUnit, happenedAt),
            () => ForgeAsync(slbh), Stopping);

    // A forged notification claims the opposite outcome; accepted, it would end the application as denied.
    private Task<HttpStatusCode?> ForgeAsync(string slbh) =>
        SendOrNullAsync(async () => (await SendNotificationAsync(slbh, "06", "不予办理", Now(), forgeSignature: true).ConfigureAwait(false)).Status);
}
