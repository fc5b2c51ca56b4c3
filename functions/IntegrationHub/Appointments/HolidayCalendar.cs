using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IntegrationHub.Appointments;

/// <summary>What the State Council's arrangement says of one day.</summary>
internal enum DayKind
{
    /// <summary>An ordinary day: the hall's opening hours for its weekday apply.</summary>
    Ordinary,

    /// <summary>A public holiday (放假): the hall is closed.</summary>
    Holiday,

    /// <summary>A make-up working day (调休上班) on a weekend: the hall opens as on a working day.</summary>
    MakeUpWorkday,

    /// <summary>The year's arrangement is not loaded: nothing is offered rather than guessing.</summary>
    Unknown,
}

/// <summary>
/// The public holidays and make-up working days, one embedded file per year (<c>Catalog/Holidays/{year}.json</c>, format in
/// docs/appointments.md). Next year's arrangement is a new file, no code. Each file is checked at start: dates inside its
/// year, holiday spans as long as the notice says, and every make-up day on the weekday the notice names.
/// </summary>
internal sealed class HolidayCalendar
{
    private const string Prefix = "catalog/holidays/";

    private readonly FrozenDictionary<DateOnly, (DayKind Kind, string Name)> _days;
    private readonly FrozenSet<int> _years;

    private HolidayCalendar(Dictionary<DateOnly, (DayKind, string)> days, IEnumerable<int> years)
    {
        _days = days.ToFrozenDictionary();
        _years = years.ToFrozenSet();
    }

    public IReadOnlyCollection<int> Years => _years;

    /// <summary>The kind of <paramref name="date"/> and, for a holiday or make-up day, the festival it belongs to.</summary>
    public (DayKind Kind, string? Name) Of(DateOnly date) =>
        !_years.Contains(date.Year) ? (DayKind.Unknown, null)
        : _days.TryGetValue(date, out var day) ? day
        : (DayKind.Ordinary, null);

    public static HolidayCalendar LoadEmbedded()
    {
        var assembly = typeof(HolidayCalendar).Assembly;
        var files = assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(name =>
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            return (name[Prefix.Length..], reader.ReadToEnd());
        });
        return Parse(files);
    }

    /// <summary>Parses and checks year files (file name, text); a fault names the file and the entry.</summary>
    public static HolidayCalendar Parse(IEnumerable<(string File, string Json)> files)
    {
        var days = new Dictionary<DateOnly, (DayKind, string)>();
        var years = new List<int>();
        var faults = new List<string>();
        foreach (var (file, json) in files)
        {
            YearFile? year;
            try
            {
                year = JsonSerializer.Deserialize(json, HolidayJsonContext.Default.YearFile);
            }
            catch (JsonException e)
            {
                faults.Add($"{file}: not in the documented format: {e.Message}");
                continue;
            }

            if (year is null || year.Source is null || string.IsNullOrWhiteSpace(year.Source.Title) || string.IsNullOrWhiteSpace(year.Source.Published))
            {
                faults.Add($"{file}: year, source (title, issuedBy, issuedOn, published), holidays and workdays are required.");
                continue;
            }

            if (file != $"{year.Year.ToString(CultureInfo.InvariantCulture)}.json")
            {
                faults.Add($"{file}: a year's file is named after its year ({year.Year}.json).");
            }

            years.Add(year.Year);
            foreach (var h in year.Holidays)
            {
                var span = h.To.DayNumber - h.From.DayNumber + 1;
                if (h.From.Year != year.Year || h.To.Year != year.Year || span != h.Days || string.IsNullOrWhiteSpace(h.Name))
                {
                    faults.Add($"{file} holiday {h.Name}: from and to must fall in {year.Year} and span the {h.Days} days the notice states.");
                    continue;
                }

                for (var d = h.From; d <= h.To; d = d.AddDays(1))
                {
                    if (!days.TryAdd(d, (DayKind.Holiday, h.Name)))
                    {
                        faults.Add($"{file}: {d:yyyy-MM-dd} is listed twice.");
                    }
                }
            }

            foreach (var w in year.Workdays)
            {
                var weekday = w.Date.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)w.Date.DayOfWeek;
                if (w.Date.Year != year.Year || weekday != w.Weekday || weekday < 6)
                {
                    faults.Add($"{file} workday {w.Date:yyyy-MM-dd}: must fall in {year.Year} on the weekend day the notice names (weekday {w.Weekday}, the date is a {weekday}).");
                }
                else if (!days.TryAdd(w.Date, (DayKind.MakeUpWorkday, w.For)))
                {
                    faults.Add($"{file}: {w.Date:yyyy-MM-dd} is listed twice.");
                }
            }
        }

        return faults.Count == 0 ? new HolidayCalendar(days, years) : throw new InvalidOperationException(string.Join(Environment.NewLine, faults));
    }

    internal sealed record YearFile(int Year, SourceOf Source, IReadOnlyList<Holiday> Holidays, IReadOnlyList<Workday> Workdays, IReadOnlyList<string>? Notes);

    internal sealed record SourceOf(string Title, string IssuedBy, string IssuedOn, string Published, string? Checked);

    internal sealed record Holiday(string Name, DateOnly From, DateOnly To, int Days, string Notice);

    internal sealed record Workday(DateOnly Date, int Weekday, string For);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(HolidayCalendar.YearFile))]
internal sealed partial class HolidayJsonContext : JsonSerializerContext;
