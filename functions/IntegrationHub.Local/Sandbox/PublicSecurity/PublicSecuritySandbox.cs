using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace IntegrationHub.Local.Sandbox;

/// <summary>One request as the bureau saw it: every header, the decoded body, what it answered, and when (by its clock).</summary>
internal sealed record ReceivedApplication(
    IReadOnlyDictionary<string, string> Headers,
    string? Xml,
    string? Lsh,
    int HttpStatus,
    string? Code,
    string? Message,
    DateTimeOffset At)
{
    public string? Nonce => Headers.GetValueOrDefault("X-SJS");

    public string? Timestamp => Headers.GetValueOrDefault("X-SJC");
}

/// <summary>The connecting system's answer to one notification.</summary>
internal sealed record NotificationReply(HttpStatusCode Status, string Body)
{
    public bool Acknowledged => Status == HttpStatusCode.OK && Body.Contains("<Code>0000</Code>", StringComparison.Ordinal);
}

/// <summary>
/// The 公安 bureau as its interface document (v2.1) describes it, and as strict as a legacy system is: every
/// header, code table, required and conditional element and format is checked, and LSH is idempotent. It shares
/// no code with the hub's adapter on purpose, so a misreading of the document in one is not mirrored in the other.
/// Where the document is silent the choice is marked "Assumption".
/// </summary>
internal sealed partial class PublicSecuritySandbox : SandboxDepartment
{
    public const string ApplicationsPath = "/population/v2/applications";
    public const string MaterialsPath = "/population/v2/materials";
    public const long MaxMaterialBytes = 5_242_880;
    private const string SupplementType = "BZTJ";
    private const string WithdrawalType = "CHSQ";
    public const string BureauCode = "GA320300";
    private const string Declaration = """<?xml version="1.0" encoding="GB18030"?>""";
    private const string Stamp = "yyyyMMddHHmmss";
    private const string Day = "yyyyMMdd";

    private static readonly TimeSpan TimestampWindow = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan NonceMemory = TimeSpan.FromMinutes(10);
    private static readonly Encoding Gb18030 = StrictGb18030();

    private static readonly HashSet<string> Sexes = ["0", "1", "2", "9"];
    private static readonly HashSet<string> ResidenceReasons = ["01", "02", "03", "04", "05", "99"];
    private static readonly HashSet<string> DwellingTypes = ["01", "02", "03", "04", "99"];
    private static readonly HashSet<string> Purposes = ["01", "02", "03", "04"];
    private static readonly string[] HeadElements = ["YWLX", "LSH", "SQSJ", "SQQD", "SSXQ"];
    private static readonly string[] ApplicantElements = ["GMSFHM", "XM", "XBDM", "MZDM", "CSRQ", "LXDH"];
    private static readonly string[] TenantElements = ["GMSFHM", "XM", "LXDH"];

    // Per YWLX: every element the item knows, the ones always required, and the ones a value makes required.
    private static readonly Dictionary<string, ItemSpec> Items = new()
    {
        ["JZDJ"] = new(["XZZ", "LZRQ", "JZSY", "ZSLX", "FZGMSFHM", "FZXM"], ["XZZ", "LZRQ", "JZSY", "ZSLX"],
            v => v.GetValueOrDefault("ZSLX") == "02" ? ["FZGMSFHM", "FZXM"] : []),
        ["JZZSL"] = new(["XZZ", "JZSY", "JZDJBH", "ZPBH", "FWCS"], ["XZZ", "JZSY", "JZDJBH", "ZPBH"]),
        ["JZZQZ"] = new(["JZZBH", "XZZ"], ["JZZBH", "XZZ"]),
        ["HJZM"] = new(["ZMYT", "ZMYTSM"], ["ZMYT"], v => v.GetValueOrDefault("ZMYT") == "04" ? ["ZMYTSM"] : []),
        ["SFZJD"] = new(["SLH"], ["SLH"]),
        ["CZFWDJ"] = new(["FWDZ", "BDCQZH", "ZLQSRQ", "ZLZZRQ", "YZJ"], ["FWDZ", "ZLQSRQ", "ZLZZRQ", "YZJ"], Nested: "ZHLB"),
    };

    // What the local clerk notifies after a 0000, in order.
    private static readonly int[] ResendAfter = [0, 1, 2, 4, 8, 16];

    // v2.2: a CLID is usable for 7 days. Assumption: counted from the first upload of those bytes under that code.
    private static readonly TimeSpan MaterialLifetime = TimeSpan.FromDays(7);
    private static readonly HashSet<string> MaterialCodes = ["ZLHT", "JYZM", "JXZM", "ZSZM", "FCZM"];
    private static readonly HashSet<string> MaterialTypes = [SandboxMaterials.Jpeg, SandboxMaterials.Png, SandboxMaterials.Pdf];

