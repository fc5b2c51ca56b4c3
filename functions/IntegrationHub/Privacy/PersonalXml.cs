using System.Collections.Frozen;
using System.Xml;
using System.Xml.Linq;

namespace IntegrationHub.Privacy;

/// <summary>
/// Which elements of an XML document carry personal data, declared by element name (for a bureau whose element
/// names mean the same wherever they appear: <c>GMSFHM</c> is an ID number under <c>SQR</c> and under every <c>ZH</c>).
/// Masking parses the document and masks the text of declared elements, so escaping and line endings never matter.
/// </summary>
internal sealed class PersonalXml
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = 1 << 22,
    };

    private readonly FrozenDictionary<string, PersonalKind> _elements;

    public PersonalXml(IEnumerable<KeyValuePair<string, PersonalKind>> elements) =>
        _elements = elements.ToFrozenDictionary(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, PersonalKind> Elements => _elements;

    /// <summary>The masked document, or null when the text is not well-formed XML (then nothing in it can be trusted to be masked).</summary>
    public string? Mask(string xml)
    {
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings);
            document = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException)
        {
            return null;
        }

        foreach (var element in document.Descendants())
        {
            foreach (var attribute in element.Attributes())
            {
                attribute.Value = PersonalKinds.MaskShapes(attribute.Value);
            }

            if (element.HasElements)
            {
                // Mixed content: text beside child elements is nobody's declared value, so only the safety net applies.
                foreach (var text in element.Nodes().OfType<XText>())
                {
                    text.Value = PersonalKinds.MaskShapes(text.Value);
                }
            }
            else if (element.Value.Length > 0)
            {
                element.Value = _elements.TryGetValue(element.Name.LocalName, out var kind)
                    ? kind.Mask(element.Value)
                    : PersonalKinds.MaskShapes(element.Value);
            }
        }

        return document.Declaration is { } declaration
            ? declaration + document.Root!.ToString(SaveOptions.DisableFormatting)
            : document.Root!.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>Every declared element's text, with its path (<c>Request/Body/SQR/XM</c>).</summary>
    public IReadOnlyList<PersonalValue> Values(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings);
        var document = XDocument.Load(reader);
        return [.. document.Descendants()
            .Where(e => !e.HasElements && _elements.ContainsKey(e.Name.LocalName))
            .Select(e => new PersonalValue(
                string.Join('/', e.AncestorsAndSelf().Reverse().Select(a => a.Name.LocalName)), _elements[e.Name.LocalName], e.Value))];
    }
}
