using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Http;

/// <summary>One generated request: what it is (printed when it fails), how to send it, and whether a 2xx answer is allowed.</summary>
internal sealed record SweepCase(string What, string Method, string Path, byte[]? Body, string? ContentType, (string Name, string Value)[] Headers, bool Chunked = false, bool MaySucceed = false)
{
    public override string ToString() => $"{Method} {(Path.Length > 120 ? Path[..120] + "…" : Path)} [{What}]";
}

/// <summary>
/// Generates requests to every route of the hub that are malformed or refused in one of the ways a client or an attacker
/// can send them: broken bodies (truncated, invalid UTF-8, lone surrogates, duplicate keys, numbers beyond decimal, deep
/// nesting, wrong types, control characters, blank texts, noncharacters, wrong media types, oversized, chunked), wrong
/// or missing credentials, foreign paths and methods, and URLs and headers over the limits. None of them can be a valid
/// submission or a state-changing portal call, so none may store anything.
/// </summary>
internal static class RequestSweep
{
    public const string Items = "GA-001 GA-002 GA-003 GA-004 GA-005 GA-006 FG-001 FG-002 FG-003 FG-004 FG-005 RS-001 RS-002 RS-003 RS-004 RS-005 RS-006 RS-007 RS-008";

    private static readonly string[] ItemCodes = Items.Split(' ');

    private static readonly string[] BadMediaTypes =
        ["application/jsonx", "text/plain", "application/json; charset=utf-16", "application/json; charset=latin1", "application/x-www-form-urlencoded", "application/json;foo=bar", "application/xml", "json"];

