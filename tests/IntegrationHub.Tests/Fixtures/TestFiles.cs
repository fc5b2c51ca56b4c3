using System.Globalization;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>Real files for materials (issue 11): a PDF with a correct cross-reference table, PNG and JPEG from ImageSharp.</summary>
public static class TestFiles
{
    /// <summary>A valid PDF of <paramref name="pages"/> empty A4 pages; <paramref name="marker"/> makes its bytes (and hash) distinct.</summary>
    public static byte[] Pdf(int pages = 1, string marker = "material")
    {
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            $"<< /Type /Pages /Kids [{string.Join(' ', Enumerable.Range(0, pages).Select(i => $"{i + 3} 0 R"))}] /Count {pages} >>",
        };
        objects.AddRange(Enumerable.Range(0, pages).Select(_ => "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"));
        var pdf = new StringBuilder($"%PDF-1.4\n% {marker}\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(pdf.ToString()));
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.ASCII.GetByteCount(pdf.ToString());
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

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
