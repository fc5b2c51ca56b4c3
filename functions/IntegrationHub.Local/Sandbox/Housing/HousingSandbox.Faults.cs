using System.Net;
using System.Text.Json.Nodes;
using WireMock;

namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// The 房管 sandbox's fault injection for soak runs (off unless Faults is set), on the API (not the token endpoint): 5xx,
/// 503 and 429 with Retry-After (503 also inside a maintenance window), lost answers after the ticket is opened; and in
/// the clerk's webhooks, extra duplicates, reordering and forged signatures.
/// </summary>
public sealed partial class HousingSandbox
{
    private async Task<IResponseMessage> ApiAsync(IRequestMessage request)
    {
        var fault = Faults?.Draw(
            SandboxFaultKind.ServerError, SandboxFaultKind.Unavailable, SandboxFaultKind.RateLimited,
            SandboxFaultKind.DroppedAnswer, SandboxFaultKind.LateAnswer) ?? SandboxFault.None;
        var answer = Api(request, fault);
        if (fault.AnswerLost)
        {
            Faults!.NoteLostAnswer(fault, PeekRequestId(Decode(request.BodyData?.BodyAsBytes ?? [])));
        }

        if (fault.Kind == SandboxFaultKind.LateAnswer)
        {
            await Task.Delay(Faults!.Rates.LateBy, Time, Stopping).ConfigureAwait(false);
        }

        return fault.Kind == SandboxFaultKind.DroppedAnswer ? SandboxFaults.Dropped(answer) : answer;
    }

    // A refusal comes before the bureau looks at the request, so no ticket is opened.
    private static Answer? Injected(SandboxFault fault) => fault.Kind switch
    {
        SandboxFaultKind.ServerError => Answer.Json(500, new JsonObject { ["error"] = "internal_error" }),
        // Assumption: the document says only "5xx: transient"; planned maintenance is announced as 公安 does, 503 with Retry-After.
        SandboxFaultKind.Unavailable => Answer.Json(503, new JsonObject { ["error"] = "maintenance" }, fault.RetryAfter > TimeSpan.Zero ? (int)fault.RetryAfter.TotalSeconds : null),
        SandboxFaultKind.RateLimited => Answer.Json(429, new JsonObject { ["error"] = "rate_limited" }, (int)fault.RetryAfter.TotalSeconds),
        _ => null,
    };

    private Task DecideLaterWithFaultsAsync(string ticket, TimeSpan delay, TimeSpan retryUnit, SandboxFaults faults)
    {
        var eventIds = DecisionSteps.Select(_ => Guid.NewGuid().ToString()).ToArray();
        return faults.RunCallbacksAsync(DecisionSteps.Length, delay,
            step =>
            {
                if (step == DecisionSteps.Length - 1)
                {
                    Set(() => Cases.Decide(ticket));
                }

                SetStatus(ticket, DecisionSteps[step].Status, DecisionSteps[step].Reason);
            },
            async (step, happenedAt) =>
            {
                // At least once, as the document warns: every webhook twice, like the clerk without faults.
                var (status, reason) = DecisionSteps[step];
                await HandOffAsync(ticket, status, reason, happenedAt, eventIds[step], retryUnit).ConfigureAwait(false);
                await HandOffAsync(ticket, status, reason, happenedAt, eventIds[step], retryUnit).ConfigureAwait(false);
            },
            () => ForgeAsync(ticket), Stopping);
    }

    // A forged webhook claims the opposite outcome; accepted, it would end the application as denied.
    private Task<HttpStatusCode?> ForgeAsync(string ticket) =>
        SendOrNullAsync(() => SendWebhookAsync(ticket, "denied", "不符合保障条件", Now(), forgeSignature: true));
}
