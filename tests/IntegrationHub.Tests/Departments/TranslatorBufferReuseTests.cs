using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Departments.SocialSecurity;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Departments.Housing;
using IntegrationHub.Tests.Departments.PublicSecurity;
using IntegrationHub.Tests.Departments.SocialSecurity;

namespace IntegrationHub.Tests.Departments;

/// <summary>
/// The translators keep their buffers per thread (公安's element list, 房管's JSON writer, 人社's field list and string
/// builder) and reuse them for the next message. Whatever the previous message on the thread was, a longer one or one
/// refused halfway through writing, the next is written exactly as a thread that never translated anything writes it.
/// </summary>
public sealed class TranslatorBufferReuseTests
{
    private const string HandoffKey = "0193e4b0c6d47a61b3f0a1d2c3b4a596";

    // A field each translator reads after it has started writing: the refusal leaves a half-written message behind.
    [Theory]
    [InlineData("GA-001", "landlordName")]
    [InlineData("GA-006", "leaseEnd")]
    [InlineData("FG-002", "address")]
    [InlineData("FG-001", "currentHousingAreaSqm")]
    [InlineData("RS-002", "evidenceRef")]
    [InlineData("RS-001", "contributionLevel")]
    public void ToRequest_AfterALongerAndARefusedMessage_SameAsOnAFreshThread(string code, string lateField)
    {
        var application = Application(code, Form(code));
        var expected = OnFreshThread(() => Translate(application));

        var longer = Application(code, Form(code), name: string.Concat(Enumerable.Repeat("阿依古丽·买买提𠮷", 40)));
        var broken = Form(code);
        Assert.True(broken.Remove(lateField), $"{code} has no {lateField}");

        var actual = OnFreshThread(() =>
        {
            Translate(longer);
            Assert.IsType(FormatError(code), Record.Exception(() => Translate(Application(code, broken))));
            return Translate(application);
        });

        Assert.Equal(expected, actual);
        Assert.Equal(expected, OnFreshThread(() => Translate(application)));
    }

    [Fact]
    public void SocialSecurityBody_AnyText_ReadsBackExactlyOrRefusedForALoneSurrogate()
    {
        // The builder appends a text with nothing to escape whole and walks the others character by character: both ways
        // must give JSON that reads back as the text, and only a lone surrogate (UTF-8 cannot carry it) is refused.
        var text = Gen.Frequency(
            (6, ResidentText.Text(40)),
            (3, Gen.OneOf("\"", "\\", "\n", "\r", "\t", "\u0001", "\u001F", "\u007F", "\u2028", "/", "<", "&", "'")
                .SelectMany(token => ResidentText.Text(8).Select(rest => rest + token + rest))),
            (1, Gen.OneOf("\uD840", "\uDC00", "a\uD840", "\uDC00b", "\uD840\uD840\uDC00").SelectMany(token => ResidentText.Text(8).Select(rest => token + rest))));
        var refused = 0;
        text.Where(t => !string.IsNullOrWhiteSpace(t)).Sample(value =>
        {
            string body;
            try
            {
                body = SocialSecurityTranslator.StringObject([("AAE006", value)]);
            }
            catch (SocialSecurityFormatException)
            {
                Assert.True(HasLoneSurrogate(value), $"refused a text without a lone surrogate: {ResidentText.Describe(value)}");
                Interlocked.Increment(ref refused);
                return;
            }

            Assert.False(HasLoneSurrogate(value), $"accepted a lone surrogate: {ResidentText.Describe(value)}");
            Assert.Equal(value, JsonDocument.Parse(body).RootElement.GetProperty("AAE006").GetString());
        }, iter: 3000);

        Assert.True(refused > 0, "no lone surrogate was generated: the refusal went untested");
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static Type FormatError(string code) => code[..2] switch
    {
        "GA" => typeof(PublicSecurityFormatException),
        "FG" => typeof(HousingFormatException),
        _ => typeof(SocialSecurityFormatException),
    };

    private static JsonObject Form(string code) => code[..2] switch
    {
        "GA" => GaTestData.Form(code),
        "FG" => FgTestData.Form(code),
        _ => RsTestData.Form(code),
    };

    private static CanonicalApplication Application(string code, JsonObject form, string? name = null) => code[..2] switch
    {
        "GA" => GaTestData.Application(code, form: form, lsh: HandoffKey, applicant: name is null ? null : GaTestData.Applicant with { Name = name }) with
        {
            ApplicationId = HandoffKey,
        },
        "FG" => FgTestData.Application(code, form: form, requestId: HandoffKey, applicant: name is null ? null : FgTestData.Applicant with { Name = name }) with
        {
            ApplicationId = HandoffKey,
        },
        _ => RsTestData.Application(code, form: form, transId: HandoffKey, applicant: name is null ? null : RsTestData.Applicant with { Name = name }) with
        {
            ApplicationId = HandoffKey,
        },
    };

    // The wire text of each department, as one comparable string.
    private static string Translate(CanonicalApplication application) => application.ItemCode[..2] switch
    {
        "GA" => Convert.ToBase64String(PublicSecurityTranslator.ToRequest(application)),
        "FG" => HousingTranslator.ToRequest(application),
        _ => SocialSecurityTranslator.Envelope(SocialSecurityTranslator.ToRequest(application), "320300SQPT", "20261128093000", "ABCDEF"),
    };

    // A thread of its own has none of the per-thread buffers yet.
    private static string OnFreshThread(Func<string> work)
    {
        string? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result! : throw new InvalidOperationException("The work failed on its thread.", failure);
    }
}
