using System.Text;
using IntegrationHub.Suggestions;
using SixLabors.ImageSharp;

namespace IntegrationHub.Tests.Suggestions;

public sealed class SuggestionPhotosTests
{
    [Fact]
    public void Clean_JpegWithGpsAndOwner_ReencodedWithoutAnyMetadata()
    {
        var original = Photos.JpegWithGps();
        Assert.NotNull(Image.Identify(original)!.Metadata.ExifProfile);

        var (photo, refusal) = SuggestionPhotos.Clean(original);

        Assert.Null(refusal);
        var info = Image.Identify(photo!.Jpeg)!;
        Assert.Null(info.Metadata.ExifProfile);
        Assert.Null(info.Metadata.XmpProfile);
        Assert.Null(info.Metadata.IptcProfile);
        Assert.Equal((640, 480), (photo.Width, photo.Height));
        Assert.DoesNotContain("HubTestCam", Encoding.Latin1.GetString(photo.Jpeg), StringComparison.Ordinal);
        Assert.Equal(-1, photo.Jpeg.AsSpan().IndexOf("Exif\0"u8));
    }

    [Theory]
    [InlineData("png")]
    [InlineData("webp")]
    public void Clean_PngOrWebP_BecomesJpeg(string kind)
    {
        var (photo, refusal) = SuggestionPhotos.Clean(kind == "png" ? Photos.Png() : Photos.WebP());

        Assert.Null(refusal);
        Assert.Equal("image/jpeg", SuggestionPhotos.Sniff(photo!.Jpeg));
    }

    [Fact]
    public void Clean_LargePhoto_ScaledToTheLongestEdge()
    {
        var (photo, _) = SuggestionPhotos.Clean(Photos.JpegWithGps(3000, 1500));

        Assert.Equal((SuggestionPhotos.MaxEdge, SuggestionPhotos.MaxEdge / 2), (photo!.Width, photo.Height));
    }

    [Theory]
    [InlineData("text", "is not a JPEG, PNG or WebP image")]
    [InlineData("gif", "is not a JPEG, PNG or WebP image")]
    [InlineData("jpeg-signature-then-garbage", "is not a readable image")]
    [InlineData("bomb", "million pixels")]
    [InlineData("empty", "is empty")]
    [InlineData("huge", "at most 5242880 bytes")]
    public void Clean_BytesThatAreNotAnAcceptablePhoto_Refused(string kind, string expected)
    {
        var bytes = kind switch
        {
            "text" => Encoding.UTF8.GetBytes("这不是照片，只是声称 image/jpeg 的文字"),
            "gif" => "GIF89a\u0001\0\u0001\0"u8.ToArray(),
            "jpeg-signature-then-garbage" => [0xFF, 0xD8, 0xFF, 0xE0, .. Encoding.ASCII.GetBytes(new string('x', 400))],
            "bomb" => Photos.PngBomb(),
            "empty" => [],
            _ => [.. Photos.JpegWithGps(), .. new byte[SuggestionPhotos.MaxBytes]],
        };

        var (photo, refusal) = SuggestionPhotos.Clean(bytes);

        Assert.Null(photo);
        Assert.Contains(expected, refusal, StringComparison.Ordinal);
    }
}
