using IntegrationHub.Applications;

namespace IntegrationHub.Tests.Applications;

public sealed class CitizenIdTests
{
    [Fact]
    public void TryParse_DocumentExample_DerivesFemaleAndBirthDate()
    {
        Assert.True(CitizenId.TryParse("11010519491231002X", out var sex, out var birth, out _));
        Assert.Equal("2", sex);
        Assert.Equal(new DateOnly(1949, 12, 31), birth);
    }

    [Theory]
    [InlineData("110105194912310021", "check digit")]
    [InlineData("11010519491231002x", "18 characters")]
    [InlineData("1101051949123100", "18 characters")]
    public void TryParse_BrokenNumber_SaysWhy(string id, string reason)
    {
        Assert.False(CitizenId.TryParse(id, out _, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ValidCheckDigitButNoSuchDay_SaysBirthDate()
    {
        var id = WithCheckDigit("11010519491331002");

        Assert.False(CitizenId.TryParse(id, out _, out _, out var error));
        Assert.Contains("birth date", error, StringComparison.Ordinal);
    }

    private static string WithCheckDigit(string body)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        return body + "10X98765432"[body.Select((c, i) => (c - '0') * weights[i]).Sum() % 11];
    }

    [Fact]
    public void TryParse_OddSequence_IsMale()
    {
        Assert.True(CitizenId.TryParse(WithCheckDigit("32030219900101123"), out var sex, out _, out _));
        Assert.Equal("1", sex);
    }
}
