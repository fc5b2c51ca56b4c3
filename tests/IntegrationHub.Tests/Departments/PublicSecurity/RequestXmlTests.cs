using CsCheck;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Tests.Applications;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

/// <summary>The plain writer of requests writes what XElement writes, byte for byte, and leaves every other text to XElement.</summary>
public sealed class RequestXmlTests
{
    [Theory]
    [MemberData(nameof(PublicSecurityTranslatorTests.AllSamples), MemberType = typeof(PublicSecurityTranslatorTests))]
    public void ToRequest_EverySample_SameBytesAsXElement(string code, string sample)
    {
        var application = GaTestData.Application(code, sample);

        Assert.Equal(PublicSecurityTranslator.ToRequestThroughXElement(application), PublicSecurityTranslator.ToRequest(application));
    }

    [Fact]
    public void ToRequest_AnyNameAndAddress_SameBytesOrSameRefusalAsXElement()
    {
        // Any character at all: rare ones, markup, quotes, controls, line breaks, noncharacters, lone surrogates.
        var text = Gen.Frequency(
            (8, ResidentText.Text(30)),
            (2, Gen.OneOf("<", ">", "&", "\"", "'", "\r\n", "\r", "\n", "\t", "\uD840", "\uDC00", "\u2028", "\u0085", "\uFFFE", "]]>", "&amp;")
                .SelectMany(token => ResidentText.Text(10).Select(rest => rest + token + rest))));
        Gen.Select(Gen.Int[0, GaTestData.ItemCodes.Length - 1], text, text).Sample(t =>
        {
            var (code, name, address) = (GaTestData.ItemCodes[t.Item1], t.Item2, t.Item3);
            var form = GaTestData.Form(code);
            foreach (var field in new[] { "currentAddress", "propertyAddress" })
            {
                if (form.ContainsKey(field))
                {
                    form[field] = address;
                }
            }

            var application = GaTestData.Application(code, form: form, applicant: GaTestData.Applicant with { Name = name });

            Assert.Equal(Outcome(() => PublicSecurityTranslator.ToRequestThroughXElement(application)), Outcome(() => PublicSecurityTranslator.ToRequest(application)));
        }, iter: 3000);
    }

    private static string Outcome(Func<byte[]> translate)
    {
        try
        {
            return Convert.ToBase64String(translate());
        }
        catch (PublicSecurityFormatException e)
        {
            return $"refused: {e.Message}";
        }
    }
}
