using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace IntegrationHub.Local.Sandbox;

/// <summary>One submit as the bureau saw it: when, every header, the body, its request_id, and what it answered.</summary>
internal sealed record HousingSubmission(
    DateTimeOffset At,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    string? RequestId,
    int HttpStatus,
    string? Answer,
    string? TicketNo,
    string? Error);

/// <summary>One request to the token endpoint and the HTTP status it got.</summary>
internal sealed record HousingTokenRequest(DateTimeOffset At, int HttpStatus, string? Error);

/// <summary>One reconciliation request (GET of a ticket): when, which ticket, and the HTTP status it got.</summary>
internal sealed record HousingQuery(DateTimeOffset At, string TicketNo, int HttpStatus);

/// <summary>
/// The 房管 bureau as its Open API v2 document describes it, as strict as a gateway in front of it would be: OAuth2
/// client credentials with a throttled token endpoint, revocable bearer tokens, 20 requests/s per client, JSON that may
/// not carry unknown fields or null optional fields, code tables, ID check digits, request_id idempotency, 202 + ticket,
/// instant results, reconciliation, and signed webhooks delivered at least once. It shares no code with the hub's
/// adapter on purpose, so a misreading of the document in one is not mirrored in the other. Where the document is
/// silent the choice is marked "Assumption".
/// </summary>
internal sealed partial class HousingSandbox : SandboxDepartment
{
    public const string TokenPath = "/oauth/token";
    public const string ApplicationsPath = "/api/v2/applications";
    public const string FilesPath = "/api/v2/files";
    public const long MaxFileBytes = 10 * 1024 * 1024;
    public const string SignatureHeader = "X-FG-Signature";
    public const int TokenRequestsPerMinute = 10;
    public const int RequestsPerSecond = 20;

    private static readonly TimeSpan ClockWindow = TimeSpan.FromSeconds(300);

    private static readonly HashSet<string> Genders = ["male", "female"];
    private static readonly HashSet<string> Relations = ["self", "spouse", "child", "parent", "other"];
    private static readonly HashSet<string> Purposes = ["loan", "school", "subsidy", "other"];
    private static readonly HashSet<string> WebhookStatuses = ["accepted", "rejected", "supplement_required", "approved", "denied"];
    private static readonly string[] TopLevel = ["request_id", "service_code", "district_code", "submitted_at", "applicant", "payload"];
    private static readonly string[] AttachmentFields = ["type_code", "file_id"];
    private static readonly HashSet<string> FileTypes = [SandboxMaterials.Jpeg, SandboxMaterials.Png, SandboxMaterials.Pdf];

    // v2.3 per service_code: the attachment types allowed, and the required ones among them.
    private static readonly Dictionary<string, (HashSet<string> Allowed, string[] Required)> AttachmentRules = new(StringComparer.Ordinal)
    {
        ["PRH_APPLY"] = (["income_proof", "household_register", "housing_status_statement"], ["income_proof", "household_register"]),
        ["LEASE_FILING"] = (["lease_contract", "property_certificate"], ["lease_contract", "property_certificate"]),
        ["PRH_REVIEW"] = (["income_proof"], ["income_proof"]),
    };

    private static readonly HashSet<string> TypeCodes = [.. AttachmentRules.Values.SelectMany(r => r.Allowed)];
    private static readonly string[] ApplicantFields = ["name", "id_card_no", "gender", "mobile", "ethnicity_code"];
    private static readonly string[] MemberFields = ["name", "id_card_no", "relation"];
    private static readonly string[] LandlordFields = ["name", "id_card_no"];

