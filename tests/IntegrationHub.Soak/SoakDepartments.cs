using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using IntegrationHub.Local.Sandbox;

namespace IntegrationHub.Soak;

/// <summary>When each department is in planned maintenance during the run, in absolute time.</summary>
internal sealed record MaintenancePlan(
    DateTimeOffset PublicSecurityFrom, DateTimeOffset PublicSecurityUntil,
    DateTimeOffset HousingFrom, DateTimeOffset HousingUntil,
    DateTimeOffset SocialSecurityFrom, DateTimeOffset SocialSecurityUntil);

/// <summary>A case as the department opened it, read from the department's own records: its key and the applicant.</summary>
internal sealed record DepartmentCase(string Department, string CaseNumber, string? Key, string? IdNumber);

/// <summary>What one department received and opened during the run, counted on the department's side; <paramref name="AnswersByKey"/>
/// lists what it answered to each hand-off key (LSH, request_id, trans_id), in order, for the evidence of a finding.</summary>
internal sealed record DepartmentTally(string Department, IReadOnlyDictionary<string, int> CallsByKind, IReadOnlyList<DepartmentCase> Cases,
    int CasesByItsOwnCount, IReadOnlyDictionary<string, int> Faults, ILookup<string, string> AnswersByKey, IReadOnlyDictionary<string, int> LostAnswers)
{
    public int Calls => CallsByKind.Values.Sum();
}

/// <summary>
/// How fast the sandboxes decide: <see cref="JointTesting"/> is the soak's (seconds, as the joint-testing environment);
/// the bench uses <see cref="Immediate"/>, the fastest each document allows.
/// </summary>
/// <param name="DecisionStep">公安's and 房管's time between a receipt and each of their decision callbacks.</param>
/// <param name="CallbackRetryUnit">The unit of their callback re-sends (1, 2, 4 … units) until the hub acknowledges.</param>
/// <param name="SocialSecurityDecision">How long after intake 人社 has decided (what RS9001 then answers).</param>
/// <param name="SocialSecurityQueryInterval">人社 refuses (9001) a query about one case closer than this to the last one.</param>
internal sealed record DepartmentTiming(TimeSpan DecisionStep, TimeSpan CallbackRetryUnit, TimeSpan SocialSecurityDecision, TimeSpan SocialSecurityQueryInterval)
{
    public static DepartmentTiming JointTesting { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));

    /// <summary>Decisions a tenth of a second apart, decided at once for 人社, which allows one query per case per second (the hub's minimum interval).</summary>
    public static DepartmentTiming Immediate { get; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromSeconds(1));
}

/// <summary>
/// The three strict sandboxes, hosted in the soak's process so they outlive the hub's restart, with fault injection and
/// the joint-testing timing (联调环境, seconds): 公安 notifies 受理 → 审核中 → 办结 two seconds apart, 房管 sends
/// accepted → approved webhooks two seconds apart, 人社 decides five seconds after intake and refuses a query about one
/// case closer than two seconds to the last.
/// </summary>
internal sealed class SoakDepartments : IAsyncDisposable
{
    public const string PublicSecurityName = "公安";
    public const string HousingName = "房管";
    public const string SocialSecurityName = "人社";

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private readonly Dictionary<string, string> _credentials;

    private SoakDepartments(PublicSecuritySandbox publicSecurity, HousingSandbox housing, SocialSecuritySandbox socialSecurity,
        Dictionary<string, string> credentials, (TimeOnly Start, TimeOnly End) socialSecurityWindow)
    {
        PublicSecurity = publicSecurity;
        Housing = housing;
        SocialSecurity = socialSecurity;
        _credentials = credentials;
        SocialSecurityWindow = socialSecurityWindow;
    }

    public PublicSecuritySandbox PublicSecurity { get; }

    public HousingSandbox Housing { get; }

    public SocialSecuritySandbox SocialSecurity { get; }

    /// <summary>人社's maintenance window as both the gateway and the hub have it (+08:00), seconds precision.</summary>
    public (TimeOnly Start, TimeOnly End) SocialSecurityWindow { get; }

    /// <summary>Where to reach each department and how the hub paces itself against it (Departments:*).</summary>
    public IReadOnlyDictionary<string, string> HubSettings => new Dictionary<string, string>(_credentials)
    {
        ["Departments:PublicSecurity:BaseUrl"] = PublicSecurity.BaseUrl.ToString(),
        ["Departments:Housing:BaseUrl"] = Housing.BaseUrl.ToString(),
        ["Departments:SocialSecurity:BaseUrl"] = SocialSecurity.BaseUrl.ToString(),
    };

