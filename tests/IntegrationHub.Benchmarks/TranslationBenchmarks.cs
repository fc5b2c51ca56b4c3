using BenchmarkDotNet.Attributes;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Departments.SocialSecurity;

namespace IntegrationHub.Benchmarks;

/// <summary>
/// Each item's application translated into its department's wire format, as the dispatcher sends it: 公安 GB18030 XML
/// bytes, 房管 JSON text, 人社 the envelope whose body is a JSON string (signature given, since signing is not translation).
/// </summary>
[MemoryDiagnoser]
public class RequestBenchmarks
{
    private const string Signature = "3F7A1C0E9B2D4F6A8C1E3B5D7F9A2C4E6B8D0F1A3C5E7B9D2F4A6C8E0B1D3F5A";
    private CanonicalApplication _application = null!;

    [ParamsSource(nameof(Items))]
    public string Item { get; set; } = "";

    public static IEnumerable<string> Items => Samples.Items;

    [GlobalSetup]
    public void Setup() => _application = Samples.Application(Item);

    [Benchmark]
    public object Request() => _application.ItemCode[..2] switch
    {
        "GA" => PublicSecurityTranslator.ToRequest(_application),
        "FG" => HousingTranslator.ToRequest(_application),
        _ => SocialSecurityTranslator.Envelope(SocialSecurityTranslator.ToRequest(_application), "320300SQPT", "20261128093000", Signature),
    };
}

/// <summary>Each department's messages back: the synchronous answer to a delivery, and the later status (notification, webhook, poll).</summary>
[MemoryDiagnoser]
public class AnswerBenchmarks
{
    private static readonly SocialSecurityRequest RsRequest = new("RS1001", "0193e4b0c6d47a61b3f0a1d2c3b4a596", "{}");
    private static readonly SocialSecurityRequest RsQuery = new("RS9001", "0193e4b0c6d47a61b3f0a1d2c3b4a597", "{}");

    [Benchmark]
    public object GaAnswer() => PublicSecurityTranslator.ToOutcome(Samples.GaAnswer);

    [Benchmark]
    public object GaNotification() => PublicSecurityTranslator.ToReport(Samples.GaNotification);

    [Benchmark]
    public object FgAnswer() => HousingTranslator.ToOutcome(202, Samples.FgAnswer);

    [Benchmark]
    public object FgWebhook() => HousingTranslator.ToReport(Samples.FgWebhook);

    [Benchmark]
    public object RsAnswer() =>
        SocialSecurityTranslator.ToOutcome(RsRequest, SocialSecurityTranslator.ParseAnswer(Samples.RsAnswer), TimeSpan.FromHours(1));

    [Benchmark]
    public object RsPollAnswer() =>
        SocialSecurityTranslator.ToStatus("0193e4b0c6d47a61b3f0a1d2c3b4a596", "RS3203002026112800017", RsQuery,
            SocialSecurityTranslator.ParseAnswer(Samples.RsPollAnswer), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5));

    /// <summary>The outcome is what the hub acts on: a sample that stops meaning "received" or "approved" measures the wrong path.</summary>
    [GlobalSetup]
    public void Setup()
    {
        // The benchmarks return object: the hub's types are internal, and BenchmarkDotNet wants public methods.
        Expect(GaAnswer() is HandoffOutcome { Kind: HandoffOutcomeKind.Received } && FgAnswer() is HandoffOutcome { Kind: HandoffOutcomeKind.Received }
            && RsAnswer() is HandoffOutcome { Kind: HandoffOutcomeKind.Received }, "an answer is not read as received");
        Expect(GaNotification() is DepartmentStatusReport { Status: ApplicationStatus.Approved } && FgWebhook() is DepartmentStatusReport { Status: ApplicationStatus.Approved }
            && RsPollAnswer() is StatusQueryResult { Report.Status: ApplicationStatus.Approved }, "a status is not read as approved");
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Benchmark sample wrong: {what}.");
        }
    }
}
