using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Delivery;
using IntegrationHub.Departments;

namespace IntegrationHub.Tests.Delivery;

public sealed class PayloadMaskerTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly CanonicalApplication Application = new(
        "app1", "RS-001", "app1", DateTimeOffset.UnixEpoch,
        new Applicant("张三丰", "11010519491231002X", "13812345678", "01", "320302", "2", new DateOnly(1949, 12, 31)),
        new JsonObject { ["address"] = "徐州市鼓楼区\"幸福\"小区3号楼", ["householdMembers"] = new JsonArray(new JsonObject { ["name"] = "李四", ["idNumber"] = "320302198001011239" }) },
        [], null);

    [Fact]
    public void Mask_XmlPayload_HidesEveryPersonalValue()
    {
        var xml = "<SQR><GMSFHM>11010519491231002X</GMSFHM><XM>张三丰</XM><LXDH>13812345678</LXDH></SQR><ZH><XM>李四</XM><GMSFHM>320302198001011239</GMSFHM></ZH>";

        var masked = PayloadMasker.Mask(xml, Application)!;

        Assert.Contains("1101**********002X", masked, StringComparison.Ordinal);
        Assert.Contains("张**", masked, StringComparison.Ordinal);
        Assert.Contains("138****5678", masked, StringComparison.Ordinal);
        Assert.Contains("李*", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("张三丰", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("320302198001011239", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_EnvelopeWithBodyAsJsonString_HidesTheDoublyEscapedAddress()
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["AAE006"] = "徐州市鼓楼区\"幸福\"小区3号楼", ["AAC003"] = "张三丰" },
            Relaxed);
        var envelope = JsonSerializer.Serialize(new { head = new { trade_code = "RS1001" }, body }, Relaxed);

        var masked = PayloadMasker.Mask(envelope, Application)!;

        Assert.DoesNotContain("幸福", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("张三丰", masked, StringComparison.Ordinal);
        Assert.NotNull(JsonNode.Parse(masked));
    }

    [Fact]
    public void Mask_DigitRunsInsideHexIds_AreLeftAlone()
    {
        var xml = "<LSH>01a2237123456789012345679129efe7</LSH><SLBH>GA13912340000x</SLBH><X>13912345678</X>";

        var masked = PayloadMasker.Mask(xml, Application)!;

        Assert.Contains("<LSH>01a2237123456789012345679129efe7</LSH>", masked, StringComparison.Ordinal);
        Assert.Contains("GA13912340000x", masked, StringComparison.Ordinal);
        Assert.Contains("<X>139****5678</X>", masked, StringComparison.Ordinal);
    }
}
