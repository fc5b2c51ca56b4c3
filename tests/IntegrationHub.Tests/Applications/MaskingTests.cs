using IntegrationHub.Applications;

namespace IntegrationHub.Tests.Applications;

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
}
