using System.Buffers;
using System.Text;
using System.Xml.Linq;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>
/// The request document, element by element in the document's order. When every text is plain (no character XElement
/// would escape or refuse) it is written straight into GB18030 exactly as XElement writes it; otherwise it is built as
/// XElements, as it always was, so an unusual text is escaped or refused in the same way. Building a document of
/// XElements costs about 18 KB; the plain writer only the bytes it returns.
/// </summary>
internal sealed class RequestXml
{
    // Set only by the test that compares the plain writer with XElement.
    [ThreadStatic]
    internal static bool ForceXElement;

    [ThreadStatic]
    private static RequestXml? _cached;

    // Characters XElement does not write as they are, or refuses: markup, quotes, every control character, line
    // separators, noncharacters U+FFFE/U+FFFF.
    private static readonly SearchValues<char> NotPlain = SearchValues.Create("<>&\"'\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F\u2028\u2029\uFFFE\uFFFF");

    private readonly List<(string Name, string? Text, bool Close)> _parts = new(64);
    private readonly Stack<string> _open = new();

    /// <summary>An empty document; one per thread, reused, since a request is translated start to finish on one thread.</summary>
    public static RequestXml Start()
    {
        var request = _cached ??= new RequestXml();
        request._parts.Clear();
        request._open.Clear();
        return request;
    }

    public RequestXml Open(string name)
    {
        _parts.Add((name, null, false));
        _open.Push(name);
        return this;
    }

    public RequestXml Close()
    {
        _parts.Add((_open.Pop(), null, true));
        return this;
    }

    public RequestXml Element(string name, string value) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new PublicSecurityFormatException($"Element {name} would be empty; the bureau refuses empty elements.")
            : Leaf(name, value);

    // An optional element is omitted, never sent empty (document, "Request").
    public RequestXml Optional(string name, string? value) => string.IsNullOrWhiteSpace(value) ? this : Leaf(name, value);

    /// <summary>The declaration and the document in <paramref name="encoding"/>; <see cref="ArgumentException"/> for a character it cannot carry.</summary>
    public byte[] ToBytes(string declaration, Encoding encoding) =>
        !ForceXElement && _parts.TrueForAll(p => p.Text is null || Plain(p.Text))
            ? WritePlain(declaration, encoding)
            : encoding.GetBytes(declaration + ToXElement().ToString(SaveOptions.DisableFormatting));

    private RequestXml Leaf(string name, string text)
    {
        _parts.Add((name, text, false));
        return this;
    }

    // Anything not plain is rare enough to be left to XElement.
    private static bool Plain(string text) => BureauXml.Plain(text, NotPlain);

    private byte[] WritePlain(string declaration, Encoding encoding)
    {
        var length = declaration.Length;
        foreach (var (name, text, _) in _parts)
        {
            length += (2 * name.Length) + 5 + (text?.Length ?? 0);
        }

        var buffer = ArrayPool<char>.Shared.Rent(length);
        byte[]? encoded = null;
        try
        {
            var written = new Span<char>(buffer);
            var at = Append(written, 0, declaration);
            for (var i = 0; i < _parts.Count; i++)
            {
                var (name, text, close) = _parts[i];
                if (text is not null)
                {
                    at = Append(written, Append(written, Append(written, Append(written, Append(written, at, "<"), name), ">"), text), "</");
                    at = Append(written, Append(written, at, name), ">");
                }
                else if (close)
                {
                    at = Append(written, Append(written, Append(written, at, "</"), name), ">");
                }
                else if (i + 1 < _parts.Count && _parts[i + 1].Close)
                {
                    // An element with no content, as XElement writes it.
                    at = Append(written, Append(written, Append(written, at, "<"), name), " />");
                    i++;
                }
                else
                {
                    at = Append(written, Append(written, Append(written, at, "<"), name), ">");
                }
            }

            // One pass of the encoder into a rented buffer of the largest size, then the bytes copied out once.
            var document = written[..at];
            encoded = ArrayPool<byte>.Shared.Rent(encoding.GetMaxByteCount(at));
            return encoded.AsSpan(0, encoding.GetBytes(document, encoded)).ToArray();
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
            if (encoded is not null)
            {
                ArrayPool<byte>.Shared.Return(encoded);
            }
        }
    }

    private static int Append(Span<char> buffer, int at, string text)
    {
        text.CopyTo(buffer[at..]);
        return at + text.Length;
    }

    private XElement ToXElement()
    {
        var open = new Stack<XElement>();
        XElement? root = null;
        foreach (var (name, text, close) in _parts)
        {
            if (close)
            {
                open.Pop();
            }
            else if (text is not null)
            {
                open.Peek().Add(new XElement(name, text));
            }
            else
            {
                var element = new XElement(name);
                if (open.TryPeek(out var parent))
                {
                    parent.Add(element);
                }

                root ??= element;
                open.Push(element);
            }
        }

        return root!;
    }
}
