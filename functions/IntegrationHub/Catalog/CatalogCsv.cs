using System.Text;

namespace IntegrationHub.Catalog;

internal sealed record CatalogRow(string Code, string NameZh, string NameEn, string Department, bool Online, string Description);

/// <summary>Reads the city's item list (RFC 4180: quoted fields may hold commas and doubled quotes).</summary>
internal static class CatalogCsv
{
    public static IReadOnlyList<CatalogRow> Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = SplitLine(lines[0]);
        string[] expected = ["code", "name_zh", "name_en", "department", "online_capable", "description"];
        if (!header.SequenceEqual(expected))
        {
            throw new FormatException($"Unexpected catalog header: {lines[0]}");
        }

        return [.. lines.Skip(1).Select(SplitLine).Select(f => f.Count == 6
            ? new CatalogRow(f[0], f[1], f[2], f[3], f[4] == "Y", f[5])
            : throw new FormatException($"Catalog row has {f.Count} fields: {string.Join(',', f)}"))];
    }

    private static List<string> SplitLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
