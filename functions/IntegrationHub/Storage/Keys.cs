using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IntegrationHub.Storage;

/// <summary>
/// Every partition and row key the hub writes, in one place (docs/storage.md describes each table). Nothing outside this
/// folder builds a key.
/// </summary>
/// <remarks>
/// Row keys are unique across a whole table, not only within their partition: Azurite finds an entity by its row key
/// first (a LokiJS binary index on RowKey) and only then compares the partition key, so a row key every partition shares
/// (<c>application</c>, <c>t000001</c>) makes each point read or write scan all rows with that key. On Azure this costs
/// nothing either way.
/// </remarks>
internal static class Keys
{
    // ---- applications: one partition per application ----

    public static string Application(string applicationId) => applicationId;

    public static string Timeline(string applicationId, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{applicationId}-t{sequence:D6}");

    public static (string From, string To) TimelineRange(string applicationId) => ($"{applicationId}-t", $"{applicationId}-u");

    /// <summary>A department report already applied: its event key, hashed (any text may arrive), so a repeat is a conflict.</summary>
    public static string Report(string applicationId, string eventKey) =>
        $"{applicationId}-k{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventKey)))[..32]}";

    // ---- events: one partition per platform ----

    /// <summary>The feed's last assigned position (property <c>Last</c>); sorts after every position.</summary>
    public const string FeedSequence = "c";

    public static string Position(long position) => position.ToString("D19", CultureInfo.InvariantCulture);

    public static long PositionOf(string rowKey) => long.Parse(rowKey, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Every position sorts below this.</summary>
    public const string PositionsEnd = "a";

    /// <summary>
    /// Issue 12: an event appended at most once (a suggestion's; event ids are unique hub-wide) has this marker row beside
    /// it; it sorts after every position and after the sequence row, so feed readers never see it.
    /// </summary>
    public static string FeedMarker(string eventId) => $"e{eventId}";

    // ---- work: one partition of in-flight work and counters ----

    public const string WorkPartition = "work";

    public static string Pending(string applicationId) => $"p{applicationId}";

    public static string Intent(string applicationId, string step) => $"i{applicationId}-{step}";

    public static string Awaiting(DateTimeOffset submittedAt, string applicationId) =>
        string.Create(CultureInfo.InvariantCulture, $"a{submittedAt.UtcTicks:D19}-{applicationId}");

    public static string AwaitingBefore(DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture, $"a{at.UtcTicks:D19}");

    public static string Failed(string applicationId) => $"f{applicationId}";

    public static string Resolved(string applicationId) => $"r{applicationId}";

    /// <summary>Hand-off states and the awaiting count of one department.</summary>
    public static string StateCounter(string department) => $"c-n-{department}";

    /// <summary>Submissions, failures and awaiting applications of one department by the hour they happened (UTC).</summary>
    public static string HourCounter(DateTimeOffset hour, string department) =>
        string.Create(CultureInfo.InvariantCulture, $"c-h{hour.UtcDateTime:yyyyMMddHH}-{department}");

    public static string HoursFrom(DateTimeOffset hour) => string.Create(CultureInfo.InvariantCulture, $"c-h{hour.UtcDateTime:yyyyMMddHH}");

    /// <summary>Every counter row from <see cref="HoursFrom"/> up to and including the state counters sorts below this.</summary>
    public const string CountersEnd = "c-o";

    /// <summary>
    /// When the hub next asks a polled department about a delivered case: in this partition so that a step writes its
    /// follow-up in the transaction that already carries its counters (docs/storage.md).
    /// </summary>
    public static string FollowUp(string applicationId) => $"u{applicationId}";

    public const string FollowUps = "u";

    /// <summary>A feed reader's cursor and lease (the webhook pump, the topic).</summary>
    public static string Cursor(string sink, string platform) => $"w-{sink}-{platform}";

    /// <summary>A prefix's row keys lie in [prefix, PrefixEnd(prefix)).</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    // ---- lookup: one partition per department, one for the portal ----

    public static string CaseNumber(string caseNumber) => $"c{caseNumber}";

    public static string IdNumber(string idNumberHash) => $"i{idNumberHash}";

    public static string Name(string nameHash) => $"n{nameHash}";

    /// <summary>A posting row's property for one application (a row lists every application of one person).</summary>
    public static string Posting(string applicationId) => $"a{applicationId}";

    public static string? PostedApplication(string property) =>
        property.Length > 1 && property[0] == 'a' && property.Skip(1).All(char.IsAsciiLetterOrDigit) ? property[1..] : null;

    public const string PortalPartition = "portal";

    public static string Lockout(string account) => $"lock-{account}";

    public static string Revoked(string sessionId) => $"rev-{sessionId}";

    // ---- retention ----

    public const string RetentionPartition = "retention";

    public static string Retention(DateTimeOffset closedAt, string applicationId) =>
        string.Create(CultureInfo.InvariantCulture, $"{closedAt.UtcTicks:D19}-{applicationId}");

    public static string RetentionBefore(DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks + 1:D19}");

    // ---- audit ----

    public const string AuditPartition = "audit";

    /// <summary>Newest first: the ticks inverted; the id makes the key unique.</summary>
    public static string Audit(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks:D19}-{Guid.NewGuid():N}");

    /// <summary>Only ids the hub could have issued reach storage.</summary>
    public static bool IsApplicationId(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);
}
