using System.Text;
using System.Xml.Linq;
using IntegrationHub.Departments;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Tests.Applications;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

/// <summary>
/// GB18030 carries every character outside the BMP as a four-byte sequence (GB 18030-2005, 6.3.3): U+10000 is
/// 0x90308130 and each following code point the next sequence. Checked against that formula, not against .NET, both
/// ways: in the hub's translator and in the 公安 sandbox.
/// </summary>
public sealed class Gb18030Tests
{
    private static readonly string[] Rare = [.. ResidentText.Extensions.Where(e => e != "·"), "\U00010000", "\U0010FFFF", "\U000323AF"];

    [Fact]
    public void Encoding_EverySupplementaryCodePoint_IsTheStandardsFourByteSequenceBothWays()
    {
        var encoding = PublicSecurityTranslator.Gb18030;
        var mismatches = new List<string>();
        for (var codePoint = 0x10000; codePoint <= 0x10FFFF; codePoint++)
        {
            var text = char.ConvertFromUtf32(codePoint);
            var expected = FourBytes(codePoint);
            if (!encoding.GetBytes(text).AsSpan().SequenceEqual(expected) || encoding.GetString(expected) != text)
            {
                mismatches.Add($"U+{codePoint:X}");
            }
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public void FourBytes_TheStandardsOwnExamples_Hold()
    {
        // GB 18030-2005 Table: U+10000 = 90 30 81 30, U+10FFFF = E3 32 9A 35; 𠮷 U+20BB7 = 95 34 B2 35.
        Assert.Equal("90308130", Convert.ToHexString(FourBytes(0x10000)));
        Assert.Equal("E3329A35", Convert.ToHexString(FourBytes(0x10FFFF)));
        Assert.Equal("9534B235", Convert.ToHexString(FourBytes(0x20BB7)));
    }

    [Fact]
    public void ToRequest_NameAndAddressOutsideTheBmp_CarriedAsFourByteSequences()
    {
        var name = string.Concat(Rare[..3]) + "·" + Rare[3];
        var form = GaTestData.Form("GA-001");
        form["currentAddress"] = $"徐州市{string.Concat(Rare)}路1号";
        var application = GaTestData.Application("GA-001", form: form, applicant: GaTestData.Applicant with { Name = name });

        var bytes = PublicSecurityTranslator.ToRequest(application);

        Assert.All(Rare, r => Assert.True(Contains(bytes, FourBytes(char.ConvertToUtf32(r, 0))), $"no four-byte sequence for {ResidentText.Describe(r)}"));
        var sqr = XElement.Parse(PublicSecurityTranslator.Decode(bytes)).Element("Body")!;
        Assert.Equal(name, sqr.Element("SQR")!.Element("XM")!.Value);
        Assert.Equal(form["currentAddress"]!.GetValue<string>(), sqr.Element("SXXX")!.Element("XZZ")!.Value);
    }

    [Fact]
    public void ToOutcome_MessageWrittenInFourByteSequences_DecodedToTheCharacters()
    {
        var reason = "申请人姓名" + string.Concat(Rare) + "与户籍不符";
        byte[] body = [.. Ascii("<Response><Code>3001</Code><Message>"), .. Gb18030ByFormula(reason), .. Ascii("</Message></Response>")];

        var outcome = PublicSecurityTranslator.ToOutcome(body);

        Assert.Equal(HandoffOutcomeKind.Rejected, outcome.Kind);
        Assert.Equal(reason, outcome.DepartmentMessage);
    }

    [Fact]
    public async Task Sandbox_ApplicationInFourByteSequences_DecodesAndAcceptsIt()
    {
        await using var bureau = GaTestData.Bureau();
        await using var services = new ServiceCollection().AddLogging().AddPublicSecurity(GaTestData.Configuration(bureau.BaseUrl)).BuildServiceProvider();
        var name = string.Concat(Rare[..4]);
        var application = GaTestData.Application("GA-004", applicant: GaTestData.Applicant with { Name = name });

        var outcome = await services.GetRequiredService<IDepartmentAdapter>().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        var received = Assert.Single(bureau.ReceivedApplications);
        Assert.Equal(name, XElement.Parse(received.Xml!).Element("Body")!.Element("SQR")!.Element("XM")!.Value);
    }

    [Fact]
    public async Task Sandbox_NotificationOpinionOutsideTheBmp_SentAsFourByteSequencesAndReadByTheHub()
    {
        using var listener = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        listener.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithBody(PublicSecurityTranslator.NotifyAck));
        await using var bureau = GaTestData.Bureau(notifyUrl: new Uri(listener.Urls[0]));
        var opinion = "请补正：" + string.Concat(Rare) + "·" + Rare[0];

        var reply = await bureau.SendNotificationAsync("GA3203022026112800001", "03", opinion, new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8)));

        Assert.True(reply.Acknowledged);
        var bytes = Assert.Single(listener.LogEntries).RequestMessage.BodyAsBytes!;
        Assert.All(Rare, r => Assert.True(Contains(bytes, FourBytes(char.ConvertToUtf32(r, 0))), $"no four-byte sequence for {ResidentText.Describe(r)}"));
        Assert.Equal(opinion, PublicSecurityTranslator.ToReport(bytes).Reason);
    }

    /// <summary>GB 18030's four-byte sequence for a code point beyond the BMP, computed from the standard's linear mapping.</summary>
    internal static byte[] FourBytes(int codePoint)
    {
        var linear = codePoint - 0x10000;
        return
        [
            (byte)(0x90 + (linear / 12600)),
            (byte)(0x30 + (linear / 1260 % 10)),
            (byte)(0x81 + (linear / 10 % 126)),
            (byte)(0x30 + (linear % 10)),
        ];
    }

    // BMP text through the .NET encoder (two-byte and ASCII, not under test here); supplementary characters by formula.
    private static byte[] Gb18030ByFormula(string text) =>
        [.. text.EnumerateRunes().SelectMany(r => r.IsBmp ? PublicSecurityTranslator.Gb18030.GetBytes(r.ToString()) : FourBytes(r.Value))];

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
