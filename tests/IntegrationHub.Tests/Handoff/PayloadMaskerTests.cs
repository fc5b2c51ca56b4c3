using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using IntegrationHub.Handoff;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Departments.SocialSecurity;
using IntegrationHub.Tests.Privacy;

namespace IntegrationHub.Tests.Handoff;

/// <summary>The payloads kept on the timeline are masked by each department's declaration, by walking their structure.</summary>
public sealed class PayloadMaskerTests
{
    private static readonly PayloadMasker Masker = new([new PublicSecurityPersonalData(), new HousingPersonalData(), new SocialSecurityPersonalData()]);

    [Theory]
    [MemberData(nameof(WirePayloads.OnlineItems), MemberType = typeof(WirePayloads))]
    public void Mask_EveryItemsRequest_LeavesNoPersonalValueAndTheSameStructure(string code)
    {
        var application = WirePayloads.Application(code);
        var department = WirePayloads.Department(code);
        var payload = WirePayloads.Request(application);

        var masked = Masker.Mask(department, payload)!;

        AssertHoldsNone(masked, WirePayloads.PersonalValues(application));
        var before = WirePayloads.Leaves(department, payload);
        var after = WirePayloads.Leaves(department, masked);
        Assert.Equal(before.Select(l => l.Name), after.Select(l => l.Name));
        Assert.Contains(application.HandoffKey, masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_XmlWhoseValuesSerialisationChanged_MasksThemWhereTheySit()
    {
        // XML escapes < > & and writes CR as a character reference: text a search for the submitted value would not find.
        var form = WirePayloads.Form("GA-001");
        form["currentAddress"] = "徐州市鼓楼区中山北路<1号>&\r\n3单元201室";
        form["landlordName"] = "O'Brien&李";
        var application = WirePayloads.Application("GA-001", form);
        var payload = WirePayloads.Request(application);
        Assert.Contains("&amp;", payload, StringComparison.Ordinal);

        var masked = Masker.Mask("GA", payload)!;

        foreach (var part in new[] { "中山北路", "&lt;1号&gt;", "3单元201室", "Brien", "&amp;李" })
        {
            Assert.DoesNotContain(part, masked, StringComparison.Ordinal);
        }

        var root = XElement.Parse(masked[masked.IndexOf("<Request", StringComparison.Ordinal)..]);
        Assert.Equal("徐州市鼓楼区****", root.Descendants("XZZ").Single().Value);
        Assert.Equal("O********", root.Descendants("FZXM").Single().Value);
        Assert.Equal("320302198001011239".Length, root.Descendants("FZGMSFHM").Single().Value.Length);
    }

    [Fact]
    public void Mask_JsonStringBodyWithEscapedValues_MasksInsideTheBodyString()
    {
        var form = WirePayloads.Form("RS-001");
        form["address"] = "徐州市鼓楼区\"幸福\"小区\\3号楼\n东单元";
        var application = WirePayloads.Application("RS-001", form);
        var payload = WirePayloads.Request(application);

        var masked = Masker.Mask("RS", payload)!;

        foreach (var part in new[] { "幸福", "3号楼", "东单元", "320302198506121230", "13912345678", "19850612" })
        {
            Assert.DoesNotContain(part, masked, StringComparison.Ordinal);
        }

        var body = JsonNode.Parse(JsonNode.Parse(masked)!["body"]!.GetValue<string>())!;
        Assert.Equal("徐州市鼓楼区****", body["AAE006"]!.GetValue<string>());
        Assert.Equal("3203**********1230", body["AAC002"]!.GetValue<string>());
        Assert.Equal("170", body["AAE140"]!.GetValue<string>());
    }

    [Fact]
    public void Mask_HousingCertificateAnswer_HidesAddressesAndCertificateNumbers()
    {
        var answer = """
            {"ticket_no":"FG-20261128-000123","status":"completed","result":{"certificate_no":"FGZM20261128000123",
             "properties":[{"address":"江苏省徐州市鼓楼区黄楼街道中山北路218号中山名苑6号楼1单元1202室","area_sqm":89.47,
             "property_cert_no":"苏(2020)徐州市不动产权第0058713号"}]}}
            """;

        var masked = JsonNode.Parse(Masker.Mask("FG", answer)!)!;

        Assert.Equal("FG-20261128-000123", masked["ticket_no"]!.GetValue<string>());
        Assert.Equal("FG**************23", masked["result"]!["certificate_no"]!.GetValue<string>());
        var property = masked["result"]!["properties"]![0]!;
        Assert.Equal("江苏省徐州市****", property["address"]!.GetValue<string>());
        Assert.Equal("苏(" + new string('*', 19) + "3号", property["property_cert_no"]!.GetValue<string>());
        Assert.Equal(89.47m, property["area_sqm"]!.GetValue<decimal>());
    }

    [Fact]
    public void Mask_CertificateAnswerOfTheGateway_HidesNumberAndVerificationCode()
    {
        var body = """{"AAZ002":"RS3203002026112800017","ZMBH":"ZM32030020261128000017","YZM":"9f3a71c2"}""";
        var answer = new JsonObject { ["head"] = new JsonObject { ["ret_code"] = "0001", ["ret_msg"] = "成功" }, ["body"] = body }.ToJsonString();

        var masked = JsonNode.Parse(JsonNode.Parse(Masker.Mask("RS", answer)!)!["body"]!.GetValue<string>())!;

        Assert.Equal("RS3203002026112800017", masked["AAZ002"]!.GetValue<string>());
        Assert.Equal("ZM******************17", masked["ZMBH"]!.GetValue<string>());
        Assert.Equal("9f****c2", masked["YZM"]!.GetValue<string>());
    }

    [Fact]
    public void Mask_UndeclaredTextQuotingAnIdOrPhone_IsCaughtByTheSafetyNet()
    {
        var answer = "<Response><Code>2001</Code><Message>GMSFHM 11010519491231002X 与 13812345678 不符</Message></Response>";

        var masked = Masker.Mask("GA", answer)!;

        Assert.Equal("<Response><Code>2001</Code><Message>GMSFHM 1101**********002X 与 138****5678 不符</Message></Response>", masked);
    }

    [Fact]
    public void Mask_DigitRunsInsideHexIds_AreLeftAlone()
    {
        var xml = "<R><LSH>01a2237123456789012345679129efe7</LSH><SLBH>GA13912340000x</SLBH><X>13912345678</X></R>";

        var masked = Masker.Mask("GA", xml)!;

        Assert.Contains("<LSH>01a2237123456789012345679129efe7</LSH>", masked, StringComparison.Ordinal);
        Assert.Contains("GA13912340000x", masked, StringComparison.Ordinal);
        Assert.Contains("<X>139****5678</X>", masked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GA", "<html><body>502 Bad Gateway 张三 11010519491231002X</body>")]
    [InlineData("FG", "<html>502 张三</html>")]
    [InlineData("RS", "{\"head\":{\"ret_code\":\"0000\"},\"body\":\"{not json 张三\"}")]
    [InlineData("XX", "{\"name\":\"张三\"}")]
    public void Mask_PayloadNotInTheDepartmentsFormat_IsWithheld(string department, string payload)
    {
        var masked = Masker.Mask(department, payload)!;

        Assert.DoesNotContain("张三", masked, StringComparison.Ordinal);
        Assert.StartsWith("(withheld:", masked, StringComparison.Ordinal);
    }

    private static void AssertHoldsNone(string text, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
            Assert.DoesNotContain(JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(), text, StringComparison.Ordinal);
        }
    }
}