    public static SoakDepartments Start(MaintenancePlan? plan, DepartmentTiming? timing = null)
    {
        var (decisionStep, callbackRetryUnit, socialSecurityDecision, socialSecurityQueryInterval) = timing ?? DepartmentTiming.JointTesting;
        const string accessUnit = "320300SQPT01";
        var publicSecurityKey = RandomNumberGenerator.GetBytes(32);
        // Issue 11: as in ./hub run, each sandbox refuses an application without a material its item requires.
        var publicSecurity = new PublicSecuritySandbox(accessUnit, publicSecurityKey, notifyUrl: null, TimeProvider.System) { RequireMaterials = true };
        publicSecurity.AutoDecide(decisionStep, callbackRetryUnit);

        const string clientId = "320300SQPT01";
        var clientSecret = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var webhookSecret = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var housing = new HousingSandbox(clientId, clientSecret, webhookSecret, TimeProvider.System) { RequireMaterials = true };
        housing.AutoDecide(decisionStep, callbackRetryUnit);

        // Without faults the window is empty (start = end), so 人社 never answers 9003.
        var window = plan is null
            ? (TimeOnly.MinValue, TimeOnly.MinValue)
            : (ChinaTime(plan.SocialSecurityFrom, roundUp: false), ChinaTime(plan.SocialSecurityUntil, roundUp: true));
        const string orgCode = "320300SQPT";
        var signingKey = RandomNumberGenerator.GetHexString(32);
        var socialSecurity = new SocialSecuritySandbox(orgCode, signingKey, TimeProvider.System, new SocialSecuritySandboxSettings
        {
            DecisionDelay = socialSecurityDecision,
            MinQueryInterval = socialSecurityQueryInterval,
            MaintenanceStart = window.Item1,
            MaintenanceEnd = window.Item2,
        }) { RequireMaterials = true };

        var credentials = new Dictionary<string, string>
        {
            ["Departments:PublicSecurity:AccessUnitCode"] = accessUnit,
            ["Departments:PublicSecurity:SigningKey"] = Convert.ToBase64String(publicSecurityKey),
            ["Departments:Housing:ClientId"] = clientId,
            ["Departments:Housing:ClientSecret"] = clientSecret,
            ["Departments:Housing:WebhookSecret"] = webhookSecret,
            ["Departments:SocialSecurity:OrgCode"] = orgCode,
            ["Departments:SocialSecurity:SigningKey"] = signingKey,
            ["Departments:SocialSecurity:MaintenanceStart"] = window.Item1.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            ["Departments:SocialSecurity:MaintenanceEnd"] = window.Item2.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        };
        return new SoakDepartments(publicSecurity, housing, socialSecurity, credentials, window);
    }

    /// <summary>The faults of each department at <paramref name="scale"/> × the base rates, each from its own seed.</summary>
    public void InjectFaults(double scale, int seed, MaintenancePlan plan)
    {
        var answers = new SandboxFaultRates
        {
            ServerError = 0.02 * scale,
            DroppedAnswer = 0.015 * scale,
            LateAnswer = 0.015 * scale,
        };
        var callbacks = answers with
        {
            DuplicateCallback = Math.Min(1, 0.10 * scale),
            ReorderedCallback = Math.Min(1, 0.10 * scale),
            ForgedCallback = Math.Min(1, 0.05 * scale),
        };
        PublicSecurity.Faults = new SandboxFaults(callbacks with
        {
            Busy = 0.04 * scale,
            Unavailable = 0.02 * scale,
            MaintenanceFrom = plan.PublicSecurityFrom,
            MaintenanceUntil = plan.PublicSecurityUntil,
        }, seed + 1, TimeProvider.System);
        Housing.Faults = new SandboxFaults(callbacks with
        {
            Unavailable = 0.02 * scale,
            RateLimited = 0.03 * scale,
            MaintenanceFrom = plan.HousingFrom,
            MaintenanceUntil = plan.HousingUntil,
        }, seed + 2, TimeProvider.System);
        SocialSecurity.Faults = new SandboxFaults(answers with { Busy = 0.04 * scale }, seed + 3, TimeProvider.System);
    }

    /// <summary>Registers the hub's inbound routes as the notification and webhook URLs (the same across the restart).</summary>
    public void PointCallbacksAt(Uri hub)
    {
        PublicSecurity.NotifyUrl = new Uri(hub, "/api/v1/departments/ga/notifications");
        Housing.WebhookUrl = new Uri(hub, "/api/v1/departments/fg/webhooks");
    }

    public IReadOnlyList<DepartmentTally> Tally() => [PublicSecurityTally(), HousingTally(), SocialSecurityTally()];

    public async ValueTask DisposeAsync()
    {
        await PublicSecurity.DisposeAsync().ConfigureAwait(false);
        await Housing.DisposeAsync().ConfigureAwait(false);
        await SocialSecurity.DisposeAsync().ConfigureAwait(false);
    }

