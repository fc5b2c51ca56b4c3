using System.Text;
using IntegrationHub.Http;

namespace IntegrationHub.Tests.Http;

/// <summary>Strict parsing names where a body is broken, as the problem's field: the path of the value, or body.</summary>
public sealed class StrictJsonTests
{
    [Theory]
    [InlineData("""{"a\ud800":1}""", "body", "property name")]
    [InlineData("""{"form":{"x":1,"b\udc00":2}}""", "body", "property name")] // found while parsing, before any path is known
    [InlineData("""{"form":{"tenants":[{"name":"ok"},{"name":"\ud800"}]}}""", "form.tenants[1].name", "Unicode text")]
    [InlineData("""["ok","\udfb7\ud842"]""", "body[1]", "Unicode text")]
    [InlineData("""{"a":{"b":[[1e29]]}}""", "a.b[0][0]", "outside the range")]
    [InlineData("""{"a.b":{"c":"\ud800"}}""", "a.b.c", "Unicode text")]
    public void TryParse_UnreadableValue_NamesItsPath(string json, string field, string reason)
    {
        Assert.False(StrictJson.TryParse(Encoding.UTF8.GetBytes(json), out var node, out var error));
        Assert.Null(node);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_EscapedTextAndPairedSurrogates_Accepted()
    {
        var json = """{"name":"\u5f20\ud842\udfb7 \"q\" \\ 𠮷","n":[1.50,-0,7.9e28]}""";

        Assert.True(StrictJson.TryParse(Encoding.UTF8.GetBytes(json), out var node, out _));
        Assert.Equal("张𠮷 \"q\" \\ 𠮷", node!["name"]!.GetValue<string>());
    }

    [Fact]
    public void TryParse_FirstBrokenValueInDocumentOrder_IsTheOneNamed()
    {
        var json = """{"a":[1,"\ud800"],"b":1e30}""";

        Assert.False(StrictJson.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Equal("a[1]", error.Field);
    }
}
