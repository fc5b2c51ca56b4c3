using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Departments;
using IntegrationHub.Departments.PublicSecurity;

namespace IntegrationHub.Benchmarks;

/// <summary>
/// What the benchmarks feed the hot paths: each item's realistic form sample (the test suite's FormSamples) inside a
/// submission, the canonical application intake makes of it, and one answer and one notification per department as
/// the department documents spell them.
/// </summary>
internal static class Samples
{
    /// <summary>The 19 online items: 6 公安, 5 房管, 8 人社.</summary>
    public static readonly string[] Items =
    [
        "GA-001", "GA-002", "GA-003", "GA-004", "GA-005", "GA-006",
        "FG-001", "FG-002", "FG-003", "FG-004", "FG-005",
        "RS-001", "RS-002", "RS-003", "RS-004", "RS-005", "RS-006", "RS-007", "RS-008",
    ];

    /// <summary>Noon in Xuzhou on 2026-11-30, the clock of the validator tests: every sample date is in the past.</summary>
    public static readonly TimeProvider Clock = new FixedClock(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.FromHours(8)));

    public static readonly ApplicationValidator Validator = new(new FormSchemas(ServiceCatalog.LoadEmbedded()), Clock);

    /// <summary>A submission of <paramref name="itemCode"/> as the platform sends it: UTF-8 JSON.</summary>
    public static byte[] Body(string itemCode) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["itemCode"] = itemCode,
        ["applicant"] = new JsonObject
        {
            ["name"] = "张三",
            ["idNumber"] = "11010519491231002X",
            ["phone"] = "13812345678",
            ["ethnicity"] = "01",
            ["district"] = "320302",
        },
        ["form"] = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "FormSamples", $"{itemCode}.json")))!["valid"]!.DeepClone(),
    }.ToJsonString());

    /// <summary>The submission validated, as the dispatcher hands it to a translator.</summary>
    public static CanonicalApplication Application(string itemCode)
    {
        var (valid, errors) = Validator.Validate(JsonNode.Parse(Body(itemCode))!.AsObject());
        if (valid is null)
        {
            throw new InvalidOperationException($"The {itemCode} sample is refused: {string.Join(", ", errors.Keys)}.");
        }

        return new CanonicalApplication("0193e4b0c6d47a61b3f0a1d2c3b4a596", valid.ItemCode, "0193e4b0c6d47a61b3f0a1d2c3b4a596",
            new DateTimeOffset(2026, 11, 28, 1, 30, 0, TimeSpan.Zero), valid.Applicant, valid.Form, valid.Attachments,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    // 公安 (public-security.md): the synchronous answer and a pushed notification, GB18030 XML.
    public static readonly byte[] GaAnswer = PublicSecurityTranslator.Gb18030.GetBytes(
        """<?xml version="1.0" encoding="GB18030"?><Response><Code>0000</Code><Message>接收成功</Message><SLBH>GA3203022026112800001</SLBH></Response>""");

    public static readonly byte[] GaNotification = PublicSecurityTranslator.Gb18030.GetBytes(
        """<?xml version="1.0" encoding="GB18030"?><Notify><SLBH>GA3203022026112800001</SLBH><LSH>0193e4b0c6d47a61b3f0a1d2c3b4a596</LSH><BLZT>05</BLZT><BLYJ>准予办理</BLYJ><BLSJ>20261129101500</BLSJ></Notify>""");

    // 房管 (housing.md): the 202 answer to a submit and a webhook, JSON.
    public static readonly byte[] FgAnswer = Encoding.UTF8.GetBytes("""{"ticket_no":"FG-20261128-000123","status":"received"}""");

    public static readonly byte[] FgWebhook = Encoding.UTF8.GetBytes(
        """{"event_id":"6f1c2b1e-2f7a-4a53-9d0e-3f4b3c2a1d00","ticket_no":"FG-20261128-000123","request_id":"0193e4b0c6d47a61b3f0a1d2c3b4a596","status":"approved","reason":"材料齐全，准予备案","occurred_at":"2026-11-29T10:15:00+08:00"}""");

    // 人社 (social-security.md): the answer to a submit and the answer to an RS9001 poll, a JSON envelope whose body is a JSON string.
    public const string RsAnswer =
        """{"head":{"ret_code":"0000","ret_msg":"成功","trans_id":"0193e4b0c6d47a61b3f0a1d2c3b4a596"},"body":"{\"AAZ002\":\"RS3203002026112800017\"}"}""";

    public const string RsPollAnswer =
        """{"head":{"ret_code":"0000","ret_msg":"成功","trans_id":"0193e4b0c6d47a61b3f0a1d2c3b4a597"},"body":"{\"AAZ002\":\"RS3203002026112800017\",\"BLZT\":\"1\",\"BLYJ\":\"审核通过\",\"BJSJ\":\"20261129101500\"}"}""";

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