    private static readonly byte[][] InvalidUtf8 = [[0xFF], [0xC0, 0x80], [0x80], [0xED, 0xA0, 0x80], [0xF0, 0x9F], [0xE4, 0xB8], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3, 0x28]];

    private static readonly string[] Blanks = [" ", "   ", "\u3000", "\u00A0", " \u3000 ", "\u2003", "\u200B", "\uFEFF"];

    private static readonly int[] Noncharacters = [0xFFFE, 0xFFFF, 0xFDD0, 0xFDEF, 0x1FFFE, 0x2FFFF, 0x10FFFF];

    private static readonly string[] GetRoutes =
    [
        "service-items", "service-items/{x}", "service-items/{x}/guide", "applications/{x}", "events", "health", "health/ready", "health/live", "openapi.json",
        "portal/me", "portal/dashboard", "portal/handoffs", "portal/handoffs/{x}", "portal/unacknowledged", "portal/audit", "portal/ui/{x}",
        "communities", "communities/{x}", "suggestions/{x}", "suggestions/{x}/photos/{x}", "portal/suggestions", "portal/suggestions/{x}",
        "portal/suggestion-stats", "communities/{x}/slots", "appointments/{x}", "portal/appointments",
        "docs/{x}",
    ];

    private static readonly string[] PostRoutes =
    [
        "applications", "departments/ga/notifications", "departments/fg/webhooks", "portal/session", "portal/handoffs/search",
        "portal/handoffs/{x}/replay", "portal/handoffs/{x}/resolve", "portal/handoffs/{x}/reveal", "portal/replay",
        "suggestions", "suggestions/{x}/rating", "portal/suggestions/{x}/steps", "portal/suggestions/{x}/reveal",
        "appointments", "portal/appointments/{x}/outcome",
        "materials", "applications/{x}/supplements", "applications/{x}/withdrawal", "portal/handoffs/{x}/materials/{x}/content",
    ];

    /// <summary>Every generated case, weighted towards the bodies that carry personal data.</summary>
    public static Gen<SweepCase> Cases(string portalCookie) =>
        Gen.Select(Gen.Int[0, 99], Gen.Int[0, 1 << 20], Gen.Int[0, 1 << 20], Gen.Int[0, 1 << 20])
            .Select(t => Build(t.Item1, t.Item2, t.Item3, t.Item4, portalCookie));

    private static SweepCase Build(int kind, int a, int b, int c, string cookie) => kind switch
    {
        < 6 => Suggestion(a, b, c),
        < 9 => Appointment(a, b, c, cookie),
        < 40 => Application(kind % 20, a, b, c),
        < 44 => ApplicationHeaders(a, b),
        < 52 => Notification(a, b, c),
        < 60 => Webhook(a, b, c),
        < 75 => PortalBody(a, b, c, cookie),
        < 87 => Get(a, b, c, cookie),
        < 92 => WrongRoute(a, b),
        _ => Limits(a, b, c),
    };

    // POST /applications with a valid key and a fresh Idempotency-Key, and a body broken in one way.
    private static SweepCase Application(int defect, int a, int b, int c)
    {
        var item = ItemCodes[a % ItemCodes.Length];
        var body = IntakeTests.Sample(item);
        var leaves = Leaves(body);
        var (path, parent, key) = leaves[b % leaves.Count];
        string what;
        byte[]? bytes = null;
        var contentType = "application/json";
        switch (defect)
        {
            case 0:
                bytes = Utf8(body);
                bytes = bytes[..(c % bytes.Length)];
                what = $"truncated at byte {c % Utf8(body).Length}";
                break;
            case 1:
                bytes = Splice(body, parent, key, "\u0001MARK\u0001", InvalidUtf8[c % InvalidUtf8.Length]);
                what = $"invalid UTF-8 in {path}";
                break;
            case 2:
                bytes = Splice(body, parent, key, "\u0001MARK\u0001", Encoding.ASCII.GetBytes($"\\u{0xD800 + c % 0x800:x4}"));
                what = $"lone surrogate escape in {path}";
                break;
            case 3:
                bytes = DuplicateKey(body, b);
                what = "a key twice in one object";
                break;
            case 4:
                Set(parent, key, JsonNode.Parse($"{((c & 1) == 0 ? "" : "-")}1e{29 + c % 300}"));
                what = $"number beyond decimal in {path}";
                break;
            case 5:
                var control = (char)(c % 2 == 0 ? c % 0x20 : 0x7F + c % 0x21);
                Set(parent, key, Text(parent, key) + control);
                what = $"control U+{(int)control:X4} in {path}";
                break;
            case 6:
                Set(parent, key, Blanks[c % Blanks.Length]);
                what = $"blank {path}";
                break;
            case 7:
                Set(parent, key, "徐" + char.ConvertFromUtf32(Noncharacters[c % Noncharacters.Length]));
                what = $"noncharacter in {path}";
                break;
            case 8:
                // Another type than the value has: a number where a text was, a text where a number or a boolean was.
                var kind = (key is string n ? parent[n] : parent[(int)key])!.GetValueKind();
                JsonNode?[] others = [new JsonArray("x"), new JsonObject(), null, kind == System.Text.Json.JsonValueKind.Number ? "12" : 12,
                    kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False ? "true" : true];
                Set(parent, key, others[c % others.Length]);
                what = $"wrong type at {path}";
                break;
            case 9:
                var form = body["form"]!.AsObject();
                var array = form.FirstOrDefault(p => p.Value is JsonArray).Key;
                if (array is not null)
                {
                    form[array] = new JsonArray("x", 1);
                    what = $"wrong element types in form.{array}";
                }
                else
                {
                    body["applicant"] = new JsonArray("x");
                    what = "applicant is an array";
                }

                break;
            case 10:
                body["applicant"]!.AsObject().Remove(new[] { "name", "idNumber", "phone", "ethnicity", "district" }[c % 5]);
                what = "an applicant field missing";
                break;
            case 11:
                contentType = BadMediaTypes[c % BadMediaTypes.Length];
                what = $"content type {contentType}";
                break;
            case 12:
                var nested = new StringBuilder();
                var depth = 17 + c % 200;
                nested.Append('[', depth).Append(']', depth);
                body["form"]!["deep"] = JsonNode.Parse(nested.ToString(), documentOptions: new() { MaxDepth = 1024 });
                bytes = Encoding.UTF8.GetBytes(body.ToJsonString(new System.Text.Json.JsonSerializerOptions { MaxDepth = 1024 }));
                what = $"nesting {depth} deep";
                break;
            case 13:
                bytes = (c % 6) switch { 0 => "[]"u8.ToArray(), 1 => "\"x\""u8.ToArray(), 2 => "null"u8.ToArray(), 3 => "12"u8.ToArray(), 4 => [], _ => RandomBytes(c, 1 + c % 300) };
                what = "not an object";
                break;
            case 14:
                body["applicant"]!["phone"] = "13812345678\n";
                what = "phone with a trailing line break";
                break;
            case 15:
                body["applicant"]!["idNumber"] = CitizenIds.Valid(new DateOnly(2099, 1, 1 + c % 28), c);
                what = "applicant born in the future";
                break;
            case 16:
                body[new[] { "extra", "Applicant", "itemcode ", "form\u0000" }[c % 4]] = 1;
                what = "unknown top-level property";
                break;
            case 17:
                body["itemCode"] = new[] { "ZZ-999", "MZ-002", "CL-001", "", " ", "GA-0011", "ga_001" }[c % 7];
                what = "unknown, guide-only or blank item";
                break;
            case 18:
                body["applicant"]!["name"] = string.Concat(Enumerable.Repeat("𠮷", 51 + c % 40));
                what = "name longer than 50 characters (of Extension B)";
                break;
            default:
                Set(parent, key, Text(parent, key) + "\u0000");
                bytes = Utf8(body);
                what = $"NUL in {path}";
                break;
        }

        bytes ??= Utf8(body);
        return new SweepCase($"{item}: {what}", "POST", "/api/v1/applications", bytes, contentType,
            [("X-Api-Key", HubFixture.KeyA), ("Idempotency-Key", $"sweep-{Guid.NewGuid():N}")]);
    }

    // POST /suggestions as multipart/form-data, broken in one way: a photo that is no image, broken framing or JSON, a part too many.
    private static SweepCase Suggestion(int a, int b, int c)
    {
        var boundary = $"sweep{b}";
        var json = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("""{"communityCode":"DIEMENG","category":"设施维修","text":"楼道灯坏了","contact":{"name":"陈小明","phone":"13912345678"}}"""));
        string Part(string name, string body, string? file = null) =>
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{(file is null ? "" : $"; filename=\"{file}\"")}\r\nContent-Type: image/jpeg\r\n\r\n{body}\r\n";
        var end = $"--{boundary}--\r\n";
        var garbage = Encoding.Latin1.GetString(RandomBytes(c, 1 + c % 3000));
        var contentType = $"multipart/form-data; boundary={boundary}";
        var (what, text) = (a % 10) switch
        {
            0 => ("a photo that is no image", Part("suggestion", json) + Part("photo", garbage, "a.jpg") + end),
            1 => ("a JPEG signature then garbage", Part("suggestion", json) + Part("photo", "\u00FF\u00D8\u00FF\u00E0" + garbage, "b.jpg") + end),
            2 => ("truncated framing", (Part("suggestion", json) + Part("photo", garbage, "c.jpg"))[..(10 + c % 200)]),
            3 => ("a truncated JSON part", Part("suggestion", json[..(c % json.Length)]) + end),
            4 => ("no JSON part", Part("photo", garbage, "d.jpg") + end),
            5 => ("an unknown part", Part("suggestion", json) + Part(new[] { "video", "photos", "Suggestion", "" }[c % 4], garbage) + end),
            6 => ("a boundary other than declared", Part("suggestion", json).Replace(boundary, "other", StringComparison.Ordinal) + "--other--\r\n"),
            7 => ("JSON without multipart", json),
            8 => ("a JSON part of wrong types", Part("suggestion", json.Replace("\"DIEMENG\"", "[1]", StringComparison.Ordinal)) + end),
            _ => ("the JSON part twice", Part("suggestion", json) + Part("suggestion", json) + end),
        };
        if (a % 10 == 7)
        {
            contentType = BadMediaTypes[c % BadMediaTypes.Length];
        }

        (string, string)[] headers = (b % 9) switch
        {
            0 => [("Idempotency-Key", $"sweep-{Guid.NewGuid():N}")],
            1 => [("X-Api-Key", HubFixture.KeyA)],
            _ => [("X-Api-Key", HubFixture.KeyA), ("Idempotency-Key", $"sweep-{Guid.NewGuid():N}")],
        };

        // Every character of the text is one byte (Latin-1): the garbage and the JPEG signature go out as they are, and the
        // JSON was turned into its UTF-8 bytes before it was put in.
        var bytes = Encoding.Latin1.GetBytes(text);
        return new SweepCase($"suggestion: {what}", "POST", "/api/v1/suggestions", bytes, contentType, headers, Chunked: c % 5 == 0);
    }

    // Issue 13: a booking broken in one way, a cancellation of no booking, an outcome with a broken body, a day's slots asked wrongly.
    private static SweepCase Appointment(int a, int b, int c, string cookie)
    {
        const string valid = """{"itemCode":"MZ-001","communityCode":"DIEMENG","date":"2026-12-01","slotId":"0900","resident":{"name":"陈小明","idNumber":"11010519491231002X","phone":"13912345678"}}""";
        (string, string)[] platform = [("X-Api-Key", HubFixture.KeyA), ("Idempotency-Key", $"sweep-{Guid.NewGuid():N}")];
        SweepCase Book(string what, byte[] body) => new($"appointment: {what}", "POST", "/api/v1/appointments", body, "application/json", platform, Chunked: c % 5 == 0);
        return (a % 10) switch
        {
            0 => Book("truncated", Encoding.UTF8.GetBytes(valid)[..(c % valid.Length)]),
            1 => Book("invalid UTF-8", [.. Encoding.UTF8.GetBytes(valid[..30]), .. InvalidUtf8[c % InvalidUtf8.Length], .. Encoding.UTF8.GetBytes(valid[30..])]),
            2 => Book("ID number failing its check digit", Encoding.UTF8.GetBytes(valid.Replace("002X", "0021", StringComparison.Ordinal))),
            3 => Book("an unknown field", Encoding.UTF8.GetBytes(valid.Replace("{\"itemCode\"", "{\"extra\":1,\"itemCode\"", StringComparison.Ordinal))),
            4 => Book("wrong types", Encoding.UTF8.GetBytes(valid.Replace("\"2026-12-01\"", b.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))),
            5 => new SweepCase("appointment: cancel no booking", "DELETE", $"/api/v1/appointments/{PathSegment(b, c)}", null, null, b % 3 == 0 ? [] : platform),
            6 => new SweepCase("appointment: outcome with a broken body", "POST", $"/api/v1/portal/appointments/{RandomId(b)}/outcome",
                Encoding.UTF8.GetBytes(new[] { "{\"outcome\":\"came\"}", "[]", "{\"outcome\":1e999}", "{", "{\"outcome\":\"done\",\"outcome\":\"arrived\"}" }[c % 5]),
                "application/json", [("Cookie", $"hub_portal={cookie}")]),
            7 => Book("a holiday's slot", Encoding.UTF8.GetBytes(valid.Replace("2026-12-01", "2026-10-01", StringComparison.Ordinal))),
            8 => Book("a phone with a line break", Encoding.UTF8.GetBytes(valid.Replace("13912345678", "13912345678\\n", StringComparison.Ordinal))),
            _ => new SweepCase("appointment: slots asked wrongly", "GET", $"/api/v1/communities/{(b % 2 == 0 ? "DIEMENG" : PathSegment(b, c))}/slots?itemCode={Segment(c, b)}&date={Segment(b, c)}", null, null, [], MaySucceed: true),
        };
    }

    private static SweepCase ApplicationHeaders(int a, int b)
    {
        var body = Utf8(IntakeTests.Sample(ItemCodes[a % ItemCodes.Length]));
        var key = $"sweep-{Guid.NewGuid():N}";
        (string, (string, string)[]) variant = (b % 5) switch
        {
            0 => ("no API key", [("Idempotency-Key", key)]),
            1 => ("wrong API key", [("X-Api-Key", "not-a-key-" + b), ("Idempotency-Key", key)]),
            2 => ("no Idempotency-Key", [("X-Api-Key", HubFixture.KeyA)]),
            3 => ("Idempotency-Key too long", [("X-Api-Key", HubFixture.KeyA), ("Idempotency-Key", new string('k', 101 + b % 500))]),
            _ => ("API key in another case", [("X-API-KEY", HubFixture.KeyA.ToUpperInvariant()), ("Idempotency-Key", key)]),
        };
        return new SweepCase(variant.Item1, "POST", "/api/v1/applications", body, "application/json", variant.Item2);
    }

    // 公安 notifications, unsigned or signed with the bureau's key, always malformed or forged.
    private static SweepCase Notification(int a, int b, int c)
    {
        var gb18030 = PublicSecurityTranslator.Gb18030;
        var (what, body) = (a % 9) switch
        {
            0 => ("random bytes", RandomBytes(b, c % 2000)),
            1 => ("truncated XML", gb18030.GetBytes("<Notify><SLBH>GA320302202611280000")[..(1 + c % 30)]),
            2 => ("invalid GB18030 bytes", [.. gb18030.GetBytes("<Notify><SLBH>"), 0x81, 0x20, 0xFF, .. gb18030.GetBytes("</SLBH></Notify>")]),
            3 => ("no BLZT", gb18030.GetBytes("<Notify><SLBH>GA1</SLBH><BLSJ>20261129101500</BLSJ></Notify>")),
            4 => ("unknown BLZT", gb18030.GetBytes($"<Notify><SLBH>GA1</SLBH><BLZT>{c % 100:00}x</BLZT><BLSJ>20261129101500</BLSJ></Notify>")),
            5 => ("bad BLSJ", gb18030.GetBytes($"<Notify><SLBH>GA1</SLBH><BLZT>05</BLZT><BLSJ>2026{c}</BLSJ></Notify>")),
            6 => ("a DTD", gb18030.GetBytes("<!DOCTYPE x [<!ENTITY e \"e\">]><Notify><SLBH>&e;</SLBH></Notify>")),
            7 => ("a character reference to a surrogate", gb18030.GetBytes("<Notify><SLBH>&#xD800;</SLBH><BLZT>05</BLZT><BLSJ>20261129101500</BLSJ></Notify>")),
            _ => ("another root", gb18030.GetBytes("<Response><Code>0000</Code></Response>")),
        };
        (string, string)[] headers = (b % 3) switch
        {
            0 => [],
            1 => [("X-JRDW", "GA320300"), ("X-SJC", "20261129101500"), ("X-SJS", "0123456789abcdef"), ("X-QM", new string('0', 64))],
            _ => Signed(body),
        };
        return new SweepCase($"notification: {what}{(headers.Length == 0 ? ", unsigned" : b % 3 == 1 ? ", forged" : ", signed")}",
            "POST", "/api/v1/departments/ga/notifications", body, "application/xml; charset=GB18030", headers, Chunked: c % 5 == 0);
    }

    // 房管 webhooks, unsigned or signed with the webhook secret, always malformed or forged.
    private static SweepCase Webhook(int a, int b, int c)
    {
        const string valid = """{"event_id":"e-1","ticket_no":"FG-20261128-000001","request_id":"r","status":"approved","reason":"ok","occurred_at":"2026-11-29T10:15:00+08:00"}""";
        var (what, body) = (a % 10) switch
        {
            0 => ("random bytes", RandomBytes(b, c % 2000)),
            1 => ("truncated JSON", Encoding.UTF8.GetBytes(valid)[..(c % valid.Length)]),
            2 => ("invalid UTF-8", [.. Encoding.UTF8.GetBytes(valid[..20]), .. InvalidUtf8[c % InvalidUtf8.Length], .. Encoding.UTF8.GetBytes(valid[20..])]),
            3 => ("lone surrogate", Encoding.UTF8.GetBytes(valid.Replace("e-1", $"\\u{0xD800 + c % 0x800:x4}", StringComparison.Ordinal))),
            4 => ("duplicate key", Encoding.UTF8.GetBytes(valid.Replace("{\"event_id\":\"e-1\"", "{\"event_id\":\"e-1\",\"event_id\":\"e-2\"", StringComparison.Ordinal))),
            5 => ("number beyond decimal", Encoding.UTF8.GetBytes(valid.Replace("\"e-1\"", $"1e{29 + c % 300}", StringComparison.Ordinal))),
            6 => ("unknown status", Encoding.UTF8.GetBytes(valid.Replace("approved", "approved_" + c, StringComparison.Ordinal))),
            7 => ("bad time", Encoding.UTF8.GetBytes(valid.Replace("2026-11-29T10:15:00+08:00", "yesterday " + c, StringComparison.Ordinal))),
            8 => ("wrong types", Encoding.UTF8.GetBytes(valid.Replace("\"FG-20261128-000001\"", "[\"x\"]", StringComparison.Ordinal))),
            _ => ("not an object", "[1,2]"u8.ToArray()),
        };
        (string, string)[] headers = (b % 3) switch
        {
            0 => [],
            1 => [("X-FG-Signature", "sha256=" + new string('a', 64))],
            _ => [("X-FG-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HubFixture.HousingWebhookSecret), body)))],
        };
        return new SweepCase($"webhook: {what}{(headers.Length == 0 ? ", unsigned" : b % 3 == 1 ? ", forged" : ", signed")}",
            "POST", "/api/v1/departments/fg/webhooks", body, "application/json", headers, Chunked: c % 5 == 0);
    }

    // The portal's JSON calls, signed in as an operator, with a body broken at the byte or JSON level (never a valid call).
    private static SweepCase PortalBody(int a, int b, int c, string cookie)
    {
        var id = RandomId(b);
        var (path, valid) = (a % 10) switch
        {
            9 => ($"portal/handoffs/{id}/materials/{b % 3}/content", """{"reason":"核对材料"}"""),
            6 => ($"portal/suggestions/{id}/steps", """{"step":"progress","note":"已派人查看"}"""),
            7 => ($"portal/suggestions/{id}/reveal", """{"field":"phone","reason":"电话回访"}"""),
            8 => ($"suggestions/{id}/rating", """{"rating":"满意","comment":"很好"}"""),
            0 => ("portal/session", """{"user":"nobody","password":"x"}"""),
            1 => ("portal/handoffs/search", """{"idNumber":"11010519491231002X","item":"GA-001"}"""),
            2 => ($"portal/handoffs/{id}/reveal", """{"field":"name","reason":"核实身份"}"""),
            3 => ($"portal/handoffs/{id}/resolve", """{"reason":"已线下处理"}"""),
            4 => ("portal/replay", """{"department":"GA"}"""),
            _ => ($"portal/handoffs/{id}/replay", """{}"""),
        };
        var contentType = "application/json";
        var (what, body) = (c % 9) switch
        {
            0 => ("truncated", Encoding.UTF8.GetBytes(valid)[..(b % valid.Length)]),
            1 => ("invalid UTF-8", [.. Encoding.UTF8.GetBytes(valid[..1]), .. InvalidUtf8[b % InvalidUtf8.Length], .. Encoding.UTF8.GetBytes(valid[1..])]),
            2 => ("lone surrogate", Encoding.UTF8.GetBytes(valid.Replace(":\"", $":\"\\u{0xDC00 + b % 0x400:x4}", StringComparison.Ordinal))),
            3 => ("duplicate key", Encoding.UTF8.GetBytes(valid.Length > 2 ? valid.Replace("{", "{\"a\":1,\"a\":2,", StringComparison.Ordinal) : "{\"a\":1,\"a\":2}")),
            4 => ("number beyond decimal", Encoding.UTF8.GetBytes($"{{\"reason\":1e{29 + b % 300},\"department\":-1e300,\"field\":1e99}}")),
            5 => ("too deep", Encoding.UTF8.GetBytes(new string('[', 17 + b % 100) + new string(']', 17 + b % 100))),
            6 => ("not an object", Encoding.UTF8.GetBytes(new[] { "[]", "\"GA\"", "null", "7", "" }[b % 5])),
            7 => ("oversized", Encoding.UTF8.GetBytes($"{{\"reason\":\"{new string('理', 1400 + b % 3000)}\"}}")),
            _ => ("wrong media type", Encoding.UTF8.GetBytes(valid)),
        };
        if (c % 9 == 8)
        {
            contentType = BadMediaTypes[b % BadMediaTypes.Length];
        }

        return new SweepCase($"portal {path}: {what}", "POST", $"/api/v1/{path}", body, contentType,
            [("Cookie", $"hub_portal={cookie}"), ("X-Api-Key", HubFixture.KeyA)], Chunked: b % 7 == 0);
    }

    // Every GET route with generated path segments and query strings: any answer but a 5xx or a bare error.
    private static SweepCase Get(int a, int b, int c, string cookie)
    {
        if (a % (GetRoutes.Length + 1) == GetRoutes.Length)
        {
            // Signing out without a valid session: the one DELETE route, answered without touching storage.
            return new SweepCase("sign out with a foreign cookie", "DELETE", "/api/v1/portal/session", null, null,
                (b % 2) switch { 0 => [], _ => [("Cookie", $"hub_portal={Segment(b, c)}.{Segment(c, b)}")] }, MaySucceed: true);
        }

        var route = GetRoutes[a % (GetRoutes.Length + 1)].Replace("{x}", PathSegment(b, c), StringComparison.Ordinal);
        var query = (c % 4) switch
        {
            0 => "",
            1 => $"?{Segment(c, b)}={Segment(b + 1, c)}",
            2 => $"?department={Segment(b, c)}&online={Segment(c, b)}&q={Segment(b ^ c, c)}&after={Segment(c, c)}&limit={(b % 3 == 0 ? "-" : "")}{b}",
            _ => $"?item={Segment(b, c)}&state={Segment(c, b)}&from={Segment(b, b)}&to=2026-13-45&caseNumber={Segment(c, c)}&applicationId={Segment(b, 7)}",
        };
        (string, string)[] headers = (b % 4) switch
        {
            0 => [],
            1 => [("X-Api-Key", HubFixture.KeyA)],
            2 => [("Cookie", $"hub_portal={cookie}")],
            _ => [("Cookie", $"hub_portal={Segment(b, c)}.{Segment(c, b)}"), ("X-Api-Key", Segment(c, c))],
        };
        return new SweepCase("GET", "GET", $"/api/v1/{route}{query}", null, null, headers, MaySucceed: true);
    }

    private static SweepCase WrongRoute(int a, int b)
    {
        var methods = new[] { "PUT", "PATCH", "DELETE", "POST", "GET", "OPTIONS" };
        var method = methods[a % methods.Length];
        var path = (b % 3) switch
        {
            0 when method is "POST" => GetRoutes[b % GetRoutes.Length],
            0 or 1 when method is "GET" => PostRoutes[b % PostRoutes.Length],
            0 or 1 => (b % 2 == 0 ? GetRoutes : PostRoutes)[b % (b % 2 == 0 ? GetRoutes : PostRoutes).Length],
            _ => $"{PathSegment(a, b)}/{PathSegment(b, a)}",
        };
        return new SweepCase("wrong method or path", method, "/api/v1/" + path.Replace("{x}", RandomId(b), StringComparison.Ordinal),
            method is "GET" or "DELETE" or "OPTIONS" ? null : "{}"u8.ToArray(), method is "GET" or "DELETE" or "OPTIONS" ? null : "application/json", [],
            MaySucceed: method == "GET" || (method == "DELETE" && path.StartsWith("portal/session", StringComparison.Ordinal)));
    }

    // The request line, headers and body over the hub's limits but within the server's raised ones: answered as problems.
    private static SweepCase Limits(int a, int b, int c) => (a % 5) switch
    {
        0 => new SweepCase("URL over 8 KiB", "GET", $"/api/v1/service-items?q={new string('q', 8300 + b % 7000)}", null, null, []),
        1 => new SweepCase("over 100 headers", "GET", "/api/v1/health", null, null, [.. Enumerable.Range(0, 101 + b % 90).Select(i => ($"X-Sweep-{i}", "v"))]),
        2 => new SweepCase("headers over 32 KiB", "GET", "/api/v1/service-items", null, null, [("X-Sweep", new string('h', 33_000 + b % 25_000))]),
        3 => new SweepCase("body over 64 KiB", "POST", BodyRoute(c), new byte[65_537 + b % 900_000], "application/json",
            [("X-Api-Key", HubFixture.KeyA), ("Idempotency-Key", $"sweep-{b}")], Chunked: false),
        _ => new SweepCase("chunked body over 64 KiB", "POST", BodyRoute(c), new byte[65_537 + b % 900_000], "application/json",
            [("X-Api-Key", HubFixture.KeyA), ("Idempotency-Key", $"sweep-{b}")], Chunked: true),
    };

    // Every POST route that reads a body (replay takes none).
    private static string BodyRoute(int c)
    {
        var routes = PostRoutes.Where(r => !r.EndsWith("/replay", StringComparison.Ordinal)).ToArray();
        return "/api/v1/" + routes[c % routes.Length].Replace("{x}", RandomId(c), StringComparison.Ordinal);
    }

    /// <summary>The four signed headers the bureau sends, over these exact bytes and with the bureau's key.</summary>
    private static (string, string)[] Signed(byte[] body)
    {
        var signature = new PublicSecuritySigner(HubFixture.PublicSecurityKey, TimeProvider.System).Sign("GA320300", body);
        return [("X-JRDW", signature.AccessUnit), ("X-SJC", signature.Timestamp), ("X-SJS", signature.Nonce), ("X-QM", signature.Signature)];
    }

    // A path segment or query value: plain, Chinese, a rare character, percent-encoded garbage, or very long.
    private static string Segment(int a, int b) => (a % 9) switch
    {
        0 => "GA-001",
        1 => Uri.EscapeDataString("徐州" + char.ConvertFromUtf32(0x20000 + b % 0xA6D0)),
        2 => "%FF%FE%00",
        3 => "%ED%A0%80",
        4 => Uri.EscapeDataString(new string('x', b % 3000)),
        5 => "..%2F..%2Fetc%2Fpasswd",
        6 => Uri.EscapeDataString("\u0000\u0007\r\n"),
        7 => b.ToString(CultureInfo.InvariantCulture),
        _ => "%25%",
    };

    // Kestrel itself refuses a path holding an encoded NUL (an empty 400 before any middleware runs, which no
    // application can shape), so paths get every other byte; queries, which Kestrel does not decode, get NUL too.
    private static string PathSegment(int a, int b) => Segment(a, b).Replace("%00", "%01", StringComparison.Ordinal);

    private static string RandomId(int seed) => (seed % 3) switch
    {
        0 => Guid.NewGuid().ToString("N"),
        1 => Uri.EscapeDataString("𠮷" + seed),
        _ => "x" + seed,
    };

    private static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Utf8(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    /// <summary>Every string, number and boolean under applicant and form, with its path and where it sits.</summary>
    private static List<(string Path, JsonNode Parent, object Key)> Leaves(JsonObject body)
    {
        var leaves = new List<(string, JsonNode, object)>();
        void Walk(JsonNode node, string path)
        {
            switch (node)
            {
                case JsonObject json:
                    foreach (var (name, value) in json.ToList())
                    {
                        if (value is JsonValue)
                        {
                            leaves.Add(($"{path}.{name}", json, name));
                        }
                        else if (value is not null)
                        {
                            Walk(value, $"{path}.{name}");
                        }
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is JsonValue)
                        {
                            leaves.Add(($"{path}[{i}]", array, i));
                        }
                        else if (array[i] is { } item)
                        {
                            Walk(item, $"{path}[{i}]");
                        }
                    }

                    break;
            }
        }

        Walk(body["applicant"]!, "applicant");
        Walk(body["form"]!, "form");
        return leaves;
    }

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (key is string name)
        {
            parent[name] = value;
        }
        else
        {
            parent[(int)key] = value;
        }
    }

    private static string Text(JsonNode parent, object key) =>
        (key is string name ? parent[name] : parent[(int)key]) is JsonValue v && v.TryGetValue(out string? s) ? s : "x";

    // Puts raw bytes into a value's place: JSON cannot express them, so a marker is serialised and replaced.
    private static byte[] Splice(JsonObject body, JsonNode parent, object key, string marker, byte[] raw)
    {
        Set(parent, key, marker);
        var text = Utf8(body);
        var escaped = Encoding.UTF8.GetBytes(JsonValue.Create(marker).ToJsonString()[1..^1]);
        var at = text.AsSpan().IndexOf(escaped);
        return [.. text[..at], .. raw, .. text[(at + escaped.Length)..]];
    }

    private static byte[] DuplicateKey(JsonObject body, int seed)
    {
        var text = body.ToJsonString();
        var objects = new[] { "{\"itemCode\"", "\"applicant\":{", "\"form\":{" };
        var target = objects[seed % objects.Length];
        var at = text.IndexOf(target, StringComparison.Ordinal);
        var open = text.IndexOf('{', at) + 1;
        var firstKeyEnd = text.IndexOf(':', open);
        var key = text[open..firstKeyEnd];
        return Encoding.UTF8.GetBytes(text.Insert(open, $"{key}:\"dup\","));
    }
}

/// <summary>Valid GB 11643 numbers for any birth date, for tests that need many distinct people.</summary>
internal static class CitizenIds
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    public static string Valid(DateOnly birth, int sequence, string area = "320302")
    {
        var first = $"{area}{birth:yyyyMMdd}{sequence % 1000:000}";
        var sum = first.Select((d, i) => (d - '0') * Weights[i]).Sum();
        return first + "10X98765432"[sum % 11];
    }
}