    // v2.2 per YWLX: the codes an application may reference and the ones it must, from its SXXX values.
    // Assumption: for JZZSL "one of" means only the proof matching JZSY is allowed; a conditional one outside its
    // condition (JZDJ's ZLHT when not renting) is allowed and optional.
    private static readonly Dictionary<string, Func<Dictionary<string, string>, (HashSet<string> Allowed, string[] Required)>> MaterialRules = new()
    {
        ["JZDJ"] = v => (["ZLHT"], v.GetValueOrDefault("ZSLX") == "02" ? ["ZLHT"] : []),
        ["JZZSL"] = v => v.GetValueOrDefault("JZSY") switch
        {
            "01" or "02" => (["JYZM"], ["JYZM"]),
            "04" => (["JXZM"], ["JXZM"]),
            _ => (["ZSZM"], ["ZSZM"]),
        },
        ["CZFWDJ"] = _ => (["FCZM", "ZLHT"], ["FCZM", "ZLHT"]),
    };

    private static readonly (string Status, string Opinion)[] DecisionSteps = [("01", "已受理"), ("04", "审核中"), ("05", "准予办理")];

    private readonly string _accessUnit;
    private readonly byte[] _key;
    private readonly Dictionary<string, DateTimeOffset> _nonces = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Case> _cases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sequences = new(StringComparer.Ordinal);

    // The LSH of each accepted BZTJ and CHSQ and its SLBH: a repeat is 2004 like a repeated application.
    private readonly Dictionary<string, string> _caseRequests = new(StringComparer.Ordinal);
    private readonly List<ReceivedApplication> _received = [];
    private int _busy;
    private int _unavailable;
    private int _slow;
    private TimeSpan _slowBy;
    private TimeSpan _retryAfter = TimeSpan.FromMinutes(2);
    private bool _retryAfterAsDate;
    private string? _rejection;
    private Fault? _forced;
    private string _progress = "03";
    private string? _pickUpPlace;
    private (TimeSpan Delay, TimeSpan RetryUnit)? _autoDecide;

