using IntegrationHub.Bench;

namespace IntegrationHub.Tests.Bench;

/// <summary>wrk's --latency output as wrk 4.1 prints it.</summary>
public sealed class WrkTests
{
    private const string Output = """
        Running 15s test @ http://127.0.0.1:40001/floor
          2 threads and 50 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     2.10ms    3.52ms  61.27ms   91.12%
            Req/Sec    14.98k     2.01k   19.20k    71.00%
          Latency Distribution
             50%  845.00us
             75%    1.90ms
             90%    5.12ms
             99%   17.44ms
          447163 requests in 15.01s, 89.12MB read
        Requests/sec:  29791.27
        Transfer/sec:      5.94MB
        """;

    [Fact]
    public void Parse_LatencyOutput_RateAndPercentilesInMilliseconds()
    {
        var result = Wrk.Parse(50, Output)!;

        Assert.Equal(29791.27, result.Rate);
        Assert.Equal(0.845, result.P50, precision: 6);
        Assert.Equal(17.44, result.P99, precision: 6);
    }

    [Fact]
    public void Parse_NotWrksOutput_Null()
    {
        Assert.Null(Wrk.Parse(50, "unable to connect to 127.0.0.1:1 Connection refused"));
    }
}
