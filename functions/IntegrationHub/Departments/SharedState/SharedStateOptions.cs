using System.ComponentModel.DataAnnotations;

namespace IntegrationHub.Departments.SharedState;

/// <summary>
/// How the instances share the departments' limits (bound under <c>Departments:Shared</c>; see docs/scale-out.md).
/// </summary>
internal sealed class SharedStateOptions
{
    public const string Section = "Departments:Shared";

    /// <summary>
    /// How old an instance's count of the instances may be when it calls a rate-limited department; an older one is
    /// renewed first (two storage calls, with its lease). A newcomer that finds others calls only <see cref="JoinWait"/>
    /// after joining, when every other instance's count includes it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan MembershipRefresh { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most Flex Consumption may start (mirrors <c>maximumInstanceCount</c> in infra/). Each instance paces its share
    /// on its own, and network jitter can put one more call of each instance into a bureau's one-second window, so a
    /// department's hub-wide <c>CallsPerSecond</c> plus this must stay within the document's limit.
    /// </summary>
    [Range(1, 100)]
    public int MaximumInstanceCount { get; set; } = 4;

    /// <summary>
    /// The longest a call waits in-process for its turn, or for a department's hold to end (a 429's second, waited and
    /// asked again in the client); beyond it the call is not made and the hand-off is held for the wait (retried later,
    /// not counted as a failure). Keep it well under the departments' attempt timeout, which it counts against.
    /// Two seconds: the dispatcher's 16 hand-offs in flight, each waiting for one paced call, fill one second of 房管's 16/s,
    /// so at one second a burst sat on the edge and held hand-offs that would have gone a moment later.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30", ParseLimitsInInvariantCulture = true)]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long an instance waits for another one renewing the 房管 token before it gives up for now (held).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan TokenRenewalWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A renewal lease is this long; an instance that died while renewing is replaced after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan TokenRenewalLease { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How far the instances' clocks may disagree (Azure keeps them in step by NTP, far closer than this). Added to every
    /// comparison of one instance's time with another's: the per-case spacing and the token requests' minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A member is counted until its lease ends: three refreshes after its last count, so a slow call does not drop it.</summary>
    public TimeSpan MemberLease => MembershipRefresh * 3;

    /// <summary>A newcomer beside others waits this long after joining: longer than any other's count may be old.</summary>
    public TimeSpan JoinWait => MembershipRefresh * 1.5;
}
