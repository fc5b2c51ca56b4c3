using System.Text.Json;
using System.Text.Json.Serialization;

namespace IntegrationHub.Departments;

/// <summary>
/// One request the hub sent to a department and what came back, or several alike folded into one (<see cref="Count"/>
/// &gt; 1: status queries that brought nothing new). Recorded by <see cref="DepartmentCallHandler"/> for every request
/// that left the hub, in-client retries, token requests and 401 repeats included, so operators see every call on the
/// timeline. Carries no personal data: a request label, status codes and times.
/// </summary>
/// <param name="At">When the (first) request was sent.</param>
/// <param name="Request">What was asked: <c>POST /population/v2/applications</c>, <c>RS9001</c>…</param>
/// <param name="HttpStatus">The HTTP status, or null when no answer came (timeout, connection failure).</param>
/// <param name="Code">The department's own answer code (0000, 9001, invalid_token…), or <c>timeout</c> / <c>connection</c>.</param>
/// <param name="DurationMs">How long it took; for a folded group, the longest.</param>
/// <param name="Count">How many requests this stands for.</param>
/// <param name="LastAt">When the last of a folded group was sent.</param>
internal sealed record DepartmentCall(
    DateTimeOffset At,
    string Request,
    int? HttpStatus,
    string? Code,
    long DurationMs,
    int Count = 1,
    DateTimeOffset? LastAt = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The calls as stored on a timeline entry or a follow-up row; null for none.</summary>
    public static string? ToJson(IReadOnlyList<DepartmentCall> calls) =>
        calls.Count == 0 ? null : JsonSerializer.Serialize(calls, Json);

    public static IReadOnlyList<DepartmentCall> FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<DepartmentCall>>(json, Json) ?? [];

    public static int CountOf(IReadOnlyList<DepartmentCall> calls) => calls.Sum(c => c.Count);

    /// <summary>
    /// Folds <paramref name="more"/> into <paramref name="calls"/>: calls with the same request and answer become one
    /// counted entry with its first and last time, so any number of "nothing new" status queries stays a few entries.
    /// </summary>
    public static IReadOnlyList<DepartmentCall> Fold(IReadOnlyList<DepartmentCall> calls, IEnumerable<DepartmentCall> more)
    {
        var folded = calls.ToList();
        foreach (var call in more)
        {
            var i = folded.FindIndex(c => c.Request == call.Request && c.HttpStatus == call.HttpStatus && c.Code == call.Code);
            if (i < 0)
            {
                folded.Add(call);
                continue;
            }

            var group = folded[i];
            var first = group.At <= call.At ? group.At : call.At;
            var last = Max(group.LastAt ?? group.At, call.LastAt ?? call.At);
            folded[i] = group with
            {
                At = first,
                LastAt = last,
                Count = group.Count + call.Count,
                DurationMs = Math.Max(group.DurationMs, call.DurationMs),
            };
        }

        return folded;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>
/// The calls made on behalf of one client operation (a delivery, a status query). A client opens one with
/// <see cref="Start"/>; <see cref="DepartmentCallHandler"/> adds to the innermost open one. It flows with the async
/// context, not with the request message, because a token request is a request of its own made from inside an attempt.
/// </summary>
internal sealed class DepartmentCallLog : IDisposable
{
    private static readonly AsyncLocal<DepartmentCallLog?> Open = new();

    private readonly DepartmentCallLog? _outer;
    private readonly List<DepartmentCall> _calls = [];
    private readonly Lock _gate = new();

    private DepartmentCallLog(DepartmentCallLog? outer) => _outer = outer;

    /// <summary>Every call recorded since <see cref="Start"/>, in the order they were sent.</summary>
    public IReadOnlyList<DepartmentCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public static DepartmentCallLog Start()
    {
        var log = new DepartmentCallLog(Open.Value);
        Open.Value = log;
        return log;
    }

    /// <summary>Adds a call to the open log; a call made outside any operation (none open) is only logged by the handler.</summary>
    public static void Record(DepartmentCall call)
    {
        if (Open.Value is { } log)
        {
            lock (log._gate)
            {
                log._calls.Add(call);
            }
        }
    }

    public void Dispose() => Open.Value = _outer;
}
