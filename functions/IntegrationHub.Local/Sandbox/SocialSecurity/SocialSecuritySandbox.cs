using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace IntegrationHub.Local.Sandbox;

/// <summary>One call as the gateway saw it: the head fields and body string it could read, and what it answered.</summary>
internal sealed record SocialSecurityCall(
    string? TradeCode,
    string? TransId,
    string? Timestamp,
    string? Body,
    string? Sign,
    string RetCode,
    string RetMsg,
    string? CaseNumber,
    string? ContentType,
    DateTimeOffset Time);

/// <summary>The gateway's timing: the production values by default; the joint-testing environment sets them per connecting system.</summary>
internal sealed record SocialSecuritySandboxSettings
{
    /// <summary>How long after intake a case is decided (BLZT 0 until then, then 1).</summary>
    public TimeSpan DecisionDelay { get; init; } = TimeSpan.FromDays(1);

    /// <summary>RS9001 about one case more often than this is answered 9001.</summary>
    public TimeSpan MinQueryInterval { get; init; } = TimeSpan.FromMinutes(5);

    public TimeOnly MaintenanceStart { get; init; } = new(23, 0);

    public TimeOnly MaintenanceEnd { get; init; } = new(1, 0);

    public int CallsPerSecond { get; init; } = 20;
}

/// <summary>
/// The 人社 business gateway as its interface document (v3) describes it, and as strict as a front-end to a legacy
/// system is: envelope shape, organisation code, timestamp window, the signature over the exact body string, string-only
/// body values, per-trade required fields, code tables and formats, AAC002 and AAC006, trans_id idempotency, the rate
/// limit, the maintenance window and the per-case query interval. It shares no code with the hub's adapter on purpose,
/// so a misreading of the document in one is not mirrored in the other. Where the document is silent the choice is
/// marked "Assumption".
/// </summary>
internal sealed partial class SocialSecuritySandbox : SandboxDepartment
{
    public const string GatewayPath = "/si/gateway";
    private const string Stamp = "yyyyMMddHHmmss";
    private const string Day = "yyyyMMdd";
    private const string CityCode = "320300";
    private const string UploadTrade = "RS9101";
    private const string SupplementTrade = "RS9102";
    private const string WithdrawalTrade = "RS9103";
    public const long MaxMaterialBytes = 5_242_880;

    private static readonly Dictionary<string, string> FileTypes = new(StringComparer.Ordinal)
    {
        ["jpg"] = SandboxMaterials.Jpeg,
        ["png"] = SandboxMaterials.Png,
        ["pdf"] = SandboxMaterials.Pdf,
    };

    // v3.1 per trade: the codes an application may reference in CLLB and the ones it must, from its body.
    // Assumption: for RS4001 only the code matching DJLX is allowed; RS2001's RZZP outside RZFS=2 is allowed and optional.
    private static readonly Dictionary<string, Func<Dictionary<string, string>, (HashSet<string> Allowed, string[] Required)>> MaterialRules = new()
    {
        ["RS2001"] = v => (["RZZP"], v.GetValueOrDefault("RZFS") == "2" ? ["RZZP"] : []),
        ["RS4001"] = v => v.GetValueOrDefault("DJLX") == "1" ? (["LDHT"], ["LDHT"]) : (["JCZM"], ["JCZM"]),
        ["RS7001"] = _ => (["HKB"], ["HKB"]),
        ["RS8001"] = _ => (["XLZM"], ["XLZM"]),
    };

    private static readonly HashSet<string> MaterialCodes = ["RZZP", "LDHT", "JCZM", "HKB", "XLZM"];

