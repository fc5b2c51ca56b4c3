using System.Text;

namespace IntegrationHub.Tests.Departments;

/// <summary>Small files whose first bytes are what a department reads their type from.</summary>
internal static class SandboxFiles
{
    public static byte[] Png(int seed = 1) =>
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Encoding.ASCII.GetBytes($"IHDR sample {seed}")];

    public static byte[] Jpeg(int seed = 1) => [0xFF, 0xD8, 0xFF, 0xE0, .. Encoding.ASCII.GetBytes($"JFIF sample {seed}")];

    public static byte[] Pdf(int seed = 1) => Encoding.ASCII.GetBytes($"%PDF-1.7\n% sample {seed}\n%%EOF\n");

    /// <summary>A PNG one byte over <paramref name="limit"/>.</summary>
    public static byte[] PngOver(long limit)
    {
        var bytes = new byte[limit + 1];
        Png().CopyTo(bytes, 0);
        return bytes;
    }
}
