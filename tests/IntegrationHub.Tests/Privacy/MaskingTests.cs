using IntegrationHub.Privacy;

namespace IntegrationHub.Tests.Privacy;

public sealed class MaskingTests
{
    [Fact]
    public void Masks_FollowTheCityFormat()
    {
        Assert.Equal("3203**********1234", Masking.IdNumber("320302199001011234"));
        Assert.Equal("张*", Masking.Name("张三"));
        Assert.Equal("欧**", Masking.Name("欧阳娜"));
        Assert.Equal("138****1234", Masking.Phone("13812341234"));
    }

    [Fact]
    public void Name_RareCharacterOutsideTheBmp_StaysWhole()
    {
        Assert.Equal("𠈌*", Masking.Name("𠈌明"));
    }

    [Theory]
    [InlineData("徐州市鼓楼区𠮷祥路1号", "徐州市鼓楼区****")]
    [InlineData("徐州市鼓楼𠮷祥路1号", "徐州市鼓楼𠮷****")]
    [InlineData("𪚥𪚥𪚥𪚥𪚥𪚥𪚥", "𪚥𪚥𪚥𪚥𪚥𪚥****")]
    public void Address_RareCharacterAtTheCut_StaysWhole(string address, string masked)
    {
        Assert.Equal(masked, Masking.Address(address));
    }

    [Fact]
    public void Masks_NeverSplitASurrogatePair()
    {
        foreach (var value in new[] { "𠮷", "𠮷𠮷", "𠮷a𠮷", "1𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷2", "\ud800" })
        {
            foreach (var masked in new[] { Masking.Name(value), Masking.Address(value), Masking.IdNumber(value), Masking.Phone(value), Masking.Number(value) })
            {
                for (var i = 0; i < masked.Length; i++)
                {
                    Assert.False(char.IsHighSurrogate(masked[i]) && (i + 1 == masked.Length || !char.IsLowSurrogate(masked[i + 1])), $"{value} -> {masked}");
                    Assert.False(char.IsLowSurrogate(masked[i]) && (i == 0 || !char.IsHighSurrogate(masked[i - 1])), $"{value} -> {masked}");
                }
            }
        }
    }
}