    // Per service_code: the required payload fields, then the optional ones (the document's table).
    private static readonly Dictionary<string, (string[] Required, string[] Optional)> Payloads = new(StringComparer.Ordinal)
    {
        ["PRH_APPLY"] = (["household_members", "monthly_income_fen", "current_housing_area_sqm"], ["employer"]),
        ["LEASE_FILING"] = (["landlord", "property_cert_no", "address", "area_sqm", "monthly_rent_fen", "lease_start", "lease_end"], []),
        ["HOUSING_CERT"] = (["purpose", "include_family"], []),
        ["MAINT_FUND_QUERY"] = (["house_code"], []),
        ["PRH_REVIEW"] = (["contract_no", "monthly_income_fen", "household_members"], ["changes"]),
    };

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false, MaxDepth = 16 };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonSerializerOptions Wire = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // What the local clerk decides after a 202, in order.
    private static readonly (string Status, string? Reason)[] DecisionSteps = [("accepted", null), ("approved", null)];

    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly byte[] _webhookKey;
    private readonly TimeSpan _tokenLifetime;
    private readonly Dictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _issued = new();
    private readonly Queue<DateTimeOffset> _admitted = new();
    private readonly Dictionary<string, Case> _byRequestId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Case> _byTicket = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sequences = new(StringComparer.Ordinal);
    private readonly List<HousingSubmission> _submissions = [];
    private readonly List<HousingTokenRequest> _tokenRequests = [];

    // The document's 20 by default; a test may lower it so that a small load already meets it.
    private readonly int _requestsPerSecond;
    private readonly List<HousingQuery> _queries = [];

    // The request_id of each accepted supplement and withdrawal, and the body first answered.
    private readonly Dictionary<string, byte[]> _caseRequests = new(StringComparer.Ordinal);
    private int _invalidTokens;
    private int _rateLimited;
    private TimeSpan _rateLimitedFor;
    private int _serverErrors;
    private string? _notEligible;
    private (TimeSpan Delay, TimeSpan RetryUnit)? _autoDecide;

    // The document: the connecting system answers a webhook within 10 s, or the bureau counts it as not delivered.
    public HousingSandbox(string clientId, string clientSecret, string webhookSecret, TimeProvider timeProvider,
        Uri? webhookUrl = null, TimeSpan? tokenLifetime = null, int port = 0, int requestsPerSecond = RequestsPerSecond)
        : base(timeProvider, port, callbackTimeout: TimeSpan.FromSeconds(10))
    {
        _requestsPerSecond = requestsPerSecond;
        _clientId = clientId;
        _clientSecret = clientSecret;
        _webhookKey = Encoding.UTF8.GetBytes(webhookSecret);
        _tokenLifetime = tokenLifetime ?? TimeSpan.FromSeconds(7200);
        WebhookUrl = webhookUrl;
        Server.Given(Request.Create().WithPath(TokenPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(request => Token(request)));
        Server.Given(Request.Create().WithPath(ApplicationsPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(ApiAsync));
        Server.Given(Request.Create().WithPath(new WildcardMatcher(ApplicationsPath + "/*")).UsingGet())
            .RespondWith(Response.Create().WithCallback(ApiAsync));
        Server.Given(Request.Create().WithPath(new WildcardMatcher(ApplicationsPath + "/*")).UsingPost())
            .RespondWith(Response.Create().WithCallback(ApiAsync));
        Server.Given(Request.Create().WithPath(FilesPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(ApiAsync));
    }

    /// <summary>The webhook URL registered for the client.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Every submit received, in order, whatever it was answered.</summary>
    public IReadOnlyList<HousingSubmission> ReceivedApplications => Read(() => _submissions.ToList());

    /// <summary>Every request to the token endpoint, throttled or not.</summary>
    public IReadOnlyList<HousingTokenRequest> TokenRequests => Read(() => _tokenRequests.ToList());

    public int TokenRequestCount => Read(() => _tokenRequests.Count);

    /// <summary>The tickets asked about by reconciliation, in order.</summary>
    public IReadOnlyList<string> ReceivedQueries => Read(() => _queries.Select(q => q.TicketNo).ToList());

    /// <summary>Every reconciliation request with its time and answer.</summary>
    public IReadOnlyList<HousingQuery> ReceivedQueryCalls => Read(() => _queries.ToList());

    /// <summary>How many tickets the bureau has opened: never more than one per request_id.</summary>
    public int TicketCount => Read(() => _byTicket.Count);

    public string? TicketFor(string requestId) => Read(() => _byRequestId.GetValueOrDefault(requestId)?.Ticket);

    /// <summary>Every token issued so far is revoked: the next call with one is answered 401 invalid_token.</summary>
    public void GivenTokenRevoked() => Set(() =>
    {
        foreach (var token in _tokens.Values)
        {
            token.Revoked = true;
        }
    });

    /// <summary>The next <paramref name="times"/> API calls are answered 401 invalid_token whatever token they carry.</summary>
    public void GivenInvalidToken(int times = 1) => Set(() => _invalidTokens = times);

    /// <summary>The next <paramref name="times"/> authenticated API calls are answered 429 with this Retry-After.</summary>
    public void GivenRateLimited(int times = 1, int retryAfterSeconds = 1) => Set(() =>
    {
        _rateLimited = times;
        _rateLimitedFor = TimeSpan.FromSeconds(retryAfterSeconds);
    });

    /// <summary>The next <paramref name="times"/> authenticated API calls are answered 500 before anything is done.</summary>
    public void GivenServerError(int times = 1) => Set(() => _serverErrors = times);

    /// <summary>The next valid new application is refused at intake: 409 not_eligible with this message.</summary>
    public void GivenNotEligible(string reason) => Set(() => _notEligible = reason);

    /// <summary>What reconciliation answers for <paramref name="ticket"/> from now on (updated_at is the bureau's now).</summary>
    public void SetStatus(string ticket, string status, string? reason = null) => Set(() =>
    {
        var found = _byTicket.GetValueOrDefault(ticket) ?? throw new ArgumentException($"No ticket {ticket}.", nameof(ticket));
        found.Status = status;
        found.Reason = reason;
        found.UpdatedAt = Now();
    });

    /// <summary>
    /// The local sandbox's clerk: <paramref name="delay"/> after each 202 it decides accepted, then approved, each one a
    /// webhook re-sent with backoff (<paramref name="retryUnit"/> × 1, 2, 4 … up to 64, for 1440 units: 24 hours when the
    /// unit is a minute) until answered 2xx, and — at least once, as the document warns — delivered a second time.
    /// </summary>
    public void AutoDecide(TimeSpan delay, TimeSpan? retryUnit = null) =>
        Set(() => _autoDecide = (delay, retryUnit ?? TimeSpan.FromMinutes(1)));

    /// <summary>
    /// The clerk asks once for a supplement of <paramref name="missing"/>: the ticket waits for POST …/supplements and the
    /// signed supplement_required webhook is sent now; returns its HTTP status. Throws when the ticket is not open or was
    /// asked once already.
    /// </summary>
    public Task<HttpStatusCode> RequestSupplementAsync(string ticket, IReadOnlyList<string> missing, string reason = "材料不全，请补正")
    {
        if (!Read(() => Cases.AskSupplement(ticket, missing)))
        {
            throw new InvalidOperationException($"Ticket {ticket} is not open or was asked for a supplement already.");
        }

        SetStatus(ticket, "supplement_required", reason);
        return SendWebhookAsync(ticket, "supplement_required", reason, Now(), missing: missing);
    }

    /// <summary>POSTs one signed (or forged) webhook, as the bureau does, and returns the HTTP status it got.</summary>
    public async Task<HttpStatusCode> SendWebhookAsync(string ticket, string status, string? reason, DateTimeOffset occurredAt,
        string? eventId = null, bool forgeSignature = false, Uri? to = null, IReadOnlyList<string>? missing = null)
    {
        var target = to ?? WebhookUrl ?? throw new InvalidOperationException("No webhook URL is registered for the client.");
        var requestId = Read(() => _byTicket.GetValueOrDefault(ticket)?.RequestId);
        var webhook = new JsonObject
        {
            ["event_id"] = eventId ?? Guid.NewGuid().ToString(),
            ["ticket_no"] = ticket,
        };
        if (requestId is not null)
        {
            webhook["request_id"] = requestId;
        }

        webhook["status"] = status;

        // Assumption: a webhook without a reason (accepted, approved) carries an empty string, as the example's key suggests.
        webhook["reason"] = reason ?? "";
        if (missing is not null)
        {
            webhook["missing"] = new JsonArray([.. missing.Select(m => (JsonNode)m)]);
        }

        webhook["occurred_at"] = Iso(occurredAt);
        var body = Encoding.UTF8.GetBytes(webhook.ToJsonString(Wire));
        var key = forgeSignature ? RandomNumberGenerator.GetBytes(32) : _webhookKey;

        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body)));
        using var response = await Callbacks.SendAsync(request, Stopping).ConfigureAwait(false);
        return response.StatusCode;
    }

    private static string Iso(DateTimeOffset at) => at.ToOffset(China).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private ResponseMessage Token(IRequestMessage request)
    {
        lock (Gate)
        {
            var answer = IssueToken(request);
            _tokenRequests.Add(new HousingTokenRequest(Now(), answer.Status, ErrorOf(answer.Body)));
            return answer.ToResponse();
        }
    }

    // Order: what was asked (RFC 6749 §4.4), who asks (§2.3.1, in the body as the document says), then the throttle.
    private Answer IssueToken(IRequestMessage request)
    {
        if (!IsMediaType(request, "application/x-www-form-urlencoded"))
        {
            return Answer.Json(400, new JsonObject { ["error"] = "invalid_request", ["error_description"] = "form-encoded body required" });
        }

        var form = ParseForm(request.BodyData?.BodyAsBytes ?? []);
        if (form is null || form.GetValueOrDefault("grant_type") is not { } grant)
        {
            return Answer.Json(400, new JsonObject { ["error"] = "invalid_request", ["error_description"] = "grant_type required" });
        }

        if (grant != "client_credentials")
        {
            return Answer.Json(400, new JsonObject { ["error"] = "unsupported_grant_type" });
        }

        if (form.GetValueOrDefault("client_id") is not { } id || form.GetValueOrDefault("client_secret") is not { } secret)
        {
            return Answer.Json(400, new JsonObject { ["error"] = "invalid_request", ["error_description"] = "client_id and client_secret required" });
        }

        if (id != _clientId || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(_clientSecret)))
        {
            return Answer.Json(401, new JsonObject { ["error"] = "invalid_client" });
        }

        // The document: 10 token requests per minute per client. Assumption: a rolling minute counting the tokens issued;
        // Retry-After says when the oldest of them leaves the window.
        var now = Time.GetUtcNow();
        while (_issued.TryPeek(out var oldest) && now - oldest >= TimeSpan.FromMinutes(1))
        {
            _issued.Dequeue();
        }

        if (_issued.Count >= TokenRequestsPerMinute)
        {
            var wait = _issued.Peek() + TimeSpan.FromMinutes(1) - now;
            return Answer.Json(429, new JsonObject { ["error"] = "slow_down" }, Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)));
        }

        _issued.Enqueue(now);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _tokens[token] = new IssuedToken(now + _tokenLifetime);
        return Answer.Json(200, new JsonObject
        {
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)_tokenLifetime.TotalSeconds,
        });
    }

    private static Dictionary<string, string>? ParseForm(byte[] body)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var name = Uri.UnescapeDataString(parts[0].Replace('+', ' '));
            var value = parts.Length == 2 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : "";

            // A repeated parameter is an invalid request (RFC 6749 §3.1).
            if (!form.TryAdd(name, value))
            {
                return null;
            }
        }

        return form;
    }

    private ResponseMessage Api(IRequestMessage request, SandboxFault fault)
    {
        var headers = request.Headers?.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)
            ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var body = request.BodyData?.BodyAsBytes ?? [];
        var isPost = string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase);
        var isSubmit = isPost && request.Path == ApplicationsPath;
        lock (Gate)
        {
            var answer = Injected(fault) ?? Admit(headers) ?? (isPost, request.Path) switch
            {
                (true, ApplicationsPath) => TakeApplicationBusy() ? Answer.Json(500, new JsonObject { ["error"] = "internal_error" }) : Submit(headers, body),
                (true, FilesPath) => Upload(headers, body),
                (true, var path) when path.EndsWith("/supplements", StringComparison.Ordinal) => CaseRequest(headers, body, TicketIn(path), supplement: true),
                (true, var path) when path.EndsWith("/withdrawal", StringComparison.Ordinal) => CaseRequest(headers, body, TicketIn(path), supplement: false),
                (true, _) => Answer.Json(404, new JsonObject { ["error"] = "not_found" }),
                _ => Lookup(request.Path),
            };
            if (isSubmit)
            {
                var text = Decode(body);
                _submissions.Add(new HousingSubmission(Now(), headers, text, PeekRequestId(text), answer.Status,
                    answer.Body is null ? null : Encoding.UTF8.GetString(answer.Body), TicketOf(answer.Body), ErrorOf(answer.Body)));
            }
            else if (!isPost)
            {
                _queries.Add(new HousingQuery(Now(), Uri.UnescapeDataString(request.Path[(ApplicationsPath.Length + 1)..]), answer.Status));
            }

            return answer.ToResponse();
        }
    }

    // Who is calling, then whether they may call now; only then is the request itself looked at.
    private Answer? Admit(Dictionary<string, string> headers)
    {
        var now = Time.GetUtcNow();
        var presented = headers.GetValueOrDefault("Authorization") is { } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                ? authorization["Bearer ".Length..].Trim()
                : null;
        if (_invalidTokens > 0)
        {
            _invalidTokens--;
            return InvalidToken();
        }

        // Assumption: a missing header is answered like a bad token (the document lists no other 401).
        if (presented is null || !_tokens.TryGetValue(presented, out var token) || token.Revoked || now >= token.ExpiresAt)
        {
            return InvalidToken();
        }

        if (_rateLimited > 0)
        {
            _rateLimited--;
            return Answer.Json(429, new JsonObject { ["error"] = "rate_limited" }, (int)_rateLimitedFor.TotalSeconds);
        }

        // The document: 20 requests/s per client. A rolling second of admitted requests; the refused ones do not count.
        while (_admitted.TryPeek(out var oldest) && now - oldest >= TimeSpan.FromSeconds(1))
        {
            _admitted.Dequeue();
        }

        if (_admitted.Count >= _requestsPerSecond)
        {
            return Answer.Json(429, new JsonObject { ["error"] = "rate_limited" }, 1);
        }

        _admitted.Enqueue(now);
        if (_serverErrors > 0)
        {
            _serverErrors--;
            return Answer.Json(500, new JsonObject { ["error"] = "internal_error" });
        }

        return null;
    }

    private static Answer InvalidToken() => Answer.Json(401, new JsonObject { ["error"] = "invalid_token" });

    private Answer Lookup(string path)
    {
        var ticket = Uri.UnescapeDataString(path[(ApplicationsPath.Length + 1)..]);
        if (!_byTicket.TryGetValue(ticket, out var found))
        {
            // Assumption: an unknown ticket is 404 not_found (the document defines no answer for it).
            return Answer.Json(404, new JsonObject { ["error"] = "not_found" });
        }

        return Answer.Json(200, new JsonObject
        {
            ["ticket_no"] = found.Ticket,
            ["request_id"] = found.RequestId,
            ["status"] = found.Status,
            ["reason"] = found.Reason,
            ["updated_at"] = Iso(found.UpdatedAt),
        });
    }

    private Answer Submit(Dictionary<string, string> headers, byte[] body) => WithJson(headers, body, (root, check) =>
    {
        var serviceCode = Validate(root, check);
        return check.Failed ? check.Refusal() : Decide(root, serviceCode!);
    });

    // Every JSON request: declared as UTF-8 JSON, parsed strictly, an object; then handled.
    private static Answer WithJson(Dictionary<string, string> headers, byte[] body, Func<JsonElement, Check, Answer> handle)
    {
        var check = new Check();
        if (!headers.TryGetValue("Content-Type", out var contentType)
            || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !string.Equals(mediaType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.CharSet is { } charset && !string.Equals(charset.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            // Assumption: a body not declared as UTF-8 JSON is a request the bureau cannot read: 400 like any other.
            return check.Refuse("Content-Type", "must be application/json (UTF-8)");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(StrictUtf8.GetString(body), StrictJson);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            return check.Refuse("body", "is not valid UTF-8 JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return check.Refuse("body", "must be a JSON object");
            }

            try
            {
                return handle(root, check);
            }
            catch (InvalidOperationException)
            {
                // A lone surrogate escape ("\ud800") parses, and only fails when the string is read: not Unicode text.
                return check.Refuse("body", "holds text that is not Unicode (a lone surrogate)");
            }
        }
    }

    private string? Validate(JsonElement root, Check check)
    {
        var fields = check.Fields(root, "", TopLevel, ["attachments"]);
        check.Text(fields, "request_id", "", v => v.Length <= 64, "must be 1-64 characters");
        var serviceCode = check.Text(fields, "service_code", "", Payloads.ContainsKey, "is not a known service_code");
        check.Text(fields, "district_code", "", SandboxCodes.Districts.Contains, "is not in the GB/T 2260 Xuzhou code table");
        check.Text(fields, "submitted_at", "", IsSubmittedAt, "must be ISO 8601 in +08:00 and not in the future");
        if (check.Object(fields, "applicant", "") is { } applicant)
        {
            var a = check.Fields(applicant, "applicant.", ApplicantFields, []);
            check.Text(a, "name", "applicant.");
            check.Text(a, "id_card_no", "applicant.", SandboxCodes.IsCitizenId, "is not a valid citizen ID number (GB 11643)");
            check.Text(a, "gender", "applicant.", Genders.Contains, "must be male or female");
            check.Text(a, "mobile", "applicant.", MobilePattern().IsMatch, "must be 11 digits");
            check.Text(a, "ethnicity_code", "applicant.", SandboxCodes.Ethnicities.Contains, "is not in the GB 3304 code table");
        }

        var payload = check.Object(fields, "payload", "");
        if (payload is null || serviceCode is null)
        {
            return serviceCode;
        }

        var (required, optional) = Payloads[serviceCode];
        var p = check.Fields(payload.Value, "payload.", required, optional);
        switch (serviceCode)
        {
            case "PRH_APPLY":
                Members(p, check);
                check.Fen(p, "monthly_income_fen", "payload.");
                check.Sqm(p, "current_housing_area_sqm", "payload.");
                check.Text(p, "employer", "payload.");
                break;
            case "LEASE_FILING":
                if (check.Object(p, "landlord", "payload.") is { } landlord)
                {
                    var l = check.Fields(landlord, "payload.landlord.", LandlordFields, []);
                    check.Text(l, "name", "payload.landlord.");
                    check.Text(l, "id_card_no", "payload.landlord.", SandboxCodes.IsCitizenId, "is not a valid citizen ID number (GB 11643)");
                }

                check.Text(p, "property_cert_no", "payload.");
                check.Text(p, "address", "payload.");
                check.Sqm(p, "area_sqm", "payload.");
                check.Fen(p, "monthly_rent_fen", "payload.");
                var start = check.Date(p, "lease_start", "payload.");
                var end = check.Date(p, "lease_end", "payload.");
                if (start is { } s && end is { } e && e <= s)
                {
                    check.Fail("payload.lease_end", "must be after lease_start");
                }

                break;
            case "HOUSING_CERT":
                check.Text(p, "purpose", "payload.", Purposes.Contains, "must be loan, school, subsidy or other");
                check.Boolean(p, "include_family", "payload.");
                break;
            case "MAINT_FUND_QUERY":
                check.Text(p, "house_code", "payload.");
                break;
            case "PRH_REVIEW":
                check.Text(p, "contract_no", "payload.");
                check.Fen(p, "monthly_income_fen", "payload.");
                Members(p, check);

                // Assumption: "≤ 500" counts characters (Unicode scalar values), not bytes.
                check.Text(p, "changes", "payload.", v => v.EnumerateRunes().Count() <= 500, "must be at most 500 characters");
                break;
        }

        var attachments = Attachments(fields, check);
        var rules = AttachmentRules.GetValueOrDefault(serviceCode, ([], []));
        if (!check.Failed && Materials.Refused(attachments, rules.Allowed) is { } refused)
        {
            check.Fail("attachments", $"{refused.Code} / {refused.Id}: unknown type, a type not allowed for {serviceCode}, or an unknown file_id");
        }

        if (!check.Failed && RequireMaterials && SandboxMaterials.Missing(attachments, rules.Required) is { } missing)
        {
            check.Fail("attachments", $"{missing} is required for {serviceCode}");
        }

        return serviceCode;
    }

    private static void Members(Dictionary<string, JsonElement> payload, Check check)
    {
        if (!payload.TryGetValue("household_members", out var list))
        {
            return;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            check.Fail("payload.household_members", "must be an array");
            return;
        }

        var count = list.GetArrayLength();
        if (count is < 1 or > 10)
        {
            check.Fail("payload.household_members", "must have 1 to 10 members");
            return;
        }

        var selves = 0;
        var index = 0;
        foreach (var member in list.EnumerateArray())
        {
            var path = $"payload.household_members[{index++}].";
            if (member.ValueKind != JsonValueKind.Object)
            {
                check.Fail(path.TrimEnd('.'), "must be an object");
                continue;
            }

            var m = check.Fields(member, path, MemberFields, []);
            check.Text(m, "name", path);
            check.Text(m, "id_card_no", path, SandboxCodes.IsCitizenId, "is not a valid citizen ID number (GB 11643)");
            if (check.Text(m, "relation", path, Relations.Contains, "must be self, spouse, child, parent or other") == "self")
            {
                selves++;
            }
        }

        if (selves != 1)
        {
            check.Fail("payload.household_members", "must have exactly one member whose relation is self");
        }
    }

    private bool IsSubmittedAt(string value) =>
        SubmittedAtPattern().IsMatch(value)
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
        && at - Time.GetUtcNow() <= ClockWindow;

    private Answer Decide(JsonElement root, string serviceCode)
    {
        var requestId = root.GetProperty("request_id").GetString()!;
        var district = root.GetProperty("district_code").GetString()!;
        // The document: a repeated request_id is idempotent — 200 with the first answer's body, never a second ticket.
        // Assumption: the repeat's body is not compared with the first one.
        if (_byRequestId.TryGetValue(requestId, out var existing))
        {
            return new Answer(200, existing.FirstAnswer);
        }

        // Assumption: a 409 opens no ticket, so the request_id is not consumed and a later repeat is decided afresh.
        if (_notEligible is { } reason)
        {
            _notEligible = null;
            return Answer.Json(409, new JsonObject { ["error"] = "not_eligible", ["message"] = reason });
        }

        var now = Now();
        var day = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var sequence = _sequences[day] = _sequences.GetValueOrDefault(day) + 1;
        var ticket = $"FG-{day}-{sequence.ToString("D6", CultureInfo.InvariantCulture)}";
        var instant = Instant(serviceCode, ticket, district);
        var first = instant is null
            ? Answer.Json(202, new JsonObject { ["ticket_no"] = ticket, ["status"] = "received" })
            : Answer.Json(200, new JsonObject { ["ticket_no"] = ticket, ["status"] = "completed", ["result"] = instant });
        var found = new Case(ticket, requestId, instant is null ? "received" : "completed", null, now, first.Body!);
        _byRequestId[requestId] = found;
        _byTicket[ticket] = found;
        Cases.Open(ticket, root.GetProperty("applicant").GetProperty("name").GetString(), Attachments(root).Select(a => a.Code));
        if (instant is not null)
        {
            Cases.Decide(ticket);
        }

        if (instant is null && _autoDecide is { } auto)
        {
            RunInBackground(() => Faults is { } faults
                ? DecideLaterWithFaultsAsync(ticket, auto.Delay, auto.RetryUnit, faults)
                : DecideLaterAsync(ticket, auto.Delay, auto.RetryUnit));
        }

        return first;
    }

    // Assumption: the result fields are the document's; their values are the sandbox's own sample data.
    private static JsonObject? Instant(string serviceCode, string ticket, string district) => serviceCode switch
    {
        "HOUSING_CERT" => new JsonObject
        {
            ["certificate_no"] = $"FGZM{ticket[2..].Replace("-", "", StringComparison.Ordinal)}",
            ["properties"] = new JsonArray(new JsonObject
            {
                ["address"] = "江苏省徐州市鼓楼区黄楼街道中山北路218号中山名苑6号楼1单元1202室",
                ["area_sqm"] = 89.47m,
                ["property_cert_no"] = "苏(2020)徐州市不动产权第0058713号",
            }),
        },
        "MAINT_FUND_QUERY" => new JsonObject
        {
            ["balance_fen"] = district == "320300" ? 0L : 1_234_567L,
            ["last_deposit_at"] = "2026-06-30T10:00:00+08:00",
        },
        _ => null,
    };

    // The clerk: accepted, then by the rules of docs/sandboxes.md a supplement request (补正 in the name), a hold (撤回),
    // or approved. A withdrawal stops it before its next step.
    private async Task DecideLaterAsync(string ticket, TimeSpan delay, TimeSpan retryUnit)
    {
        if (!await StepAsync(ticket, delay, retryUnit, "accepted").ConfigureAwait(false))
        {
            return;
        }

        var missing = Read(() => Cases.WantsSupplementByRule(ticket) ? Cases.Referenced(ticket) : null);
        if (missing is not null)
        {
            await Task.Delay(delay, Time, Stopping).ConfigureAwait(false);
            if (Read(() => Cases.AskSupplement(ticket, missing)))
            {
                var reason = $"材料不全，请补正：{string.Join("、", missing)}";
                SetStatus(ticket, "supplement_required", reason);
                await WebhookTwiceAsync(ticket, "supplement_required", reason, retryUnit, missing).ConfigureAwait(false);
            }

            return;
        }

        if (!Read(() => Cases.HeldByRule(ticket)))
        {
            await DecideAsync(ticket, delay, retryUnit).ConfigureAwait(false);
        }
    }

    private async Task ContinueAfterSupplementAsync(string ticket, TimeSpan delay, TimeSpan retryUnit)
    {
        if (await StepAsync(ticket, delay, retryUnit, "accepted").ConfigureAwait(false))
        {
            await DecideAsync(ticket, delay, retryUnit).ConfigureAwait(false);
        }
    }

    private async Task<bool> StepAsync(string ticket, TimeSpan delay, TimeSpan retryUnit, string status)
    {
        await Task.Delay(delay, Time, Stopping).ConfigureAwait(false);
        if (!Read(() => Cases.IsOpen(ticket)))
        {
            return false;
        }

        SetStatus(ticket, status, null);
        await WebhookTwiceAsync(ticket, status, null, retryUnit).ConfigureAwait(false);
        return true;
    }

    private async Task DecideAsync(string ticket, TimeSpan delay, TimeSpan retryUnit)
    {
        await Task.Delay(delay, Time, Stopping).ConfigureAwait(false);
        if (Read(() => Cases.Decide(ticket)))
        {
            SetStatus(ticket, "approved", null);
            await WebhookTwiceAsync(ticket, "approved", null, retryUnit).ConfigureAwait(false);
        }
    }

    // At least once, as the document warns: the same event, twice.
    private async Task WebhookTwiceAsync(string ticket, string status, string? reason, TimeSpan retryUnit, IReadOnlyList<string>? missing = null)
    {
        var occurredAt = Now();
        var eventId = Guid.NewGuid().ToString();
        await HandOffAsync(ticket, status, reason, occurredAt, eventId, retryUnit, missing).ConfigureAwait(false);
        await HandOffAsync(ticket, status, reason, occurredAt, eventId, retryUnit, missing).ConfigureAwait(false);
    }

    // The document: "answer 2xx within 10 s; otherwise the bureau retries with backoff for 24 hours".
    // Assumption: the backoff doubles from one retry unit up to 64 and gives up after 1440 units.
    private Task HandOffAsync(string ticket, string status, string? reason, DateTimeOffset occurredAt, string eventId, TimeSpan retryUnit,
        IReadOnlyList<string>? missing = null) =>
        DeliverUntilAcknowledgedAsync(Backoff(retryUnit), async () => WebhookUrl is not null
            && (int)await SendWebhookAsync(ticket, status, reason, occurredAt, eventId, missing: missing).ConfigureAwait(false) is >= 200 and < 300);

    private static string TicketIn(string path) => Uri.UnescapeDataString(path[(ApplicationsPath.Length + 1)..path.LastIndexOf('/')]);

    // v2.3: the attachments of an accepted application (already checked).
    private static List<(string Code, string Id)> Attachments(JsonElement root) =>
        root.TryGetProperty("attachments", out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(a => (a.GetProperty("type_code").GetString()!, a.GetProperty("file_id").GetString()!))]
            : [];

    private static List<(string Code, string Id)> Attachments(Dictionary<string, JsonElement> fields, Check check)
    {
        List<(string Code, string Id)> attachments = [];
        if (!fields.TryGetValue("attachments", out var list))
        {
            return attachments;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            check.Fail("attachments", "must be a non-empty array (omit it when there are none)");
            return attachments;
        }

        var index = 0;
        foreach (var attachment in list.EnumerateArray())
        {
            var path = $"attachments[{index++}].";
            if (attachment.ValueKind != JsonValueKind.Object)
            {
                check.Fail(path.TrimEnd('.'), "must be an object");
                continue;
            }

            var a = check.Fields(attachment, path, AttachmentFields, []);
            var code = check.Text(a, "type_code", path);
            var id = check.Text(a, "file_id", path);
            if (code is not null && id is not null)
            {
                attachments.Add((code, id));
            }
        }

        return attachments;
    }

    // v2.3: POST …/supplements {request_id, note, attachments} and POST …/withdrawal {request_id, reason}.
    private Answer CaseRequest(Dictionary<string, string> headers, byte[] body, string ticket, bool supplement) => WithJson(headers, body, (root, check) =>
    {
        var note = supplement ? "note" : "reason";
        var fields = check.Fields(root, "", ["request_id", note], supplement ? ["attachments"] : []);
        var requestId = check.Text(fields, "request_id", "", v => v.Length <= 64, "must be 1-64 characters");
        var text = check.Text(fields, note, "");
        var attachments = supplement ? Attachments(fields, check) : [];
        if (check.Failed)
        {
            return check.Refusal();
        }

        // Assumption: a repeated request_id of a supplement or withdrawal answers 200 with the first body, whatever it carries.
        if (_caseRequests.TryGetValue(requestId!, out var first))
        {
            return new Answer(200, first);
        }

        if (!_byTicket.TryGetValue(ticket, out var found))
        {
            return Answer.Json(404, new JsonObject { ["error"] = "not_found" });
        }

        if (supplement && Cases.State(ticket) == SandboxCaseState.AwaitingSupplement && Materials.Refused(attachments, TypeCodes) is { } refused)
        {
            return check.Refuse("attachments", $"{refused.Code} / {refused.Id}: unknown type or unknown file_id");
        }

        var now = Time.GetUtcNow();
        string? missing = null;
        var result = supplement ? Cases.Supplement(ticket, text!, attachments, now, out missing) : Cases.Withdraw(ticket, text!, now);
        switch (result)
        {
            case CaseRequestResult.NotAwaitingSupplement:
                return Answer.Json(409, new JsonObject { ["error"] = "not_awaiting_supplement" });
            case CaseRequestResult.AlreadyDecided:
                return Answer.Json(409, new JsonObject { ["error"] = "already_decided" });
            case CaseRequestResult.MissingWantedMaterial:
                return check.Refuse("attachments", $"{missing} is missing: the supplement request listed it");
        }

        var answer = Answer.Json(202, new JsonObject { ["ticket_no"] = ticket, ["status"] = supplement ? "supplement_received" : "withdrawal_received" });
        _caseRequests[requestId!] = answer.Body!;

        // Assumption: reconciliation shows a supplemented ticket as received again until the clerk's next step.
        found.Status = supplement ? "received" : "withdrawn";
        found.Reason = supplement ? null : text;
        found.UpdatedAt = Now();
        var retryUnit = _autoDecide?.RetryUnit ?? TimeSpan.FromMinutes(1);
        if (!supplement)
        {
            // v2.3: the withdrawal is answered 202, then a withdrawn webhook (final), by the bureau itself, clerk or not.
            RunInBackground(() => WebhookTwiceAsync(ticket, "withdrawn", text, retryUnit));
        }
        else if (_autoDecide is { } auto)
        {
            RunInBackground(() => ContinueAfterSupplementAsync(ticket, auto.Delay, auto.RetryUnit));
        }

        return answer;
    });

    // v2.3 upload: multipart with the parts file and type_code; 201 the first time, 200 with the same file_id after.
    private Answer Upload(Dictionary<string, string> headers, byte[] body)
    {
        var check = new Check();
        if (!headers.TryGetValue("Content-Type", out var contentType)
            || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !string.Equals(mediaType.MediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || mediaType.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"') is not { Length: > 0 } boundary)
        {
            return check.Refuse("Content-Type", "must be multipart/form-data with a boundary");
        }

        if (MultipartParts.Read(body, boundary) is not { } parts)
        {
            return check.Refuse("body", "is not a readable multipart/form-data body");
        }

        if (!parts.TryGetValue("type_code", out var typePart) || Encoding.UTF8.GetString(typePart.Bytes) is not { Length: > 0 } typeCode)
        {
            return check.Refuse("type_code", "is required");
        }

        if (!TypeCodes.Contains(typeCode))
        {
            return check.Refuse("type_code", "is not a known attachment type");
        }

        if (!parts.TryGetValue("file", out var file))
        {
            return check.Refuse("file", "is required");
        }

        if (file.Bytes.LongLength > MaxFileBytes)
        {
            return Answer.Json(413, new JsonObject { ["error"] = "file_too_large" });
        }

        var declared = file.ContentType is { } partType && MediaTypeHeaderValue.TryParse(partType, out var partMedia)
            ? partMedia.MediaType?.ToLowerInvariant()
            : null;
        if (declared is null || !FileTypes.Contains(declared) || SandboxMaterials.Sniff(file.Bytes) != declared)
        {
            return Answer.Json(400, new JsonObject { ["error"] = "bad_file" });
        }

        var (material, created) = Materials.Store(typeCode, declared, file.Bytes, Time.GetUtcNow());
        return Answer.Json(created ? 201 : 200, new JsonObject
        {
            ["file_id"] = material.Id,
            ["type_code"] = material.Code,
            ["sha256"] = material.Sha256,
            ["size"] = material.Size,
        });
    }

    private static IEnumerable<TimeSpan> Backoff(TimeSpan unit)
    {
        yield return TimeSpan.Zero;
        var waited = TimeSpan.Zero;
        for (var wait = unit; waited + wait <= unit * 1440; wait = wait * 2 < unit * 64 ? wait * 2 : unit * 64)
        {
            waited += wait;
            yield return wait;
        }
    }

    private static bool IsMediaType(IRequestMessage request, string expected) =>
        request.Headers?.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value is { } values
        && MediaTypeHeaderValue.TryParse(string.Join(",", values), out var mediaType)
        && string.Equals(mediaType.MediaType, expected, StringComparison.OrdinalIgnoreCase);

    private static string? Decode(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return Convert.ToBase64String(body);
        }
    }

    // For the record only: the request_id as far as the body can be read, whatever the answer.
    private static string? PeekRequestId(string? body)
    {
        try
        {
            return body is not null && JsonNode.Parse(body) is JsonObject json && json["request_id"] is JsonValue value
                && value.TryGetValue(out string? id) ? id : null;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON, or JSON the bureau refuses anyway (a repeated key).
            return null;
        }
    }

    private static string? TicketOf(byte[]? body) => Field(body, "ticket_no");

    private static string? ErrorOf(byte[]? body) => Field(body, "error");

    private static string? Field(byte[]? body, string name)
    {
        try
        {
            return body is not null && JsonNode.Parse(body) is JsonObject json && json[name] is JsonValue value
                && value.TryGetValue(out string? text) ? text : null;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON, or JSON the bureau refuses anyway (a repeated key).
            return null;
        }
    }

    [GeneratedRegex("^[0-9]{11}\\z")]
    private static partial Regex MobilePattern();

    // Assumption: the document's example form exactly — seconds, optional fraction, and the +08:00 offset spelled out.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?\+08:00\z")]
    private static partial Regex SubmittedAtPattern();

    private protected override SandboxMaterials Materials { get; } =
        new((at, n) => $"F{at.ToOffset(China).ToString("yyyyMMdd", CultureInfo.InvariantCulture)}{n:D6}");

    private sealed class IssuedToken(DateTimeOffset expiresAt)
    {
        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public bool Revoked { get; set; }
    }

    private sealed class Case(string ticket, string requestId, string status, string? reason, DateTimeOffset updatedAt, byte[] firstAnswer)
    {
        public string Ticket { get; } = ticket;

        public string RequestId { get; } = requestId;

        public string Status { get; set; } = status;

        public string? Reason { get; set; } = reason;

        public DateTimeOffset UpdatedAt { get; set; } = updatedAt;

        public byte[] FirstAnswer { get; } = firstAnswer;
    }

    /// <summary>Collects validation_failed details: every problem found, each naming its field.</summary>
    private sealed class Check
    {
        private readonly JsonArray _details = [];

        public bool Failed => _details.Count > 0;

        public void Fail(string field, string message) => _details.Add(new JsonObject { ["field"] = field, ["message"] = message });

        public Answer Refuse(string field, string message)
        {
            Fail(field, message);
            return Refusal();
        }

        public Answer Refusal() => Answer.Json(400, new JsonObject { ["error"] = "validation_failed", ["details"] = _details });

        // Unknown fields and null are refused (the document: omit an optional field instead of sending null).
        public Dictionary<string, JsonElement> Fields(JsonElement json, string path, string[] required, string[] optional)
        {
            var present = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in json.EnumerateObject())
            {
                if (!required.Contains(property.Name) && !optional.Contains(property.Name))
                {
                    Fail(path + property.Name, "unknown field");
                }
                else if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    Fail(path + property.Name, optional.Contains(property.Name) ? "must be omitted, not null" : "is required");
                }
                else
                {
                    present[property.Name] = property.Value;
                }
            }

            foreach (var name in required.Where(r => !present.ContainsKey(r) && !json.TryGetProperty(r, out _)))
            {
                Fail(path + name, "is required");
            }

            return present;
        }

        public JsonElement? Object(Dictionary<string, JsonElement> fields, string name, string path)
        {
            if (!fields.TryGetValue(name, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(path + name, "must be an object");
                return null;
            }

            return value;
        }

        // Assumption: a text field may not be empty or only white space (omit an optional one instead).
        public string? Text(Dictionary<string, JsonElement> fields, string name, string path, Func<string, bool>? valid = null, string? why = null)
        {
            if (!fields.TryGetValue(name, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                Fail(path + name, "must be a string");
                return null;
            }

            var text = value.GetString()!;
            if (string.IsNullOrWhiteSpace(text))
            {
                Fail(path + name, "must not be empty");
                return null;
            }

            if (valid is not null && !valid(text))
            {
                Fail(path + name, why ?? "is invalid");
                return null;
            }

            return text;
        }

        public void Boolean(Dictionary<string, JsonElement> fields, string name, string path)
        {
            if (fields.TryGetValue(name, out var value) && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Fail(path + name, "must be true or false");
            }
        }

        // A JSON integer: 685050, never 685050.0 or "685050".
        public void Fen(Dictionary<string, JsonElement> fields, string name, string path)
        {
            if (fields.TryGetValue(name, out var value)
                && (value.ValueKind != JsonValueKind.Number || !IntegerPattern().IsMatch(value.GetRawText()) || !value.TryGetInt64(out var fen) || fen < 0))
            {
                Fail(path + name, "must be a non-negative integer number of fen");
            }
        }

        public void Sqm(Dictionary<string, JsonElement> fields, string name, string path)
        {
            if (fields.TryGetValue(name, out var value)
                && (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var area) || area < 0 || decimal.Round(area, 2) != area))
            {
                Fail(path + name, "must be a number ≥ 0 with at most 2 decimals");
            }
        }

        public DateOnly? Date(Dictionary<string, JsonElement> fields, string name, string path)
        {
            var text = Text(fields, name, path);
            if (text is null)
            {
                return null;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            Fail(path + name, "must be a yyyy-MM-dd date");
            return null;
        }
    }

    [GeneratedRegex("^-?(0|[1-9][0-9]*)\\z")]
    private static partial Regex IntegerPattern();

    private sealed record Answer(int Status, byte[]? Body, int? RetryAfterSeconds = null)
    {
        public static Answer Json(int status, JsonObject body, int? retryAfterSeconds = null) =>
            new(status, Encoding.UTF8.GetBytes(body.ToJsonString(Wire)), retryAfterSeconds);

        public ResponseMessage ToResponse()
        {
            var headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") };
            if (RetryAfterSeconds is { } seconds)
            {
                headers["Retry-After"] = new(seconds.ToString(CultureInfo.InvariantCulture));
            }

            return new ResponseMessage
            {
                StatusCode = Status,
                Headers = headers,
                BodyData = Body is null ? null : new BodyData { BodyAsBytes = Body, DetectedBodyType = BodyType.Bytes },
            };
        }
    }
}
