using WireMock;

namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// The 人社 sandbox's fault injection for soak runs (off unless Faults is set), on every trade: busy (9001 or 9002), 5xx
/// from the web server in front of the gateway, and lost answers after the case is opened. Maintenance (9003) is the
/// window in <see cref="SocialSecuritySandboxSettings"/>.
/// </summary>
public sealed partial class SocialSecuritySandbox
{
    private SandboxFault DrawFault() => Faults?.Draw(
        SandboxFaultKind.Busy, SandboxFaultKind.ServerError, SandboxFaultKind.DroppedAnswer, SandboxFaultKind.LateAnswer) ?? SandboxFault.None;

    // A refusal comes before the gateway looks at the trade, so no case is opened.
    private Answer? Injected(SandboxFault fault, Envelope envelope) => fault.Kind switch
    {
        SandboxFaultKind.Busy => Faults!.Next(2) == 0
            ? Answer.Of(new Fault("9001", "系统繁忙，请稍后重试"), envelope.TransId)
            : Answer.Of(new Fault("9002", "内部处理超时"), envelope.TransId),
        // Assumption: the document lists no HTTP status, but the web server in front of the gateway can still answer 502.
        SandboxFaultKind.ServerError => new Answer("HTTP 502", "Bad Gateway", envelope.TransId, null, null, HttpStatus: 502),
        _ => null,
    };

    private async Task<IResponseMessage> Finish(Answer answer, SandboxFault fault)
    {
        Faults?.NoteLostAnswer(fault, answer.TransId);
        if (fault.Kind == SandboxFaultKind.LateAnswer)
        {
            await Task.Delay(Faults!.Rates.LateBy, Time, Stopping).ConfigureAwait(false);
        }

        return fault.Kind == SandboxFaultKind.DroppedAnswer ? SandboxFaults.Dropped(answer.ToResponse()) : answer.ToResponse();
    }
}
