using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace IntegrationHub.Suggestions;

/// <summary>A photo as the hub keeps it: JPEG, re-encoded from the pixels alone, so no EXIF, GPS, XMP, IPTC or ICC survives.</summary>
internal sealed record CleanPhoto(byte[] Jpeg, int Width, int Height);

/// <summary>
/// Checks a resident's photo by its bytes and re-encodes it. The declared content type and file name are not trusted:
/// the first bytes must be a JPEG, PNG or WebP signature and the decoder must agree. The pixel count is read from the
/// header before anything is decoded, so a small file that claims a huge image (a decompression bomb) is refused
/// without allocating it. Photos larger than <see cref="MaxEdge"/> are scaled down: a broken lamp needs no more.
/// </summary>
internal static class SuggestionPhotos
{
    public const int MaxPhotos = 4;
    public const int MaxBytes = 5 * 1024 * 1024;
    public const int MaxPixels = 24_000_000;
    public const int MaxEdge = 2048;
    public const int Quality = 85;

    // Decoding only: the formats the hub accepts, nothing else (no GIF, BMP, TIFF, TGA, PBM).
    private static readonly Configuration Decoders = new(new JpegConfigurationModule(), new SixLabors.ImageSharp.Formats.Png.PngConfigurationModule(),
        new SixLabors.ImageSharp.Formats.Webp.WebpConfigurationModule());

    /// <summary>The kind of image the bytes begin with, or null.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };

    /// <summary>The clean photo, or why the bytes are refused (a sentence for the problem that names the part).</summary>
    public static (CleanPhoto? Photo, string? Refusal) Clean(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return (null, "is empty.");
        }

        if (bytes.Length > MaxBytes)
        {
            return (null, $"is {bytes.Length} bytes; a photo may have at most {MaxBytes} bytes ({MaxBytes / 1024 / 1024} MiB).");
        }

        if (Sniff(bytes) is not { } sniffed)
        {
            return (null, "is not a JPEG, PNG or WebP image (judged by its bytes, not by its declared type).");
        }

        try
        {
            var info = Image.Identify(Decoders, bytes, out IImageFormat? format);
            if (info is null || format is null || !format.MimeTypes.Contains(sniffed, StringComparer.OrdinalIgnoreCase))
            {
                return (null, $"begins like {sniffed} but is not a readable image.");
            }

            if (info.Width < 1 || info.Height < 1 || (long)info.Width * info.Height > MaxPixels)
            {
                return (null, $"is {info.Width}×{info.Height} pixels; a photo may have at most {MaxPixels / 1_000_000} million pixels.");
            }

            using var image = Image.Load<Rgb24>(Decoders, bytes);

            // Turn it upright as the camera meant, then drop every profile: the encoder writes only what is left.
            image.Mutate(x => x.AutoOrient());
            if (image.Width > MaxEdge || image.Height > MaxEdge)
            {
                image.Mutate(x => x.Resize(new ResizeOptions { Mode = ResizeMode.Max, Size = new Size(MaxEdge, MaxEdge) }));
            }

            image.Metadata.ExifProfile = null;
            image.Metadata.IptcProfile = null;
            image.Metadata.XmpProfile = null;
            image.Metadata.IccProfile = null;
            foreach (var frame in image.Frames)
            {
                frame.Metadata.ExifProfile = null;
                frame.Metadata.IptcProfile = null;
                frame.Metadata.XmpProfile = null;
                frame.Metadata.IccProfile = null;
            }

            using var output = new MemoryStream();
            image.SaveAsJpeg(output, new JpegEncoder { Quality = Quality });
            return (new CleanPhoto(output.ToArray(), image.Width, image.Height), null);
        }
        catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or InvalidImageContentException or NotSupportedException
            or InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            // Assumption: a decoder that throws on crafted bytes throws one of these; anything else is a hub fault and surfaces.
            // ImageSharp 2.1's JPEG Identify throws NullReferenceException on a JPEG signature followed by garbage (found by
            // the request sweep, CsCheck seed 9Kd8541_go58); only ImageSharp code runs in this try where that could happen.
            return (null, $"begins like {sniffed} but is not a readable image.");
        }
    }
}
