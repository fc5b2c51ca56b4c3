using System.Buffers;
using System.Xml;
using System.Xml.Linq;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>
/// The bureau's documents as the translator reads them: each element's name, parent and text (<see cref="XElement.Value"/>:
/// all the text inside it). XmlReader and XElement cost about 12 KB per document, most of it buffers; the bureau writes
/// plain documents (a declaration, elements without attributes, text), so those are read here directly, and anything
/// else (an entity, a comment, CDATA, an attribute, a carriage return, a broken tag) is left to XmlReader, which decides
/// exactly as before. A test compares the two readers on generated documents.
/// </summary>
internal sealed class BureauXml
{
    public const int Root = 0;

    // The declarations the plain reader accepts; any other goes to XmlReader.
    private static readonly string[] Declarations = ["""<?xml version="1.0" encoding="GB18030"?>""", """<?xml version="1.0"?>"""];

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersInDocument = 1 << 20,
    };

    private readonly List<(string Name, int Parent, string Value)> _elements;

    private BureauXml(string rootLocalName, List<(string Name, int Parent, string Value)> elements)
    {
        RootLocalName = rootLocalName;
        _elements = elements;
    }

    public string RootLocalName { get; }

    /// <summary>The elements in document order, for the test that compares the two readers.</summary>
    internal IReadOnlyList<(string Name, int Parent, string Value)> Elements => _elements;

    /// <summary>The first child element of <paramref name="parent"/> named <paramref name="name"/>, or -1.</summary>
    public int Child(int parent, string name)
    {
        for (var i = parent + 1; i < _elements.Count; i++)
        {
            if (_elements[i].Parent == parent && _elements[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The trimmed text of the first child named <paramref name="name"/>, or null when it is absent or empty.</summary>
    public string? Value(int parent, string name) =>
        Child(parent, name) is >= 0 and var child && _elements[child].Value.Trim() is { Length: > 0 } value ? value : null;

    /// <summary>The document read by the plain reader, or else by XmlReader; <see cref="XmlException"/> when it is not well-formed.</summary>
    public static BureauXml Read(string text) => TryReadPlain(text) ?? ReadWithXmlReader(text);

    internal static BureauXml ReadWithXmlReader(string text)
    {
        using var reader = XmlReader.Create(new StringReader(text), ReaderSettings);
        var root = XElement.Load(reader);
        var elements = new List<(string, int, string)>();
        Add(root, -1);
        return new BureauXml(root.Name.LocalName, elements);

        void Add(XElement element, int parent)
        {
            var index = elements.Count;

            // A namespaced child never matches a plain name, as XElement.Element(name) would not.
            elements.Add((element.Name.ToString(), parent, element.Value));
            foreach (var child in element.Elements())
            {
                Add(child, index);
            }
        }
    }

    /// <summary>A plain document read directly, or null when it holds anything the plain reader leaves to XmlReader.</summary>
    internal static BureauXml? TryReadPlain(string text)
    {
        if (text.Length > ReaderSettings.MaxCharactersInDocument || text.Contains('\r', StringComparison.Ordinal))
        {
            return null;
        }

        var at = 0;
        foreach (var declaration in Declarations)
        {
            if (text.StartsWith(declaration, StringComparison.Ordinal))
            {
                at = declaration.Length;
                break;
            }
        }

        at = SkipSpace(text, at);
        var elements = new List<(string Name, int Parent, string Value)>();
        var open = new Stack<(int Index, int FirstSegment)>();
        var segments = new List<(int Start, int Length)>();
        while (at < text.Length && text[at] == '<')
        {
            if (at + 1 < text.Length && text[at + 1] == '/')
            {
                if (open.Count == 0 || !TryName(text, at + 2, out var end) || end >= text.Length || text[end] != '>')
                {
                    return null;
                }

                var (index, firstSegment) = open.Pop();
                var element = elements[index];
                if (!text.AsSpan(at + 2, end - at - 2).SequenceEqual(element.Name))
                {
                    return null;
                }

                elements[index] = element with { Value = Join(text, segments, firstSegment) };
                at = end + 1;
                if (open.Count == 0)
                {
                    return SkipSpace(text, at) == text.Length ? new BureauXml(elements[Root].Name, elements) : null;
                }
            }
            else
            {
                // A start tag: a plain name and nothing else (no attribute, no white space, not empty).
                if ((open.Count == 0 && elements.Count > 0) || !TryName(text, at + 1, out var end) || end >= text.Length || text[end] != '>')
                {
                    return null;
                }

                elements.Add((text[(at + 1)..end], open.Count > 0 ? open.Peek().Index : -1, ""));
                open.Push((elements.Count - 1, segments.Count));
                at = end + 1;
            }

            var next = text.IndexOf('<', at);
            if (next < 0 || !PlainText(text.AsSpan(at, next - at)))
            {
                return null;
            }

            // Text between tags, white space alone included: XElement keeps it, and its Value holds it.
            if (next > at)
            {
                segments.Add((at, next - at));
            }

            at = next;
        }

        return null;
    }

    private static int SkipSpace(string text, int at)
    {
        while (at < text.Length && text[at] is ' ' or '\t' or '\n')
        {
            at++;
        }

        return at;
    }

    private static bool TryName(string text, int at, out int end)
    {
        end = at;
        if (at >= text.Length || !(char.IsAsciiLetter(text[at]) || text[at] == '_'))
        {
            return false;
        }

        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '-' or '.'))
        {
            end++;
        }

        return true;
    }

    // Characters the plain reader leaves to XmlReader: markup, control characters but tab and line feed, C1 controls,
    // noncharacters U+FFFE/U+FFFF.
    private static readonly SearchValues<char> NotPlain = SearchValues.Create("&<\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F\uFFFE\uFFFF");

    // Text XML 1.0 allows as it is, with no markup; and never "]]>".
    private static bool PlainText(ReadOnlySpan<char> text) => Plain(text, NotPlain) && text.IndexOf("]]>", StringComparison.Ordinal) < 0;

    /// <summary>True when <paramref name="text"/> holds none of <paramref name="refused"/> and surrogates only in pairs.</summary>
    internal static bool Plain(ReadOnlySpan<char> text, SearchValues<char> refused)
    {
        if (text.ContainsAny(refused))
        {
            return false;
        }

        for (var i = text.IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Join(string text, List<(int Start, int Length)> segments, int first) => (segments.Count - first) switch
    {
        0 => "",
        1 => text.Substring(segments[first].Start, segments[first].Length),
        _ => string.Concat(segments.Skip(first).Select(s => text.AsSpan(s.Start, s.Length).ToString())),
    };
}