    // The document: the connecting system answers a notification within 5 s, or the bureau counts it as no answer.
    public PublicSecuritySandbox(string accessUnitCode, byte[] signingKey, Uri? notifyUrl, TimeProvider timeProvider, int port = 0)
        : base(timeProvider, port, callbackTimeout: TimeSpan.FromSeconds(5))
    {
        _accessUnit = accessUnitCode;
        _key = signingKey;
        NotifyUrl = notifyUrl;
        Server.Given(Request.Create().WithPath(ApplicationsPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(HandleAsync));
        Server.Given(Request.Create().WithPath(MaterialsPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(HandleMaterial));
    }

    /// <summary>The notification URL registered for the access unit (the document: registered once).</summary>
    public Uri? NotifyUrl { get; set; }

    public IReadOnlyList<ReceivedApplication> ReceivedApplications => Read(() => _received.ToList());

    public int CaseCount => Read(() => _cases.Count);

    public string? CaseNumberFor(string lsh) =>
        Read(() => _cases.GetValueOrDefault(lsh)?.Slbh);

    /// <summary>The next <paramref name="times"/> authenticated requests are answered 9001 (busy).</summary>
    public void GivenBusy(int times = 1) => Set(() => _busy = times);

    /// <summary>
    /// The next <paramref name="times"/> requests get HTTP 503 with Retry-After (planned maintenance): in seconds, or
    /// with <paramref name="asHttpDate"/> as the HTTP date that many seconds after the bureau's now (rounded up).
    /// </summary>
    public void GivenUnavailable(int times = 1, TimeSpan? retryAfter = null, bool asHttpDate = false) => Set(() =>
    {
        _unavailable = times;
        _retryAfter = retryAfter ?? TimeSpan.FromMinutes(2);
        _retryAfterAsDate = asHttpDate;
    });

    /// <summary>The next <paramref name="times"/> requests are processed at once but answered <paramref name="by"/> late.</summary>
    public void GivenSlow(TimeSpan by, int times = 1) => Set(() =>
    {
        _slow = times;
        _slowBy = by;
    });

    /// <summary>The next valid new application is refused at intake (3001) with this reason.</summary>
    public void GivenIntakeRejection(string reason) => Set(() => _rejection = reason);

    /// <summary>The next valid request is answered 2002 naming <paramref name="element"/>, as if it were missing.</summary>
    public void GivenMissingElement(string element) => Set(() => _forced = Missing(element));

    /// <summary>The next valid request is answered 2003 naming <paramref name="element"/> as malformed or outside its code table.</summary>
    public void GivenInvalidElement(string element) => Set(() => _forced = Invalid($"{element} 的值不在代码表中或格式错误"));

    /// <summary>The next valid request is answered with exactly this code and message.</summary>
    public void GivenCode(string code, string message = "联调环境指定应答") => Set(() => _forced = new Fault(code, message));

    /// <summary>What SFZJD answers from now on (JD 01–04 and the pick-up place).</summary>
    public void GivenIdCardProgress(string jd, string? pickUpPlace = null) => Set(() =>
    {
        _progress = jd;
        _pickUpPlace = pickUpPlace;
    });

    /// <summary>
    /// The local sandbox's clerk: after each 0000 it notifies 01 (accepted), 04 (in review) and 05 (approved),
    /// <paramref name="delay"/> apart, re-sending each at 1, 2, 4, 8 and 16 × <paramref name="retryUnit"/> (a minute in
    /// production, seconds in the joint-testing environment) until acknowledged.
    /// </summary>
    public void AutoDecide(TimeSpan delay, TimeSpan? retryUnit = null) =>
        Set(() => _autoDecide = (delay, retryUnit ?? TimeSpan.FromMinutes(1)));

    /// <summary>
    /// The clerk asks once for a supplement of <paramref name="codes"/> (一次性告知): the case waits for BZTJ, and the
    /// signed BLZT 03 notification with BLYJ <paramref name="note"/> and BZCL is sent now. Throws when the case is not open
    /// or was asked once already.
    /// </summary>
    public Task<NotificationReply> RequestSupplementAsync(string slbh, IReadOnlyList<string> codes, string note = "材料不全，请补正")
    {
        if (!Read(() => Cases.AskSupplement(slbh, codes)))
        {
            throw new InvalidOperationException($"Case {slbh} is not open or was asked for a supplement already.");
        }

        return SendNotificationAsync(slbh, "03", note, Now(), bzcl: string.Join(",", codes));
    }

    /// <summary>POSTs one signed (or forged) GB18030 notification, as the bureau does, and returns the answer.</summary>
    public async Task<NotificationReply> SendNotificationAsync(
        string slbh, string blzt, string blyj, DateTimeOffset blsj, Uri? to = null, bool forgeSignature = false, string? bzcl = null)
    {
        var target = to ?? NotifyUrl ?? throw new InvalidOperationException("No notification URL is registered for the access unit.");
        string? lsh;
        lock (Gate)
        {
            lsh = _cases.Values.FirstOrDefault(c => c.Slbh == slbh)?.Lsh;
        }

        var notify = new XElement("Notify",
            new XElement("SLBH", slbh),
            lsh is null ? null : new XElement("LSH", lsh),
            new XElement("BLZT", blzt),
            string.IsNullOrEmpty(blyj) ? null : new XElement("BLYJ", blyj),
            bzcl is null ? null : new XElement("BZCL", bzcl),
            new XElement("BLSJ", blsj.ToOffset(China).ToString(Stamp, CultureInfo.InvariantCulture)));
        var body = Gb18030.GetBytes(Declaration + notify.ToString(SaveOptions.DisableFormatting));
        var timestamp = Now().ToString(Stamp, CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var key = forgeSignature ? RandomNumberGenerator.GetBytes(_key.Length) : _key;

        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/xml; charset=GB18030");
        request.Headers.Add("X-JRDW", BureauCode);
        request.Headers.Add("X-SJC", timestamp);
        request.Headers.Add("X-SJS", nonce);
        request.Headers.Add("X-QM", Sign(key, BureauCode, timestamp, nonce, body));
        using var response = await Callbacks.SendAsync(request, Stopping).ConfigureAwait(false);
        var answer = await response.Content.ReadAsByteArrayAsync(Stopping).ConfigureAwait(false);
        return new NotificationReply(response.StatusCode, Encoding.GetEncoding("GB18030").GetString(answer));
    }

    private async Task<IResponseMessage> HandleAsync(IRequestMessage request)
    {
        var headers = request.Headers?.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)
            ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var body = request.BodyData?.BodyAsBytes ?? [];
        var (xml, lsh) = Peek(body);
        Answer answer;
        var stall = TimeSpan.Zero;
        var fault = DrawFault();
        lock (Gate)
        {
            answer = Injected(fault) ?? Respond(headers, body);
            _received.Add(new ReceivedApplication(headers, xml, lsh, answer.HttpStatus, answer.Code, answer.Message, Time.GetUtcNow()));
            if (_slow > 0)
            {
                _slow--;
                stall = _slowBy;
            }
            else if (fault.Kind == SandboxFaultKind.LateAnswer)
            {
                stall = Faults!.Rates.LateBy;
            }

            Faults?.NoteLostAnswer(fault, lsh);
        }

        // Decided first, answered late: the case exists even if the caller has given up waiting.
        if (stall > TimeSpan.Zero)
        {
            await Task.Delay(stall, Time, Stopping).ConfigureAwait(false);
        }

        return fault.Kind == SandboxFaultKind.DroppedAnswer ? SandboxFaults.Dropped(answer.ToResponse()) : answer.ToResponse();
    }

    // v2.2 upload: availability and the signed headers as for applications, then X-CLBM, the declared type, the size,
    // and the real type of the bytes.
    private ResponseMessage HandleMaterial(IRequestMessage request)
    {
        var headers = request.Headers?.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)
            ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var body = request.BodyData?.BodyAsBytes ?? [];
        lock (Gate)
        {
            return UploadMaterial(headers, body).ToResponse();
        }
    }

    private Answer UploadMaterial(Dictionary<string, string> headers, byte[] body)
    {
        if (_unavailable > 0)
        {
            _unavailable--;
            return Answer.Unavailable(((int)Math.Ceiling(_retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        if (Authenticate(headers, body) is { } refused)
        {
            return Answer.Of(refused);
        }

        if (_busy > 0)
        {
            _busy--;
            return Answer.Of(new Fault("9001", "系统繁忙，请稍后重试"));
        }

        // Assumption: a missing X-CLBM is 2002 and an unknown one 2003, as for elements.
        if (headers.GetValueOrDefault("X-CLBM") is not { Length: > 0 } code)
        {
            return Answer.Of(Missing("X-CLBM"));
        }

        if (!MaterialCodes.Contains(code))
        {
            return Answer.Of(Invalid("X-CLBM 不在材料代码表中"));
        }

        var declared = headers.TryGetValue("Content-Type", out var contentType) && MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            ? mediaType.MediaType?.ToLowerInvariant()
            : null;
        if (declared is null || !MaterialTypes.Contains(declared))
        {
            return Answer.Of(new Fault("2005", "文件类型不允许"));
        }

        if (body.LongLength > MaxMaterialBytes)
        {
            return Answer.Of(new Fault("2006", "文件超过5242880字节"));
        }

        if (SandboxMaterials.Sniff(body) != declared)
        {
            return Answer.Of(new Fault("2005", "文件内容与 Content-Type 不符"));
        }

        var (material, _) = Materials.Store(code, declared, body, Time.GetUtcNow());
        return Answer.Of(new Fault("0000", "上传成功"), clid: material.Id);
    }

    // For the record only, whatever the answer: what was sent and under which LSH, as far as it can be read.
    private static (string? Xml, string? Lsh) Peek(byte[] body)
    {
        try
        {
            var xml = Gb18030.GetString(body);
            return (xml, Parse(xml).Root?.Element("Head")?.Element("LSH")?.Value);
        }
        catch (Exception e) when (e is DecoderFallbackException or XmlException)
        {
            return (null, null);
        }
    }

    private static XDocument Parse(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        return XDocument.Load(reader);
    }

    // The order a gateway in front of a legacy system would take: availability, then who is calling, then what they sent.
    private Answer Respond(Dictionary<string, string> headers, byte[] body)
    {
        if (_unavailable > 0)
        {
            _unavailable--;
            return Answer.Unavailable(_retryAfterAsDate
                ? HttpDate(Time.GetUtcNow() + _retryAfter)
                : ((int)Math.Ceiling(_retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        if (Authenticate(headers, body) is { } refused)
        {
            return Answer.Of(refused);
        }

        if (_busy > 0 || TakeApplicationBusy())
        {
            _busy = Math.Max(0, _busy - 1);
            return Answer.Of(new Fault("9001", "系统繁忙，请稍后重试"));
        }

        // Assumption: a body not declared as GB18030 XML is "a body that is not GB18030" (2003).
        if (!headers.TryGetValue("Content-Type", out var contentType)
            || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !string.Equals(mediaType.MediaType, "application/xml", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(mediaType.CharSet?.Trim('"'), "GB18030", StringComparison.OrdinalIgnoreCase))
        {
            return Answer.Of(Invalid("Content-Type 须为 application/xml; charset=GB18030"));
        }

        XDocument document;
        try
        {
            document = Parse(Gb18030.GetString(body));
        }
        catch (Exception e) when (e is DecoderFallbackException or XmlException)
        {
            return Answer.Of(Invalid("报文不是合法的 GB18030 XML"));
        }

        if (document.Declaration?.Encoding is { } declared && !string.Equals(declared, "GB18030", StringComparison.OrdinalIgnoreCase))
        {
            return Answer.Of(Invalid($"XML 声明的编码 {declared} 不是 GB18030"));
        }

        if (Validate(document.Root!) is { } fault)
        {
            return Answer.Of(fault);
        }

        return Decide(document.Root!);
    }

    private Fault? Authenticate(Dictionary<string, string> headers, byte[] body)
    {
        if (headers.GetValueOrDefault("X-JRDW") != _accessUnit)
        {
            return new Fault("1004", "未知的接入单位");
        }

        // Assumption: a missing header or a nonce outside 16–32 hex characters is a bad signature (1001).
        var timestamp = headers.GetValueOrDefault("X-SJC");
        var nonce = headers.GetValueOrDefault("X-SJS");
        var signature = headers.GetValueOrDefault("X-QM");
        if (timestamp is null || nonce is null || signature is null || !NoncePattern().IsMatch(nonce)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(_key, _accessUnit, timestamp, nonce, body)), Encoding.ASCII.GetBytes(signature)))
        {
            return new Fault("1001", "签名验证失败");
        }

        if (!DateTime.TryParseExact(timestamp, Stamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            || (Now() - new DateTimeOffset(local, China)).Duration() > TimestampWindow)
        {
            return new Fault("1002", "时间戳超出允许范围");
        }

        // Only authenticated nonces are remembered, so a forger cannot burn a legitimate caller's nonces.
        var now = Time.GetUtcNow();
        foreach (var expired in _nonces.Where(n => now - n.Value > NonceMemory).Select(n => n.Key).ToList())
        {
            _nonces.Remove(expired);
        }

        return _nonces.TryAdd($"{_accessUnit}|{nonce}", now) ? null : new Fault("1003", "随机数重复");
    }

    private Fault? Validate(XElement root)
    {
        if (root.Name != "Request")
        {
            return Invalid($"根元素 {root.Name} 不是 Request");
        }

        if (Open(root, "Request", [], ["Head", "Body"], out _) is { } rootFault)
        {
            return rootFault;
        }

        var head = root.Element("Head");
        if (head is null)
        {
            return Missing("Head");
        }

        if ((Open(head, "Head", HeadElements, [], out var h) ?? Require(h, HeadElements)) is { } headFault)
        {
            return headFault;
        }

        var isCaseRequest = h["YWLX"] is SupplementType or WithdrawalType;
        if (!Items.TryGetValue(h["YWLX"], out var item) && !isCaseRequest)
        {
            return Invalid("YWLX 不在业务类型代码表中");
        }

        var headValues = Check("LSH", LshPattern().IsMatch(h["LSH"]))
            ?? Check("SQSJ", DateTime.TryParseExact(h["SQSJ"], Stamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            ?? Check("SQQD", h["SQQD"] == "SQPT")
            ?? Check("SSXQ", SandboxCodes.Districts.Contains(h["SSXQ"]));
        if (headValues is not null)
        {
            return headValues;
        }

        var requestBody = root.Element("Body");
        if (requestBody is null)
        {
            return Missing("Body");
        }

        if (isCaseRequest)
        {
            return ValidateCaseRequest(requestBody, h["YWLX"]);
        }

        if (Open(requestBody, "Body", [], ["SQR", "SXXX", "CLLB"], out _) is { } bodyFault)
        {
            return bodyFault;
        }

        return ValidateApplicant(requestBody.Element("SQR"))
            ?? ValidateItem(requestBody.Element("SXXX"), item!)
            ?? ValidateMaterials(requestBody, h["YWLX"]);
    }

    // v2.2: after SXXX, CLLB lists the files; unknown or unusable ones are 2003, a required one missing is 2002.
    private Fault? ValidateMaterials(XElement requestBody, string businessType)
    {
        List<(string Code, string Id)> references = [];
        if (requestBody.Element("CLLB") is { } list && ReadMaterials(list, references) is { } shape)
        {
            return shape;
        }

        var values = requestBody.Element("SXXX")!.Elements().Where(e => !e.HasElements).ToDictionary(e => e.Name.LocalName, e => e.Value);
        var (allowed, required) = MaterialRules.TryGetValue(businessType, out var rule) ? rule(values) : ([], []);
        if (Materials.Refused(references, allowed, MaterialLifetime, Time.GetUtcNow()) is { } refused)
        {
            return Invalid($"材料 {refused.Code}（{refused.Id}）不在代码表中、不适用于该事项、不存在或已过期");
        }

        return RequireMaterials && SandboxMaterials.Missing(references, required) is { } missing ? Missing(missing) : null;
    }

    private static Fault? ReadMaterials(XElement list, List<(string Code, string Id)> references)
    {
        if (Open(list, "CLLB", [], ["CL"], out _, allowRepeats: true) is { } fault)
        {
            return fault;
        }

        foreach (var material in list.Elements("CL"))
        {
            string[] leaves = ["CLBM", "CLID"];
            if ((Open(material, "CL", leaves, [], out var m) ?? Require(m, leaves, "CL/")) is { } materialFault)
            {
                return materialFault;
            }

            references.Add((m["CLBM"], m["CLID"]));
        }

        return references.Count == 0 ? Invalid("CLLB 为空") : null;
    }

    // v2.2: BZTJ carries SLBH, BZSM and the files; CHSQ carries SLBH and CHYY. Both notes at most 200 characters.
    private static Fault? ValidateCaseRequest(XElement requestBody, string businessType)
    {
        var note = businessType == SupplementType ? "BZSM" : "CHYY";
        string[] leaves = ["SLBH", note];
        string[] containers = businessType == SupplementType ? ["CLLB"] : [];
        if ((Open(requestBody, "Body", leaves, containers, out var v) ?? Require(v, leaves)) is { } fault)
        {
            return fault;
        }

        if (v[note].EnumerateRunes().Count() > 200)
        {
            return Invalid($"{note} 超过200字");
        }

        return requestBody.Element("CLLB") is { } list ? ReadMaterials(list, []) : null;
    }

    // Assumption: the document marks no SQR element optional, so all six are required.
    private static Fault? ValidateApplicant(XElement? applicant)
    {
        if (applicant is null)
        {
            return Missing("SQR");
        }

        if ((Open(applicant, "SQR", ApplicantElements, [], out var a) ?? Require(a, ApplicantElements)) is { } fault)
        {
            return fault;
        }

        if (!SandboxCodes.IsCitizenId(a["GMSFHM"]))
        {
            return new Fault("2001", "GMSFHM 不是有效的公民身份号码");
        }

        if (!IsDate(a["CSRQ"]))
        {
            return Invalid("CSRQ 格式错误，应为 yyyyMMdd");
        }

        if (a["CSRQ"] != a["GMSFHM"][6..14])
        {
            return new Fault("2001", "CSRQ 与 GMSFHM 中的出生日期不一致");
        }

        return Check("XBDM", Sexes.Contains(a["XBDM"])) ?? Check("MZDM", SandboxCodes.Ethnicities.Contains(a["MZDM"]));
    }

    private Fault? ValidateItem(XElement? details, ItemSpec item)
    {
        if (details is null)
        {
            return Missing("SXXX");
        }

        string[] nested = item.Nested is null ? [] : [item.Nested];
        if ((Open(details, "SXXX", item.Elements, nested, out var v)
            ?? Require(v, [.. item.Required, .. item.RequiredWhen?.Invoke(v) ?? []])) is { } fault)
        {
            return fault;
        }

        foreach (var (name, value) in v)
        {
            if (CheckValue(name, value) is { } invalid)
            {
                return invalid;
            }
        }

        if (v.TryGetValue("ZLQSRQ", out var start) && v.TryGetValue("ZLZZRQ", out var end)
            && string.CompareOrdinal(end, start) <= 0)
        {
            return Invalid("ZLZZRQ 须晚于 ZLQSRQ");
        }

        return item.Nested is null ? null : ValidateTenants(details.Element(item.Nested));
    }

    private Fault? CheckValue(string name, string value) => name switch
    {
        // Assumption: lengths are counted in characters (Unicode scalar values: a rare character outside the BMP is one
        // character, as it is one 字 to a clerk), not in GB18030 bytes or UTF-16 code units.
        "XZZ" or "FWCS" => Check(name, value.EnumerateRunes().Count() <= 100),
        "LZRQ" => Check(name, IsDate(value)) ?? Check(name, string.CompareOrdinal(value, Now().ToString(Day, CultureInfo.InvariantCulture)) <= 0, "不得晚于当天"),
        "ZLQSRQ" or "ZLZZRQ" => Check(name, IsDate(value)),
        "JZSY" => Check(name, ResidenceReasons.Contains(value)),
        "ZSLX" => Check(name, DwellingTypes.Contains(value)),
        "ZMYT" => Check(name, Purposes.Contains(value)),
        "JZZBH" => Check(name, value.Length is >= 18 and <= 20),
        "YZJ" => Check(name, WholeNumberPattern().IsMatch(value)),

        // Assumption: any ID number in the request (landlord, tenant) is checked like GMSFHM and answered 2001.
        "FZGMSFHM" => SandboxCodes.IsCitizenId(value) ? null : new Fault("2001", "FZGMSFHM 不是有效的公民身份号码"),
        _ => null,
    };

    private static Fault? ValidateTenants(XElement? list)
    {
        if (list is null)
        {
            return Missing("ZHLB");
        }

        if (Open(list, "ZHLB", [], ["ZH"], out _, allowRepeats: true) is { } fault)
        {
            return fault;
        }

        var tenants = list.Elements("ZH").ToList();
        if (tenants.Count is < 1 or > 10)
        {
            return tenants.Count == 0 ? Invalid("ZHLB 为空") : Invalid("ZHLB 承租人超过10人");
        }

        foreach (var tenant in tenants)
        {
            if ((Open(tenant, "ZH", TenantElements, [], out var t) ?? Require(t, TenantElements, "ZH/")) is { } tenantFault)
            {
                return tenantFault;
            }

            if (!SandboxCodes.IsCitizenId(t["GMSFHM"]))
            {
                return new Fault("2001", "ZH/GMSFHM 不是有效的公民身份号码");
            }
        }

        return null;
    }

    private Answer Decide(XElement request)
    {
        var head = request.Element("Head")!;
        var lsh = head.Element("LSH")!.Value;
        var businessType = head.Element("YWLX")!.Value;
        if (_forced is { } forced)
        {
            _forced = null;
            return Answer.Of(forced);
        }

        // The document: a repeated LSH is idempotent; the answer carries the original case number, never a new case.
        if (_cases.TryGetValue(lsh, out var existing))
        {
            return Answer.Of(new Fault("2004", "流水号重复"), existing.Slbh);
        }

        if (_caseRequests.TryGetValue(lsh, out var asked))
        {
            return Answer.Of(new Fault("2004", "流水号重复"), asked);
        }

        if (businessType is SupplementType or WithdrawalType)
        {
            return DecideCaseRequest(lsh, businessType, request.Element("Body")!);
        }

        if (_rejection is { } reason)
        {
            _rejection = null;
            return Answer.Of(new Fault("3001", reason));
        }

        var today = Now().ToString(Day, CultureInfo.InvariantCulture);
        var sequence = _sequences[today] = _sequences.GetValueOrDefault(today) + 1;
        var slbh = $"GA{head.Element("SSXQ")!.Value}{today}{sequence:D5}";
        _cases[lsh] = new Case(slbh, lsh, businessType);
        var body = request.Element("Body")!;
        List<(string Code, string Id)> references = [];
        if (body.Element("CLLB") is { } list)
        {
            ReadMaterials(list, references);
        }

        Cases.Open(slbh, body.Element("SQR")!.Element("XM")!.Value, references.Select(r => r.Code));

        // Assumption: an instant item also gets a case number, so a repeat can be answered 2004 like any other.
        if (businessType == "SFZJD")
        {
            Cases.Decide(slbh);
            var result = new XElement("Result", new XElement("JD", _progress), new XElement("LQDD", _pickUpPlace ?? PickUpPlace(head)));
            return Answer.Of(new Fault("0001", "办理完成"), slbh, result);
        }

        if (_autoDecide is { } auto)
        {
            RunInBackground(() => Faults is { } faults
                ? DecideLaterWithFaultsAsync(slbh, auto.Delay, auto.RetryUnit, faults)
                : DecideLaterAsync(slbh, auto.Delay, auto.RetryUnit));
        }

        return Answer.Of(new Fault("0000", "接收成功"), slbh);
    }

    private Answer DecideCaseRequest(string lsh, string businessType, XElement body)
    {
        var slbh = body.Element("SLBH")!.Value;
        var now = Time.GetUtcNow();
        CaseRequestResult result;
        string? missing = null;
        if (businessType == WithdrawalType)
        {
            result = Cases.Withdraw(slbh, body.Element("CHYY")!.Value, now);
        }
        else
        {
            List<(string Code, string Id)> references = [];
            if (body.Element("CLLB") is { } list)
            {
                ReadMaterials(list, references);
            }

            if (Cases.State(slbh) is not null && Materials.Refused(references, MaterialCodes, MaterialLifetime, now) is { } refused)
            {
                return Answer.Of(Invalid($"材料 {refused.Code}（{refused.Id}）不在代码表中、不存在或已过期"));
            }

            result = Cases.Supplement(slbh, body.Element("BZSM")!.Value, references, now, out missing);
        }

        switch (result)
        {
            case CaseRequestResult.UnknownCase:
                return Answer.Of(new Fault("3003", "受理编号不存在"));
            case CaseRequestResult.NotAwaitingSupplement:
                return Answer.Of(new Fault("3002", "案件不在待补正状态"));
            case CaseRequestResult.AlreadyDecided:
                return Answer.Of(new Fault("3002", "案件已办结或已撤回"));
            case CaseRequestResult.MissingWantedMaterial:
                return Answer.Of(Missing(missing!));
        }

        _caseRequests[lsh] = slbh;
        var retryUnit = _autoDecide?.RetryUnit ?? TimeSpan.FromMinutes(1);
        if (businessType == WithdrawalType)
        {
            // v2.2: the withdrawal is answered 0000, then notified 07 (final), by the bureau itself, clerk or not.
            RunInBackground(() => NotifyUntilAcknowledgedAsync(slbh, "07", "已撤回", retryUnit));
        }
        else if (_autoDecide is { } auto)
        {
            RunInBackground(() => ContinueAfterSupplementAsync(slbh, auto.Delay, auto.RetryUnit));
        }

        return Answer.Of(new Fault("0000", "接收成功"), slbh);
    }

    // The clerk: 01, then by the rules of docs/sandboxes.md a supplement request (补正 in XM), a hold (撤回 in XM), or
    // 04 and 05. A withdrawal stops it before its next step.
    private async Task DecideLaterAsync(string slbh, TimeSpan delay, TimeSpan retryUnit)
    {
        if (!await StepAsync(slbh, delay, retryUnit, "01", "已受理").ConfigureAwait(false))
        {
            return;
        }

        var wanted = Read(() => Cases.WantsSupplementByRule(slbh) ? Cases.Referenced(slbh) : null);
        if (wanted is not null)
        {
            await Task.Delay(delay, Time, Stopping).ConfigureAwait(false);
            if (Read(() => Cases.AskSupplement(slbh, wanted)))
            {
                var codes = string.Join(",", wanted);
                await NotifyUntilAcknowledgedAsync(slbh, "03", $"材料不全，请补正{codes}", retryUnit, bzcl: codes).ConfigureAwait(false);
            }

            return;
        }

        if (await StepAsync(slbh, delay, retryUnit, "04", "审核中").ConfigureAwait(false) && !Read(() => Cases.HeldByRule(slbh)))
        {
            await DecideAsync(slbh, delay, retryUnit).ConfigureAwait(false);
        }
    }

    private async Task ContinueAfterSupplementAsync(string slbh, TimeSpan delay, TimeSpan retryUnit)
    {
        if (await StepAsync(slbh, delay, retryUnit, "04", "审核中").ConfigureAwait(false))
        {
            await DecideAsync(slbh, delay, retryUnit).ConfigureAwait(false);
        }
    }

    private async Task<bool> StepAsync(string slbh, TimeSpan delay, TimeSpan retryUnit, string status, string opinion)
    {
        await Task.Delay(delay, Time, Stopping).ConfigureAwait(false);
        if (!Read(() => Cases.IsOpen(slbh)))
        {
            return false;
        }

        await NotifyUntilAcknowledgedAsync(slbh, status, opinion, retryUnit).ConfigureAwait(false);
        return true;
    }

    private async Task DecideAsync(string slbh, TimeSpan delay, TimeSpan retryUnit)
    {
        await Task.Delay(delay, Time, Stopping).ConfigureAwait(false);
        if (Read(() => Cases.Decide(slbh)))
        {
            await NotifyUntilAcknowledgedAsync(slbh, "05", "准予办理", retryUnit).ConfigureAwait(false);
        }
    }

    // The document: without an acknowledgement the bureau re-sends at 1, 2, 4, 8 and 16 minutes, then gives up. With
    // nothing registered yet (the hub is still starting) nobody answers, so that attempt is spent.
    private Task NotifyUntilAcknowledgedAsync(
        string slbh, string status, string opinion, TimeSpan retryUnit, DateTimeOffset? happenedAt = null, string? bzcl = null)
    {
        var occurredAt = happenedAt ?? Now();
        return DeliverUntilAcknowledgedAsync(
            [.. ResendAfter.Select(n => retryUnit * n)],
            async () => NotifyUrl is not null
                && (await SendNotificationAsync(slbh, status, opinion, occurredAt, bzcl: bzcl).ConfigureAwait(false)).Acknowledged);
    }

    private static string PickUpPlace(XElement head) =>
        head.Element("SSXQ")!.Value == "320300" ? "徐州市公安局户政服务大厅" : $"徐州市公安局{head.Element("SSXQ")!.Value}分局户政服务大厅";

    // Unknown, repeated or empty elements and stray text are all 2003 (the document: "an unknown or empty element").
    private static Fault? Open(XElement container, string path, string[] leaves, string[] containers,
        out Dictionary<string, string> values, bool allowRepeats = false)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (container.Nodes().OfType<XText>().Any(t => !string.IsNullOrWhiteSpace(t.Value)))
        {
            return Invalid($"{path} 含有多余文本");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in container.Elements())
        {
            var name = child.Name.LocalName;
            if (child.Name.Namespace != XNamespace.None || (!leaves.Contains(name) && !containers.Contains(name)))
            {
                return Invalid($"未知元素 {path}/{name}");
            }

            if (!seen.Add(name) && !allowRepeats)
            {
                return Invalid($"元素 {path}/{name} 重复");
            }

            if (containers.Contains(name))
            {
                continue;
            }

            if (child.HasElements || string.IsNullOrWhiteSpace(child.Value))
            {
                return Invalid($"元素 {path}/{name} 为空或格式错误");
            }

            values[name] = child.Value;
        }

        return null;
    }

    private static Fault? Require(Dictionary<string, string> values, IEnumerable<string> names, string prefix = "") =>
        names.FirstOrDefault(n => !values.ContainsKey(n)) is { } absent ? Missing(prefix + absent) : null;

    private static Fault? Check(string name, bool ok, string why = "的值不在代码表中或格式错误") =>
        ok ? null : Invalid($"{name} {why}");

    private static Fault Missing(string element) => new("2002", $"缺少必填元素：{element}");

    private static Fault Invalid(string message) => new("2003", message);

    private static bool IsDate(string value) =>
        DateTime.TryParseExact(value, Day, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static string Sign(byte[] key, string accessUnit, string timestamp, string nonce, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key,
            Encoding.ASCII.GetBytes($"{accessUnit}\n{timestamp}\n{nonce}\n{Convert.ToHexStringLower(SHA256.HashData(body))}")));

    private static Encoding StrictGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    [GeneratedRegex("^[0-9A-Fa-f]{16,32}\\z")]
    private static partial Regex NoncePattern();

    [GeneratedRegex("^[A-Za-z0-9-]{1,40}\\z")]
    private static partial Regex LshPattern();

    [GeneratedRegex("^(0|[1-9][0-9]*)\\z")]
    private static partial Regex WholeNumberPattern();

    private protected override SandboxMaterials Materials { get; } =
        new((at, n) => $"M320300{at.ToOffset(China).ToString(Day, CultureInfo.InvariantCulture)}{n:D5}");

    private sealed record Case(string Slbh, string Lsh, string BusinessType);

    private sealed record Fault(string Code, string Message);

    private sealed record ItemSpec(
        string[] Elements,
        string[] Required,
        Func<Dictionary<string, string>, string[]>? RequiredWhen = null,
        string? Nested = null);

    // An HTTP date has whole seconds: rounded up, so the announced time is never earlier than asked.
    private static string HttpDate(DateTimeOffset at) =>
        new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero)
            .AddSeconds(at.UtcTicks % TimeSpan.TicksPerSecond == 0 ? 0 : 1)
            .ToString("R", CultureInfo.InvariantCulture);

    private sealed record Answer(int HttpStatus, string? Code, string? Message, byte[] Body, string? RetryAfter = null)
    {
        public static Answer Of(Fault fault, string? slbh = null, XElement? result = null, string? clid = null)
        {
            var response = new XElement("Response",
                new XElement("Code", fault.Code),
                new XElement("Message", fault.Message),
                slbh is null ? null : new XElement("SLBH", slbh),
                clid is null ? null : new XElement("CLID", clid),
                result);
            return new Answer(200, fault.Code, fault.Message, Gb18030.GetBytes(Declaration + response.ToString(SaveOptions.DisableFormatting)));
        }

        public static Answer Unavailable(string? retryAfter) =>
            new(503, null, "系统维护中", Gb18030.GetBytes("系统维护中"), retryAfter);

        public ResponseMessage ToResponse()
        {
            var headers = new Dictionary<string, WireMockList<string>>
            {
                ["Content-Type"] = new(HttpStatus == 200 ? "application/xml; charset=GB18030" : "text/plain; charset=GB18030"),
            };
            if (RetryAfter is { } wait)
            {
                headers["Retry-After"] = new(wait);
            }

            return new ResponseMessage
            {
                StatusCode = HttpStatus,
                Headers = headers,
                BodyData = new BodyData { BodyAsBytes = Body, DetectedBodyType = BodyType.Bytes },
            };
        }
    }
}