    private static readonly TimeSpan TimestampWindow = TimeSpan.FromSeconds(300);
    private static readonly JsonSerializerOptions AnswerJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };
    private static readonly string[] HeadFields = ["trade_code", "trans_id", "org_code", "timestamp", "sign"];
    private static readonly string[] PersonFields = ["AAC002", "AAC003", "AAC004", "AAC005", "AAC006", "AAE005", "AAE006", "AAB301"];

    private static readonly HashSet<string> Sexes = ["0", "1", "2", "9"];
    private static readonly HashSet<string> InsuranceTypes = ["110", "170", "210", "310", "390", "410", "510"];
    private static readonly HashSet<string> FlexibleInsuranceTypes = ["110", "310"];
    private static readonly HashSet<string> ContributionLevels = ["300", "500", "700", "900", "1100", "1300", "1500", "2000", "2500", "3000"];
    private static readonly HashSet<string> Educations = ["11", "21", "31", "41", "61", "71", "81", "90"];

    // Per trade: every field it knows (in the document's order), the optional ones, and the ones a value makes required.
    private static readonly Dictionary<string, TradeSpec> Trades = new()
    {
        ["RS1001"] = new([.. PersonFields, "AAE140", "AAC009", "JFDC"]),
        ["RS2001"] = new(["AAC002", "AAC003", "AAC001", "RZFS", "RZSJ", "RZPZ", "CLLB"], ["AAC001", "RZPZ", "CLLB"],
            v => v.GetValueOrDefault("RZFS") == "1" ? ["RZPZ"] : []),
        ["RS3001"] = new(["AAC002", "AAC003", "AAE140", "QSNY", "ZZNY"], Instant: true),
        ["RS4001"] = new(["AAC002", "AAC003", "AAE005", "DJLX", "AAB004", "DJRQ", "SYYY", "CLLB"], ["AAB004", "SYYY", "CLLB"],
            v => v.GetValueOrDefault("DJLX") switch { "1" => ["AAB004"], "2" => ["SYYY"], _ => [] }),
        ["RS5001"] = new(["AAC002", "AAC003", "AAZ500"], Instant: true),
        ["RS6001"] = new([.. PersonFields, "AAE140", "CBND", "RYLB"]),
        ["RS7001"] = new([.. PersonFields, "AAE140", "JFJS", "KSNY", "CLLB"], ["CLLB"]),
        ["RS8001"] = new(["AAC002", "AAC003", "AAE005", "PXXM", "AAC011", "CLLB"], ["CLLB"]),
        ["RS9001"] = new(["AAZ002"]),

        // v3.1: upload, supplement, withdrawal.
        [UploadTrade] = new(["CLBM", "WJLX", "WJHX", "WJNR"]),
        [SupplementTrade] = new(["AAZ002", "BZSM", "CLLB"], ["CLLB"]),
        [WithdrawalTrade] = new(["AAZ002", "CHYY"]),
    };

    private readonly string _orgCode;
    private readonly byte[] _key;
    private readonly SocialSecuritySandboxSettings _settings;
    private readonly Dictionary<string, Case> _cases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _transIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastAnswered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sequences = new(StringComparer.Ordinal);

    // The trans_id of each accepted RS9101 and the CLID it was answered.
    private readonly Dictionary<string, string> _uploads = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _recentCalls = new();
    private readonly List<SocialSecurityCall> _calls = [];
    private int _busy;
    private Fault? _forced;
    private bool? _maintenance;
    private Decision? _nextDecision;

    // The gateway has no callbacks: the callback client stays unused.
    public SocialSecuritySandbox(string orgCode, string signingKey, TimeProvider timeProvider, SocialSecuritySandboxSettings? settings = null, int port = 0)
        : base(timeProvider, port, callbackTimeout: TimeSpan.FromSeconds(10))
    {
        _orgCode = orgCode;
        _key = Encoding.UTF8.GetBytes(signingKey);
        _settings = settings ?? new SocialSecuritySandboxSettings();
        Server.Given(Request.Create().WithPath(GatewayPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(Handle));
    }

    public IReadOnlyList<SocialSecurityCall> ReceivedCalls => Read(() => _calls.ToList());

    public int CaseCount => Read(() => _cases.Count);

    /// <summary>The AAZ002 the gateway opened for a trans_id, if any.</summary>
    public string? CaseNumberFor(string transId) =>
        Read(() => _transIds.TryGetValue(transId, out var aaz002) && _cases.TryGetValue(aaz002, out var opened) && opened.TransId == transId ? aaz002 : null);

    /// <summary>Every RS9001 that asked about <paramref name="aaz002"/>, whatever it was answered.</summary>
    public IReadOnlyList<SocialSecurityCall> QueriesFor(string aaz002) =>
        Read(() => _calls.Where(c => c.TradeCode == "RS9001" && c.CaseNumber == aaz002).ToList());

    /// <summary>The next <paramref name="times"/> authenticated calls are answered 9001 (busy).</summary>
    public void GivenBusy(int times = 1) => Set(() => _busy = times);

    /// <summary>The next valid request, of any trade, is answered with exactly this code and message (no case is opened).</summary>
    public void GivenRetCode(string code, string message = "联调环境指定应答") => Set(() => _forced = new Fault(code, message));

    /// <summary>From now on the gateway is (true) or is not (false) in maintenance, whatever its clock says.</summary>
    public void GivenMaintenance(bool inMaintenance) => Set(() => _maintenance = inMaintenance);

    /// <summary>
    /// Decides a case now: <paramref name="aaz002"/>, or with null the next case opened. <paramref name="blzt"/> is
    /// 0 in progress, 1 approved, 2 denied, 3 supplement required; <paramref name="blyj"/> the opinion.
    /// </summary>
    /// <remarks>With BLZT 3 the case waits for an RS9102 supplement of <paramref name="bzcl"/> (v3.1; none when null).</remarks>
    public void GivenDecision(string? aaz002, string blzt, string? blyj = null, IReadOnlyList<string>? bzcl = null) => Set(() =>
    {
        var decision = new Decision(blzt, blyj, Now(), blzt == "3" ? string.Join(",", bzcl ?? []) : null);
        if (aaz002 is null)
        {
            _nextDecision = decision;
            return;
        }

        (_cases.GetValueOrDefault(aaz002) ?? throw new ArgumentException($"No case {aaz002}.", nameof(aaz002))).Decision = decision;
        if (blzt == "3")
        {
            Cases.AskSupplement(aaz002, bzcl ?? []);
        }
    });

    private Task<IResponseMessage> Handle(IRequestMessage request)
    {
        var bytes = request.BodyData?.BodyAsBytes ?? [];
        var contentType = request.Headers?.FirstOrDefault(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).Value is { } values
            ? string.Join(",", values)
            : null;
        var fault = DrawFault();
        Answer answer;
        lock (Gate)
        {
            var envelope = new Envelope();
            answer = Respond(contentType, bytes, envelope, fault);
            _calls.Add(new SocialSecurityCall(envelope.TradeCode, envelope.TransId, envelope.Timestamp, envelope.Body, envelope.Sign,
                answer.Code, answer.Message, answer.CaseNumber ?? AskedCase(envelope), contentType, Now()));
        }

        return Finish(answer, fault);
    }

    // The order a gateway in front of a legacy system would take: availability, then what arrived, then who is calling,
    // then load, then what they asked.
    private Answer Respond(string? contentType, byte[] bytes, Envelope envelope, SandboxFault injectedFault)
    {
        // Read first, so even a call refused for maintenance is on the record with what it carried.
        var shape = ReadEnvelope(contentType, bytes, envelope);
        if (Injected(injectedFault, envelope) is { } injected)
        {
            return injected;
        }

        if (InMaintenance())
        {
            return Answer.Of(new Fault("9003", $"系统维护中（{_settings.MaintenanceStart:HH\\:mm}–{_settings.MaintenanceEnd:HH\\:mm}），请稍后再试"), envelope.TransId);
        }

        if (shape is not null)
        {
            return Answer.Of(shape, envelope.TransId);
        }

        if (Authenticate(envelope) is { } refused)
        {
            return Answer.Of(refused, envelope.TransId);
        }

        if (OverRate())
        {
            return Answer.Of(new Fault("9001", $"调用频率超过每秒{_settings.CallsPerSecond}次"), envelope.TransId);
        }

        if (_busy > 0)
        {
            _busy--;
            return Answer.Of(new Fault("9001", "系统繁忙，请稍后重试"), envelope.TransId);
        }

        if (!Trades.TryGetValue(envelope.TradeCode!, out var trade))
        {
            return Answer.Of(Invalid("trade_code 不在交易码表中"), envelope.TransId);
        }

        if ((ReadBody(envelope.Body!, out var fields) ?? Validate(envelope.TradeCode!, trade, fields) ?? ValidateMaterials(envelope.TradeCode!, fields)) is { } fault)
        {
            return Answer.Of(fault, envelope.TransId);
        }

        return Decide(envelope, trade, fields);
    }

    // Assumption: what cannot be read as the documented envelope is 1002 when a member is missing and 1003 otherwise
    // (not JSON, not UTF-8, a wrong Content-Type, an unknown or non-string member, a body that is not a string).
    private static Fault? ReadEnvelope(string? contentType, byte[] bytes, Envelope envelope)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !string.Equals(mediaType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(mediaType.CharSet?.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return Invalid("Content-Type 须为 application/json; charset=utf-8");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes, StrictJson);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Invalid("报文不是合法的 UTF-8 JSON");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Invalid("报文须为 JSON 对象");
        }

        if (Unknown(root, ["head", "body"]) is { } stray)
        {
            return Invalid($"未知字段 {stray}");
        }

        if (!root.TryGetProperty("head", out var head))
        {
            return Missing("head");
        }

        if (head.ValueKind != JsonValueKind.Object)
        {
            return Invalid("head 须为 JSON 对象");
        }

        if (Unknown(head, HeadFields) is { } strayHead)
        {
            return Invalid($"未知字段 head.{strayHead}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in HeadFields)
        {
            if (head.TryGetProperty(name, out var value))
            {
                if (value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
                {
                    return Invalid($"head.{name} 须为非空字符串");
                }

                values[name] = value.GetString()!;
            }
        }

        envelope.TradeCode = values.GetValueOrDefault("trade_code");
        envelope.TransId = values.GetValueOrDefault("trans_id");
        envelope.OrgCode = values.GetValueOrDefault("org_code");
        envelope.Timestamp = values.GetValueOrDefault("timestamp");
        envelope.Sign = values.GetValueOrDefault("sign");
        if (root.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String)
        {
            envelope.Body = body.GetString();
        }

        if (HeadFields.FirstOrDefault(n => !values.ContainsKey(n)) is { } absent)
        {
            return Missing($"head.{absent}");
        }

        if (!TransIdPattern().IsMatch(envelope.TransId!))
        {
            return Invalid("trans_id 须为 1–32 位字母或数字");
        }

        if (body.ValueKind == JsonValueKind.Undefined)
        {
            return Missing("body");
        }

        return envelope.Body is null ? Invalid("body 须为 JSON 字符串") : null;
    }

    // Assumption: an unknown org_code and a malformed timestamp are refused like a bad signature (1001): who is calling
    // cannot be established.
    private Fault? Authenticate(Envelope envelope)
    {
        if (envelope.OrgCode != _orgCode)
        {
            return new Fault("1001", "机构代码未登记或签名错误");
        }

        // The signature first: a forger learns nothing about our clock. The document asks for uppercase hex, so lowercase is refused.
        var expected = Convert.ToHexString(HMACSHA256.HashData(_key,
            Encoding.UTF8.GetBytes($"{envelope.TradeCode}|{envelope.TransId}|{envelope.Timestamp}|{envelope.Body}")));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(envelope.Sign!)))
        {
            return new Fault("1001", "签名验证失败");
        }

        if (!DateTime.TryParseExact(envelope.Timestamp, Stamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            || (Now() - new DateTimeOffset(local, China)).Duration() > TimestampWindow)
        {
            return new Fault("1001", "时间戳与网关时间相差超过300秒");
        }

        return null;
    }

    // The document: 20 calls per second per org_code. Every authenticated call counts, the refused ones too.
    private bool OverRate()
    {
        var now = Time.GetUtcNow();
        while (_recentCalls.TryPeek(out var oldest) && now - oldest >= TimeSpan.FromSeconds(1))
        {
            _recentCalls.Dequeue();
        }

        _recentCalls.Enqueue(now);
        return _recentCalls.Count > _settings.CallsPerSecond;
    }

    // Assumption: a body value that is not a string, or an empty one, is 1003 (the document: every value is a string,
    // an optional field is omitted, never empty or null), as is a body string that is not one JSON object.
    private static Fault? ReadBody(string body, out Dictionary<string, string> fields)
    {
        fields = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body, StrictJson);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Invalid("body 不是合法的 JSON 字符串");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Invalid("body 须为 JSON 对象");
        }

        try
        {
            foreach (var property in root.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    return Invalid($"字段 {property.Name} 的值须为字符串");
                }

                if (string.IsNullOrWhiteSpace(property.Value.GetString()))
                {
                    return Invalid($"字段 {property.Name} 为空（可选字段应省略）");
                }

                fields[property.Name] = property.Value.GetString()!;
            }
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape ("\ud800") parses, and only fails when the string is read: not Unicode text.
            return Invalid("body 含有非 Unicode 文本（孤立代理项）");
        }

        return null;
    }

    private static Fault? Validate(string tradeCode, TradeSpec trade, Dictionary<string, string> fields)
    {
        if (fields.Keys.FirstOrDefault(k => !trade.Fields.Contains(k)) is { } stray)
        {
            return Invalid($"未知字段 {stray}");
        }

        var required = trade.Fields.Where(f => !trade.Optional.Contains(f)).Concat(trade.RequiredWhen?.Invoke(fields) ?? []);
        if (required.FirstOrDefault(f => !fields.ContainsKey(f)) is { } absent)
        {
            return Missing(absent);
        }

        foreach (var name in trade.Fields.Where(fields.ContainsKey))
        {
            if (CheckValue(tradeCode, name, fields[name], fields) is { } fault)
            {
                return fault;
            }
        }

        return fields.TryGetValue("QSNY", out var start) && fields.TryGetValue("ZZNY", out var end) && string.CompareOrdinal(start, end) > 0
            ? Invalid("QSNY 不得晚于 ZZNY")
            : null;
    }

    // Assumption: fields the document gives no format (AAC003, AAE005, AAE006, AAC001, RZPZ, AAB004, AAZ500, PXXM) are
    // accepted as any non-empty string; JFJS is a whole number of yuan above zero; CBND four digits.
    private static Fault? CheckValue(string tradeCode, string name, string value, Dictionary<string, string> fields) => name switch
    {
        "AAC002" => SandboxCodes.IsCitizenId(value) ? null : new Fault("1004", "AAC002 不是有效的公民身份号码"),
        "AAC006" when !IsDate(value, Day) => Invalid("AAC006 格式错误，应为 yyyyMMdd"),
        "AAC006" => value == fields["AAC002"][6..14] ? null : new Fault("1004", "AAC006 与 AAC002 中的出生日期不一致"),
        "AAC004" => Check(name, Sexes.Contains(value)),
        "AAC005" => Check(name, SandboxCodes.Ethnicities.Contains(value)),
        "AAB301" => Check(name, SandboxCodes.Districts.Contains(value)),
        "AAE140" => tradeCode switch
        {
            "RS1001" => Check(name, value == "170"),
            "RS6001" => Check(name, value == "390"),
            "RS7001" => Check(name, IsCodeList(value, FlexibleInsuranceTypes)),
            _ => Check(name, IsCodeList(value, InsuranceTypes)),
        },
        "AAC009" => Check(name, value is "10" or "20"),
        "JFDC" => Check(name, ContributionLevels.Contains(value)),
        "RZFS" => Check(name, value is "1" or "2" or "3"),
        "RZSJ" => Check(name, IsDate(value, Stamp)),
        "QSNY" or "ZZNY" or "KSNY" => Check(name, IsDate(value, "yyyyMM")),
        "DJLX" => Check(name, value is "1" or "2"),
        "DJRQ" => Check(name, IsDate(value, Day)),
        "SYYY" => Check(name, value is "01" or "02" or "03" or "99"),
        "CBND" => Check(name, YearPattern().IsMatch(value)),
        "RYLB" => Check(name, value is "11" or "12" or "13" or "14"),
        "JFJS" => Check(name, PositiveWholePattern().IsMatch(value)),
        "AAC011" => Check(name, Educations.Contains(value)),
        "CLBM" => Check(name, MaterialCodes.Contains(value)),
        "WJLX" => FileTypes.ContainsKey(value) ? null : new Fault("1005", "WJLX 不是允许的文件类型"),
        "WJHX" => Check(name, Sha256Pattern().IsMatch(value)),
        "CLLB" => Check(name, ReadMaterials(value) is not null),
        _ => null,
    };

    private Answer Decide(Envelope envelope, TradeSpec trade, Dictionary<string, string> fields)
    {
        var transId = envelope.TransId!;
        if (_forced is { } forced)
        {
            _forced = null;
            return Answer.Of(forced, transId);
        }

        // The document: a repeated trans_id is idempotent; the answer carries the original AAZ002, never a new case.
        if (_transIds.TryGetValue(transId, out var original))
        {
            return Answer.Of(new Fault("2001", "交易流水号重复"), transId, new() { ["AAZ002"] = original }, original);
        }

        if (envelope.TradeCode == "RS9001")
        {
            return Query(transId, fields["AAZ002"]);
        }

        if (envelope.TradeCode == UploadTrade)
        {
            return Upload(transId, fields);
        }

        if (envelope.TradeCode is SupplementTrade or WithdrawalTrade)
        {
            return CaseRequest(transId, envelope.TradeCode, fields);
        }

        if (!trade.Instant && TakeApplicationBusy())
        {
            return Answer.Of(new Fault("9001", "系统繁忙，请稍后重试"), transId);
        }

        var now = Now();
        var today = now.ToString(Day, CultureInfo.InvariantCulture);
        var sequence = _sequences[today] = _sequences.GetValueOrDefault(today) + 1;
        var aaz002 = $"RS{CityCode}{today}{sequence:D5}";
        var opened = new Case(aaz002, transId, now) { Decision = _nextDecision, DecideAt = now + _settings.DecisionDelay };
        _cases[aaz002] = opened;
        _transIds[transId] = aaz002;
        Cases.Open(aaz002, fields["AAC003"], (fields.TryGetValue("CLLB", out var list) ? ReadMaterials(list)! : []).Select(m => m.Code));
        if (_nextDecision is { Blzt: "3" } next)
        {
            Cases.AskSupplement(aaz002, next.Bzcl is { Length: > 0 } codes ? codes.Split(',') : []);
        }

        _nextDecision = null;
        if (!trade.Instant)
        {
            return Answer.Of(new Fault("0000", "成功"), transId, new() { ["AAZ002"] = aaz002 }, aaz002);
        }

        // Assumption: an instant item also opens a case (decided at once), so a repeat can be answered 2001 like any other
        // and the case can be queried; its AAZ002 travels with the result.
        opened.Decision ??= new Decision("1", "即办件，已办结", now);
        Cases.Decide(aaz002);
        var result = envelope.TradeCode == "RS3001"
            ? new Dictionary<string, string>
            {
                ["AAZ002"] = aaz002,
                ["ZMBH"] = $"ZM{CityCode}{today}{sequence:D5}",
                ["YZM"] = RandomNumberGenerator.GetHexString(8),
            }
            : new Dictionary<string, string> { ["AAZ002"] = aaz002, ["GSZT"] = "1" };
        return Answer.Of(new Fault("0001", "办理完成"), transId, result, aaz002);
    }

    // Assumption: a query about an AAZ002 the gateway never issued is 1003 (a value outside what it knows); the per-case
    // interval counts from the last query that was answered with a status, so a refused query does not push it back.
    private Answer Query(string transId, string aaz002)
    {
        if (!_cases.TryGetValue(aaz002, out var asked))
        {
            return Answer.Of(Invalid("AAZ002 不存在"), transId, asked: aaz002);
        }

        var now = Now();
        if (_lastAnswered.TryGetValue(aaz002, out var last) && now - last < _settings.MinQueryInterval)
        {
            return Answer.Of(new Fault("9001", $"同一案件查询间隔不得少于{_settings.MinQueryInterval.TotalSeconds:0}秒"), transId, asked: aaz002);
        }

        _lastAnswered[aaz002] = now;
        _transIds[transId] = aaz002;
        var decision = Effective(asked, now);
        var body = new Dictionary<string, string> { ["AAZ002"] = aaz002, ["BLZT"] = decision?.Blzt ?? "0" };
        if (decision is { Blzt: "3" })
        {
            // v3.1: BLZT 3 carries BZCL, the codes wanted (empty when none). Assumption: sent as "" then, not omitted.
            body["BZCL"] = decision.Bzcl ?? "";
        }

        if (decision is { Blzt: not "0" })
        {
            if (decision.Blyj is { Length: > 0 } opinion)
            {
                body["BLYJ"] = opinion;
            }

            body["BJSJ"] = decision.At.ToOffset(China).ToString(Stamp, CultureInfo.InvariantCulture);
        }

        return Answer.Of(new Fault("0000", "成功"), transId, body, asked: aaz002);
    }

    // v3.1: "CLBM:CLID,CLBM:CLID"; null when malformed.
    private static List<(string Code, string Id)>? ReadMaterials(string list)
    {
        List<(string Code, string Id)> references = [];
        foreach (var item in list.Split(','))
        {
            var parts = item.Split(':');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                return null;
            }

            references.Add((parts[0], parts[1]));
        }

        return references;
    }

    // v3.1: an unknown code, a code not allowed for the trade, or an unknown CLID is 1003; a required one missing 1002.
    private Fault? ValidateMaterials(string tradeCode, Dictionary<string, string> fields)
    {
        if (!MaterialRules.TryGetValue(tradeCode, out var rule))
        {
            return null;
        }

        var references = fields.TryGetValue("CLLB", out var list) ? ReadMaterials(list)! : [];
        var (allowed, required) = rule(fields);
        if (Materials.Refused(references, allowed) is { } refused)
        {
            return Invalid($"CLLB 中的材料 {refused.Code}:{refused.Id} 不在代码表中、不适用于该交易或不存在");
        }

        return RequireMaterials && SandboxMaterials.Missing(references, required) is { } missing ? new Fault("1002", $"缺少必填材料：{missing}") : null;
    }

    // v3.1 RS9101: the type, the size, the real type of the bytes and their hash; the same file and code, the same CLID.
    // Assumption: a repeated trans_id is 2001 with the original CLID, like a repeated application with its AAZ002.
    private Answer Upload(string transId, Dictionary<string, string> fields)
    {
        if (_uploads.TryGetValue(transId, out var uploaded))
        {
            return Answer.Of(new Fault("2001", "交易流水号重复"), transId, new() { ["CLID"] = uploaded });
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(fields["WJNR"]);
        }
        catch (FormatException)
        {
            return Answer.Of(Invalid("WJNR 不是合法的 Base64"), transId);
        }

        if (bytes.LongLength > MaxMaterialBytes)
        {
            return Answer.Of(new Fault("1006", "文件超过5242880字节"), transId);
        }

        var declared = FileTypes[fields["WJLX"]];
        if (SandboxMaterials.Sniff(bytes) != declared)
        {
            return Answer.Of(new Fault("1005", "文件内容与 WJLX 不符"), transId);
        }

        if (SandboxMaterials.Sha256Hex(bytes) != fields["WJHX"])
        {
            return Answer.Of(new Fault("1005", "WJHX 与文件内容不符"), transId);
        }

        var (material, _) = Materials.Store(fields["CLBM"], declared, bytes, Time.GetUtcNow());
        _uploads[transId] = material.Id;
        return Answer.Of(new Fault("0000", "成功"), transId, new() { ["CLID"] = material.Id });
    }

    // v3.1 RS9102 (supplement) and RS9103 (withdrawal).
    private Answer CaseRequest(string transId, string tradeCode, Dictionary<string, string> fields)
    {
        var aaz002 = fields["AAZ002"];
        if (!_cases.TryGetValue(aaz002, out var found))
        {
            return Answer.Of(Invalid("AAZ002 不存在"), transId, asked: aaz002);
        }

        var now = Now();
        Effective(found, now);
        if (tradeCode == WithdrawalTrade)
        {
            if (Cases.Withdraw(aaz002, fields["CHYY"], now) != CaseRequestResult.Accepted)
            {
                return Answer.Of(new Fault("8004", "案件已办结或已撤回"), transId, asked: aaz002);
            }

            found.Decision = new Decision("4", "已撤回", now);
        }
        else
        {
            var references = fields.TryGetValue("CLLB", out var list) ? ReadMaterials(list)! : [];
            if (Cases.State(aaz002) == SandboxCaseState.AwaitingSupplement && Materials.Refused(references, MaterialCodes) is { } refused)
            {
                return Answer.Of(Invalid($"CLLB 中的材料 {refused.Code}:{refused.Id} 不在代码表中或不存在"), transId, asked: aaz002);
            }

            switch (Cases.Supplement(aaz002, fields["BZSM"], references, now, out var missing))
            {
                case CaseRequestResult.NotAwaitingSupplement:
                    return Answer.Of(new Fault("8003", "案件不在待补正状态"), transId, asked: aaz002);
                case CaseRequestResult.MissingWantedMaterial:
                    return Answer.Of(new Fault("1002", $"缺少补正材料：{missing}"), transId, asked: aaz002);
            }

            // v3.1: the case returns to BLZT 0 and is decided the decision delay after the supplement.
            found.Decision = null;
            found.DecideAt = now + _settings.DecisionDelay;
        }

        _transIds[transId] = aaz002;
        return Answer.Of(new Fault("0000", "成功"), transId, new() { ["AAZ002"] = aaz002 }, aaz002);
    }

    // The case's status now: withdrawn, waiting for a supplement or decided as recorded; a decision given by a test; else,
    // once the decision delay has passed, the rules of docs/sandboxes.md (补正 / 撤回 in AAC003) or approval.
    private Decision? Effective(Case found, DateTimeOffset now)
    {
        if (Cases.State(found.Aaz002) != SandboxCaseState.Open)
        {
            return found.Decision;
        }

        if (found.Decision is { Blzt: "1" or "2" })
        {
            Cases.Decide(found.Aaz002);
        }

        if (found.Decision is not null || now < found.DecideAt)
        {
            return found.Decision;
        }

        if (Cases.WantsSupplementByRule(found.Aaz002))
        {
            var wanted = Cases.Referenced(found.Aaz002);
            Cases.AskSupplement(found.Aaz002, wanted);
            return found.Decision = new Decision("3", $"材料不全，请补正：{string.Join("、", wanted)}", found.DecideAt, string.Join(",", wanted));
        }

        if (Cases.HeldByRule(found.Aaz002))
        {
            return null;
        }

        Cases.Decide(found.Aaz002);
        return found.Decision = new Decision("1", "准予办理", found.DecideAt);
    }

    private bool InMaintenance()
    {
        if (_maintenance is { } forced)
        {
            return forced;
        }

        var t = TimeOnly.FromDateTime(Now().DateTime);
        var (start, end) = (_settings.MaintenanceStart, _settings.MaintenanceEnd);
        return start <= end ? t >= start && t < end : t >= start || t < end;
    }

    // For the record only: which case an RS9001 asked about, even when it was refused before its body was checked.
    private static string? AskedCase(Envelope envelope)
    {
        if (envelope.TradeCode != "RS9001" || envelope.Body is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(envelope.Body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("AAZ002", out var aaz002) && aaz002.ValueKind == JsonValueKind.String
                ? aaz002.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Unknown(JsonElement element, string[] known) =>
        element.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !known.Contains(n));

    private static Fault? Check(string name, bool ok) => ok ? null : Invalid($"{name} 的值不在代码表中或格式错误");

    private static Fault Missing(string field) => new("1002", $"缺少必填字段：{field}");

    private static Fault Invalid(string message) => new("1003", message);

    private static bool IsDate(string value, string format) =>
        value.Length == format.Length && DateTime.TryParseExact(value, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    // Comma-separated, each a listed code, none twice, no spaces.
    private static bool IsCodeList(string value, HashSet<string> codes)
    {
        var items = value.Split(',');
        return items.All(codes.Contains) && items.Distinct(StringComparer.Ordinal).Count() == items.Length;
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,32}\\z")]
    private static partial Regex TransIdPattern();

    [GeneratedRegex("^[0-9a-f]{64}\\z")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[0-9]{4}\\z")]
    private static partial Regex YearPattern();

    [GeneratedRegex("^[1-9][0-9]*\\z")]
    private static partial Regex PositiveWholePattern();

    /// <summary>What could be read of one request, for validation and for the record.</summary>
    private sealed class Envelope
    {
        public string? TradeCode { get; set; }

        public string? TransId { get; set; }

        public string? OrgCode { get; set; }

        public string? Timestamp { get; set; }

        public string? Sign { get; set; }

        public string? Body { get; set; }
    }

    private sealed record TradeSpec(string[] Fields, string[]? OptionalFields = null, Func<Dictionary<string, string>, string[]>? RequiredWhen = null, bool Instant = false)
    {
        public string[] Optional => OptionalFields ?? [];
    }

    private sealed class Case(string aaz002, string transId, DateTimeOffset openedAt)
    {
        public string Aaz002 { get; } = aaz002;

        public string TransId { get; } = transId;

        public DateTimeOffset OpenedAt { get; } = openedAt;

        public Decision? Decision { get; set; }

        /// <summary>When the clerk decides by itself: the decision delay after intake, or after the supplement.</summary>
        public DateTimeOffset DecideAt { get; set; }
    }

    private sealed record Decision(string Blzt, string? Blyj, DateTimeOffset At, string? Bzcl = null);

    private protected override SandboxMaterials Materials { get; } =
        new((at, n) => $"C{CityCode}{at.ToOffset(China).ToString(Day, CultureInfo.InvariantCulture)}{n:D5}");

    private sealed record Fault(string Code, string Message);

    private sealed record Answer(string Code, string Message, string? TransId, Dictionary<string, string>? Body, string? CaseNumber, int HttpStatus = 200)
    {
        public static Answer Of(Fault fault, string? transId = null, Dictionary<string, string>? body = null, string? asked = null) =>
            new(fault.Code, fault.Message, transId, body, asked);

        public ResponseMessage ToResponse()
        {
            if (HttpStatus != 200)
            {
                // Not the gateway's answer but the web server's in front of it: no envelope.
                return new ResponseMessage
                {
                    StatusCode = HttpStatus,
                    Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("text/plain; charset=utf-8") },
                    BodyData = new BodyData { BodyAsBytes = Encoding.UTF8.GetBytes(Message), DetectedBodyType = BodyType.Bytes },
                };
            }

            var head = new JsonObject { ["ret_code"] = Code, ["ret_msg"] = Message };
            if (TransId is not null)
            {
                head["trans_id"] = TransId;
            }

            // Assumption: an answer without data still carries a body, the empty object, so the envelope keeps one shape.
            var envelope = new JsonObject { ["head"] = head, ["body"] = JsonSerializer.Serialize(Body ?? [], AnswerJson) };
            return new ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") },
                BodyData = new BodyData { BodyAsBytes = Encoding.UTF8.GetBytes(envelope.ToJsonString(AnswerJson)), DetectedBodyType = BodyType.Bytes },
            };
        }
    }
}