    // A new case is a 0000 (received) or 0001 (instant result); a repeated LSH is answered 2004 and opens none.
    private DepartmentTally PublicSecurityTally()
    {
        var received = PublicSecurity.ReceivedApplications;
        var cases = received
            .Where(r => r.Code is "0000" or "0001")
            .Select((r, i) => new DepartmentCase(PublicSecurityName, $"#{i + 1}", r.Lsh, XmlIdNumber(r.Xml)))
            .ToList();
        return new DepartmentTally(PublicSecurityName, new Dictionary<string, int> { ["applications"] = received.Count }, cases,
            PublicSecurity.CaseCount, PublicSecurity.Faults?.Counts ?? new Dictionary<string, int>(),
            received.Where(r => r.Lsh is not null).ToLookup(r => r.Lsh!, r => r.Code ?? $"HTTP {r.HttpStatus}", StringComparer.Ordinal),
            PublicSecurity.Faults?.LostAnswers ?? new Dictionary<string, int>());
    }

    // A ticket number is issued once per request_id; a repeat is answered with the first answer and the same ticket.
    private DepartmentTally HousingTally()
    {
        var submissions = Housing.ReceivedApplications;
        var cases = submissions
            .Where(s => s.TicketNo is not null && s.HttpStatus is 200 or 202)
            .GroupBy(s => s.TicketNo!, StringComparer.Ordinal)
            .Select(g => new DepartmentCase(HousingName, g.Key, g.First().RequestId, JsonIdNumber(g.First().Body, "applicant", "id_card_no")))
            .ToList();
        var calls = new Dictionary<string, int>
        {
            ["applications"] = submissions.Count,
            ["reconciliation GETs"] = Housing.ReceivedQueries.Count,
            ["token requests"] = Housing.TokenRequestCount,
        };
        return new DepartmentTally(HousingName, calls, cases, Housing.TicketCount, Housing.Faults?.Counts ?? new Dictionary<string, int>(),
            submissions.Where(s => s.RequestId is not null).ToLookup(s => s.RequestId!, s => $"HTTP {s.HttpStatus}{(s.Error is null ? "" : " " + s.Error)}", StringComparer.Ordinal),
            Housing.Faults?.LostAnswers ?? new Dictionary<string, int>());
    }

    // A new case is a 0000 or 0001 to an application trade; a repeated trans_id is answered 2001 and opens none.
    private DepartmentTally SocialSecurityTally()
    {
        var received = SocialSecurity.ReceivedCalls;
        var cases = received
            .Where(c => c.TradeCode != "RS9001" && c.RetCode is "0000" or "0001" && c.CaseNumber is not null)
            .GroupBy(c => c.CaseNumber!, StringComparer.Ordinal)
            .Select(g => new DepartmentCase(SocialSecurityName, g.Key, g.First().TransId, JsonIdNumber(g.First().Body, "AAC002")))
            .ToList();
        var calls = new Dictionary<string, int>
        {
            ["applications"] = received.Count(c => c.TradeCode != "RS9001"),
            ["RS9001 queries"] = received.Count(c => c.TradeCode == "RS9001"),
        };
        var faults = new Dictionary<string, int>(SocialSecurity.Faults?.Counts ?? new Dictionary<string, int>())
        {
            ["9003 maintenance window"] = received.Count(c => c.RetCode == "9003"),
        };
        return new DepartmentTally(SocialSecurityName, calls, cases, SocialSecurity.CaseCount, faults,
            received.Where(c => c.TradeCode != "RS9001" && c.TransId is not null).ToLookup(c => c.TransId!, c => c.RetCode, StringComparer.Ordinal),
            SocialSecurity.Faults?.LostAnswers ?? new Dictionary<string, int>());
    }

    private static string? XmlIdNumber(string? xml)
    {
        if (xml is null)
        {
            return null;
        }

        try
        {
            return XDocument.Parse(xml).Root?.Element("Body")?.Element("SQR")?.Element("GMSFHM")?.Value;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static string? JsonIdNumber(string? json, params string[] path)
    {
        try
        {
            var node = json is null ? null : JsonNode.Parse(json);
            foreach (var step in path)
            {
                node = node?[step];
            }

            return node?.GetValue<string>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static TimeOnly ChinaTime(DateTimeOffset at, bool roundUp)
    {
        var local = TimeOnly.FromTimeSpan(at.ToOffset(China).TimeOfDay);
        var whole = new TimeOnly(local.Hour, local.Minute, local.Second);
        return roundUp && whole < local ? whole.Add(TimeSpan.FromSeconds(1)) : whole;
    }
}
