using System.ComponentModel.DataAnnotations;
using IntegrationHub.Telemetry;

namespace IntegrationHub.Tests.Telemetry;

public sealed class TelemetryOptionsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:18888/traces/detail/{traceId}", true)]
    [InlineData("https://viewer.example/trace?id={traceId}", true)]
    [InlineData("http://127.0.0.1:18888/traces/detail/", false)]
    [InlineData("/traces/{traceId}", false)]
    [InlineData("ftp://viewer.example/{traceId}", false)]
    public void TraceViewUrl_Shape_AcceptedOnlyAsAbsoluteHttpWithPlaceholder(string url, bool valid)
    {
        var options = new TelemetryOptions { TraceViewUrl = url };

        Assert.Equal(valid, !options.Validate(new ValidationContext(options)).Any());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("0af7651916cd43dd8448eb211c80319c", "http://v/t/0af7651916cd43dd8448eb211c80319c")]
    [InlineData("0AF7651916CD43DD8448EB211C80319C", null)]
    [InlineData("\"><script>", null)]
    public void TraceLink_TraceId_OnlyAW3cTraceIdBecomesALink(string? traceId, string? link) =>
        Assert.Equal(link, new TelemetryOptions { TraceViewUrl = "http://v/t/{traceId}" }.TraceLink(traceId));

    [Fact]
    public void TraceLink_NoTraceView_NoLink() =>
        Assert.Null(new TelemetryOptions().TraceLink("0af7651916cd43dd8448eb211c80319c"));
}
