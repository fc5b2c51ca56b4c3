using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace IntegrationHub.Http;

/// <summary>Where a JSON text is broken: the dotted path of the value (or <c>body</c>) and what is wrong, never its content.</summary>
internal readonly record struct StrictJsonError(string Field, string Message);

/// <summary>
/// Parses JSON that arrives from outside (requests, webhooks) into a tree whose every name, string and number can be
/// read without throwing: strict UTF-8, no key twice in one object, no lone surrogate escapes (<c>"\ud800"</c>), and
/// numbers within <see cref="decimal"/>, the type the hub computes with. System.Text.Json decodes strings lazily, so
/// without this a body parses and only throws when a handler reads it, which surfaces as a 500.
/// </summary>
internal static class StrictJson
{
    public const int MaxDepth = 16;
    private const string NameNotUnicode = "has a property name that is not Unicode text (a lone surrogate escape such as \\ud800).";

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    public static bool TryParse(ReadOnlySpan<byte> bytes, out JsonNode? node, out StrictJsonError error)
    {
        node = null;
        if (InvalidUtf8At(bytes) is { } offset)
        {
            error = new("body", $"is not valid UTF-8 (byte {(offset + 1).ToString(CultureInfo.InvariantCulture)}).");
            return false;
        }

        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(bytes, documentOptions: Options);
        }
        catch (JsonException e)
        {
            // The exception's message can quote the body (a duplicate key's name): position only.
            var duplicate = e.Message.StartsWith("Duplicate property", StringComparison.Ordinal) ? ": a key appears twice in one object" : "";
            error = new("body", string.Create(CultureInfo.InvariantCulture, $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}){duplicate}."));
            return false;
        }
        catch (InvalidOperationException)
        {
            // The duplicate-key check reads every property name while parsing, and a name with a lone surrogate escape
            // throws there, before any node exists: named as the body's fault, never a 500.
            error = new("body", NameNotUnicode);
            return false;
        }

        if (Unreadable(parsed, parsed) is { } broken)
        {
            error = broken;
            return false;
        }

        node = parsed;
        error = default;
        return true;
    }

    /// <summary>The dotted path of a property below <paramref name="parent"/>, as problems name fields (<c>form.landlord.name</c>).</summary>
    public static string Child(string parent, string property) => parent.Length == 0 ? property : $"{parent}.{property}";

    /// <summary>The path of an array item (<c>form.tenants[0]</c>).</summary>
    public static string Item(string parent, int index) => $"{(parent.Length == 0 ? "body" : parent)}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>The byte offset of the first byte that is not part of well-formed UTF-8, or null.</summary>
    public static int? InvalidUtf8At(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return null;
        }

        var chars = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            Utf8.ToUtf16(bytes, chars, out var read, out _, replaceInvalidSequences: false);
            return read;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>
    /// The dotted path of <paramref name="node"/> below <paramref name="root"/>, as <see cref="Child"/> and <see cref="Item"/>
    /// spell it (<c>form.tenants[0].name</c>); empty for the root itself. Spelled only when needed: on a problem.
    /// </summary>
    public static string PathOf(JsonNode node, JsonNode? root)
    {
        var ancestry = new Stack<JsonNode>();
        for (var current = node; current != root && current.Parent is not null; current = current.Parent)
        {
            ancestry.Push(current);
        }

        var path = "";
        foreach (var step in ancestry)
        {
            path = step.Parent is JsonArray ? Item(path, step.GetElementIndex()) : Child(path, step.GetPropertyName());
        }

        return path;
    }

    // Every name and string is checked here, once, and every number as a decimal, so no later reader meets a surprise.
    // A string without a backslash needs no decoding: its bytes are already known to be UTF-8, and only an escape can
    // spell a lone surrogate.
    private static StrictJsonError? Unreadable(JsonNode? node, JsonNode? root)
    {
        switch (node)
        {
            case JsonObject json:
                try
                {
                    // Reading the count reads every name of the object.
                    _ = json.Count;
                }
                catch (InvalidOperationException)
                {
                    return new(Field(json, root), NameNotUnicode);
                }

                for (var i = 0; i < json.Count; i++)
                {
                    if (Unreadable(json.GetAt(i).Value, root) is { } broken)
                    {
                        return broken;
                    }
                }

                return null;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (Unreadable(array[i], root) is { } broken)
                    {
                        return broken;
                    }
                }

                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                if (value.TryGetValue(out JsonElement element) && !JsonMarshal.GetRawUtf8Value(element).Contains((byte)'\\'))
                {
                    return null;
                }

                try
                {
                    value.GetValue<string>();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return new(Field(value, root), "is not Unicode text (it contains a lone surrogate escape such as \\ud800).");
                }

            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                return JsonNumber.TryDecimal(value, out _)
                    ? null
                    : new(Field(value, root), "is a number outside the range the hub reads (±7.9 × 10^28).");
            default:
                return null;
        }
    }

    private static string Field(JsonNode node, JsonNode? root) => PathOf(node, root) is { Length: > 0 } path ? path : "body";
}
