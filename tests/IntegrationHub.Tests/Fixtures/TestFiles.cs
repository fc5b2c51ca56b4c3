using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>Real files for materials (issue 11): a PDF with a correct cross-reference table, PNG and JPEG from ImageSharp.</summary>
public static class TestFiles
{
    /// <summary>A valid PDF of <paramref name="pages"/> empty A4 pages; <paramref name="marker"/> makes its bytes (and hash) distinct.</summary>
    public static byte[] Pdf(int pages = 1, string marker = "material") => IntegrationHub.Soak.SamplePdf.Create(pages, marker);

    public static byte[] Png(int width = 8, int height = 8, byte shade = 200)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(shade, shade, shade));
        using var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }

    public static byte[] Jpeg(int width = 8, int height = 8, byte shade = 120)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(shade, shade, shade));
        using var output = new MemoryStream();
        image.SaveAsJpeg(output);
        return output.ToArray();
    }
}
