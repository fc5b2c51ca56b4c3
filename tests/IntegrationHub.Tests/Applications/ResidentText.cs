using System.Globalization;
using System.Text;
using CsCheck;

namespace IntegrationHub.Tests.Applications;

/// <summary>
/// Generators for what residents (and careless or hostile clients) type: rare characters of every CJK extension, the
/// middle dots of minority names, compatibility ideographs, private-use characters, emoji and combining marks, mixed
/// with white space, control characters, noncharacters and invisible format characters; and any scalar value at all.
/// </summary>
internal static class ResidentText
{
    /// <summary>One sample character from each CJK extension the brief names, and the middle dot of minority names.</summary>
    public static readonly string[] Extensions =
    [
        "𠮷", // U+20BB7, Extension B
        "𪚥", // U+2A6A5, Extension B
        "\U0002A700", // Extension C
        "\U0002B740", // Extension D
        "\U0002B820", // Extension E
        "\U0002CEB0", // Extension F
        "\U00030000", // Extension G
        "·", // U+00B7, the middle dot in minority names (阿依古丽·买买提)
    ];

    // Code point ranges, by what they are to a resident.
    private static readonly (int First, int Last)[] Rare =
    [
        (0x20000, 0x2A6DF), // Extension B
        (0x2A700, 0x2B73F), // C
        (0x2B740, 0x2B81F), // D
        (0x2B820, 0x2CEAF), // E
        (0x2CEB0, 0x2EBEF), // F
        (0x30000, 0x3134F), // G
        (0x31350, 0x323AF), // H
        (0x3400, 0x4DBF), // Extension A
        (0xF900, 0xFAFF), // compatibility ideographs (kept as sent: no NFC)
        (0x2F800, 0x2FA1F), // compatibility supplement
        (0xE000, 0xF8FF), // private use (older registers put rare characters there)
        (0xF0000, 0xFFFFD), // supplementary private use
    ];

    private static readonly int[] Dots = [0x00B7, 0x30FB, 0x2022, 0xFF65, 0x2027];

    private static readonly int[] Hostile =
    [
        0x0000, 0x0001, 0x0007, 0x0009, 0x000A, 0x000D, 0x001F, 0x007F, 0x0085, 0x009F, // controls
        0xFFFE, 0xFFFF, 0xFDD0, 0xFDEF, 0x1FFFE, 0x10FFFF, // noncharacters
        0x200B, 0x200D, 0x200E, 0x202E, 0xFEFF, 0x2060, 0x00AD, // invisible format characters
        0x2028, 0x2029, // line and paragraph separators
    ];

    private static readonly int[] Spaces = [0x0020, 0x3000, 0x00A0, 0x2003, 0x202F];

    /// <summary>One Unicode scalar value, weighted towards what names and addresses hold.</summary>
    public static Gen<string> Character { get; } = Gen.Frequency(
        (30, Gen.Int[0x4E00, 0x9FFF].Select(Scalar)),
        (25, Gen.Int[0, Rare.Length - 1].SelectMany(r => Gen.Int[Rare[r].First, Rare[r].Last]).Select(Scalar)),
        (4, Gen.Int[0, Dots.Length - 1].Select(i => Scalar(Dots[i]))),
        (8, Gen.Int[0x20, 0x7E].Select(Scalar)),
        (5, Gen.Int[0, Spaces.Length - 1].Select(i => Scalar(Spaces[i]))),
        (4, Gen.Int[0, Hostile.Length - 1].Select(i => Scalar(Hostile[i]))),
        (2, Gen.Int[0x1F300, 0x1FAFF].Select(Scalar)),
        (2, Gen.Int[0x0300, 0x036F].Select(Scalar)),
        (8, Gen.Int[0, 0x10FFFF].Where(c => c is < 0xD800 or > 0xDFFF).Select(Scalar)));

    /// <summary>A text of 0–<paramref name="max"/> characters.</summary>
    public static Gen<string> Text(int max) => Character.Array[0, max].Select(string.Concat);

    /// <summary>A name as residents have them: common and rare Han characters, sometimes with a middle dot between parts.</summary>
    public static Gen<string> Name { get; } =
        Gen.Select(Gen.Int[1, 4], Gen.Int[0, 2], Gen.Int[0, 1 << 20]).Select(t =>
        {
            var random = new Random(t.Item3);
            var name = new StringBuilder();
            for (var part = 0; part <= t.Item2; part++)
            {
                if (part > 0)
                {
                    name.Append('·');
                }

                for (var i = 0; i < t.Item1; i++)
                {
                    name.Append(random.Next(3) == 0 ? Extensions[random.Next(Extensions.Length - 1)] : Scalar(random.Next(0x4E00, 0x9FA5)));
                }
            }

            return name.ToString();
        });

    private static string Scalar(int value) => char.ConvertFromUtf32(value);

    /// <summary>The code points of a text, for a failure message that shows what no font might.</summary>
    public static string Describe(string text) =>
        string.Join(' ', text.EnumerateRunes().Select(r => $"U+{r.Value.ToString("X4", CultureInfo.InvariantCulture)}"));
}
