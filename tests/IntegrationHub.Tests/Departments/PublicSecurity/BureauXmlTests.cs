using CsCheck;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Tests.Applications;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

/// <summary>The plain reader of the bureau's documents reads what XmlReader and XElement read, and leaves every other document to them.</summary>
public sealed class BureauXmlTests
{
    private static readonly string[] Documents =
    [
        """<?xml version="1.0" encoding="GB18030"?><Response><Code>0000</Code><Message>接收成功</Message><SLBH>GA3203022026112800001</SLBH></Response>""",
        """<?xml version="1.0" encoding="GB18030"?><Response><Code>0001</Code><Message>办理完成</Message><SLBH>GA3203022026112800002</SLBH><Result><JD>03</JD><LQDD>鼓楼分局户政服务大厅</LQDD></Result></Response>""",
        """<Notify><SLBH>GA3203022026112800001</SLBH><LSH>HUB-1</LSH><BLZT>05</BLZT><BLYJ>准予办理 𠮷</BLYJ><BLSJ>20261129101500</BLSJ></Notify>""",
        "<?xml version=\"1.0\"?>\n<Response>\n  <Code> 9001 </Code>\n  <Message>系统繁忙</Message>\n</Response>\n",
    ];

    // What a document may hold that the plain reader must either read exactly as XmlReader does or leave to it.
    private static readonly string[] Tokens =
    [
        "<", ">", "&", "&amp;", "&lt;", "&#x41;", "&#65;", "&bogus;", "<!-- note -->", "<![CDATA[x<y]]>", "]]>", "<?pi x?>",
        "<!DOCTYPE r>", "\r\n", "\r", "\n", " ", "\t", "\u0001", "\u0085", "\uFFFE", "\uD840", "\uFEFF", "<X>1</X>", "<X/>", "<X a=\"1\">", "</X>",
        "<x:Code xmlns:x=\"urn:x\">1</x:Code>", "<Code>", "</Code>", "<Result><JD>01</JD></Result>", "<1a>", "<a-b.c>t</a-b.c>", "\"", "'",
        "<?xml version=\"1.0\"?>", "<Response>", "</Response>",
    ];

    [Fact]
    public void TryReadPlain_TheBureausDocuments_AreReadPlain()
    {
        // Not vacuous: the documents the bureau writes take the quick path.
        Assert.All(Documents, d => Assert.NotNull(BureauXml.TryReadPlain(d)));
    }

    [Fact]
    public void TryReadPlain_AnyMutatedDocument_ReadsWhatXmlReaderReadsOrLeavesItToIt()
    {
        var plain = 0;
        var mutation = Gen.Select(Gen.Int[0, 1000], Gen.Frequency(
            (6, Gen.Int[0, Tokens.Length - 1].Select(i => Tokens[i])),
            (2, ResidentText.Text(8))));
        Gen.Select(Gen.Int[0, Documents.Length - 1], mutation.Array[0, 3], Gen.Int[0, 3]).Sample(t =>
        {
            var text = Documents[t.Item1];
            foreach (var (at, insert) in t.Item2)
            {
                var position = at % (text.Length + 1);
                text = t.Item3 == 0 && position < text.Length ? text.Remove(position, 1).Insert(position, insert) : text.Insert(position, insert);
            }

            if (BureauXml.TryReadPlain(text) is not { } read)
            {
                return;
            }

            Interlocked.Increment(ref plain);
            var reference = BureauXml.ReadWithXmlReader(text);
            Assert.Equal(reference.RootLocalName, read.RootLocalName);
            Assert.Equal(reference.Elements, read.Elements);
        }, iter: 20000);

        Assert.True(plain > 1000, $"only {plain} documents took the quick path");
    }
}
