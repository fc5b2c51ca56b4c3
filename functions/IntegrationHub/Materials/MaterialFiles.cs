using System.Globalization;
using System.Security.Cryptography;
using IntegrationHub.Catalog;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using UglyToad.PdfPig;

namespace IntegrationHub.Materials;

/// <summary>A material's bytes as checked: the type its bytes are, their size and hash, and its pages (PDF) or pixels (image).</summary>
internal sealed record CheckedFile(string MediaType, long Size, string Sha256Hex, int? Pages, long? Pixels);

/// <summary>
/// Judges a material by its bytes, never by the declared type or file name: the first bytes must be a JPEG, PNG or PDF
/// signature and the decoder (ImageSharp's identify, which reads the header only, or PdfPig) must agree. The bytes are
/// kept as sent: a department checks the hash of what it receives, so nothing is re-encoded.
/// </summary>
internal static class MaterialFiles
{
    // Identify only, and only the image formats the departments take.
    private static readonly Configuration Decoders = new(new JpegConfigurationModule(), new PngConfigurationModule());

    /// <summary>The type the bytes begin like, or null.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xFF, 0xD8, 0xFF, ..] => CatalogMaterials.Jpeg,
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => CatalogMaterials.Png,
        [(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', ..] => CatalogMaterials.Pdf,
        _ => null,
    };

    /// <summary>The checked file, or why it is refused (a sentence for the problem that names the part).</summary>
    public static (CheckedFile? File, string? Refusal) Check(byte[] bytes, long maxBytes, string? declaredType)
    {
        if (bytes.Length == 0)
        {
            return (null, "is empty.");
        }

        if (bytes.Length > maxBytes)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"is {bytes.Length} bytes; this material may have at most {maxBytes} bytes."));
        }

        if (Sniff(bytes) is not { } sniffed)
        {
            return (null, "is not a JPEG, PNG or PDF file (judged by its bytes, not by its name or declared type).");
        }

        // A declared type is a claim about the bytes; one that disagrees means the sender mislabelled the file.
        if (declaredType is { Length: > 0 } declared && declared != "application/octet-stream" && !declared.Equals(sniffed, StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"is declared as {declared} but its bytes are {sniffed}.");
        }

        var (pages, pixels, refusal) = sniffed == CatalogMaterials.Pdf ? Pages(bytes) : Pixels(bytes, sniffed);
        return refusal is not null
            ? (null, refusal)
            : (new CheckedFile(sniffed, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), pages, pixels), null);
    }

    private static (int?, long?, string?) Pixels(byte[] bytes, string sniffed)
    {
        try
        {
            var info = Image.Identify(Decoders, bytes, out IImageFormat? format);
            if (info is null || format is null || !format.MimeTypes.Contains(sniffed, StringComparer.OrdinalIgnoreCase))
            {
                return (null, null, $"begins like {sniffed} but is not a readable image.");
            }

            var pixels = (long)info.Width * info.Height;
            return info.Width < 1 || info.Height < 1 || pixels > CatalogMaterials.MaxPixels
                ? (null, null, string.Create(CultureInfo.InvariantCulture,
                    $"is {info.Width}×{info.Height} pixels; an image may have at most {CatalogMaterials.MaxPixels / 1_000_000} million pixels."))
                : (null, pixels, null);
        }
        catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or InvalidImageContentException or NotSupportedException
            or InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            // As in Suggestions/SuggestionPhotos: ImageSharp 2.1 throws these on crafted headers (NullReferenceException included).
            return (null, null, $"begins like {sniffed} but is not a readable image.");
        }
    }

    private static (int?, long?, string?) Pages(byte[] bytes)
    {
        try
        {
            using var document = PdfDocument.Open(bytes);
            var pages = document.NumberOfPages;
            return pages < 1 || pages > CatalogMaterials.MaxPages
                ? (null, null, string.Create(CultureInfo.InvariantCulture, $"has {pages} pages; a PDF may have 1 to {CatalogMaterials.MaxPages} pages."))
                : (pages, null, null);
        }
#pragma warning disable CA1031 // PdfPig's parser throws many exception types on broken files; all of them mean "not a readable PDF"
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
#pragma warning restore CA1031
        {
            return (null, null, "begins like application/pdf but is not a readable PDF.");
        }
    }
}
