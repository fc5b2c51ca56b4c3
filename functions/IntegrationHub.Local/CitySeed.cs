using System.Diagnostics;
using System.Globalization;
using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;

namespace IntegrationHub.Local;

/// <summary>What the load command searches a seeded application by (the same numbers every time for one index).</summary>
internal sealed record SeedSample(string ApplicationId, string Department, string? CaseNumber, string IdNumber, string Name);

/// <summary>
/// A whole city's applications written straight into storage (<c>./hub seed N</c>, or <see cref="SeedAsync"/> from the load
/// command): spread over the 19 online items of 公安, 房管 and 人社 and over the last 90 days (more by day than by night),
/// most of the older ones final, the recent ones still with the department, a few failed, held or in flight. Every row
/// the hub's own steps would have left is written (<see cref="SeedWriter"/>), so the portal answers from its counters
/// and index rows as it would after 90 days of traffic. The same index always gives the same application
/// (<see cref="Sample"/>), so the load command can search for ones that exist.
/// </summary>
/// <remarks>
/// Assumption: about 30% of applications come from someone who applied before (one ID number, several applications), the
/// split between departments is 公安 50%, 人社 30%, 房管 20%, and 1% of applications older than two days never got past the
/// department's receipt (they stay unacknowledged). Personal data is sealed only for the hand-offs still in flight (the
/// sweep may deliver them); the others keep their masks and keyed hashes only, as after retention, which keeps a million
/// rows within Azurite's memory.
/// </remarks>
internal static class CitySeed
{
    public const int DefaultConcurrency = 32;
    private const int ChunkSize = 5_000;
    private static readonly TimeSpan Span = TimeSpan.FromDays(90);

    private static readonly (string Department, double Share)[] Departments = [("GA", 0.5), ("RS", 0.3), ("FG", 0.2)];
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "𠈌", "堃", "喆", "昇"];

    /// <summary><c>seed N [concurrency]</c> from the command line, with the hub's own settings (storage, key for the hashes).</summary>
    public static async Task<int> RunAsync(string[] args, string[] settings)
    {
        if (args.Length is < 1 or > 2 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out var count) || count < 1
            || (args.Length == 2 && (!int.TryParse(args[1], CultureInfo.InvariantCulture, out _) || int.Parse(args[1], CultureInfo.InvariantCulture) < 1)))
        {
            await Console.Error.WriteLineAsync("usage: seed N [concurrency]");
            return 2;
        }

        var concurrency = args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : DefaultConcurrency;
        await using var app = LocalHub.Build(settings);
        await SeedAsync(app.Services, count, concurrency, Console.Out, CancellationToken.None);
        return 0;
    }

    /// <summary>Writes applications 0 … <paramref name="count"/> − 1 into the hub's storage; answers how many were new.</summary>
    public static async Task<long> SeedAsync(IServiceProvider services, int count, int concurrency, TextWriter? progress, CancellationToken cancellationToken)
    {
        var writer = services.GetRequiredService<SeedWriter>();
        var hasher = services.GetRequiredService<IdHasher>();
        var personal = services.GetRequiredService<PersonalData>();
        var catalog = services.GetRequiredService<ServiceCatalog>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var items = Departments.ToDictionary(d => d.Department, d => catalog.Entries
            .Where(e => e.Item.Online && e.Item.Department == d.Department).Select(e => e.Item.Code).Order(StringComparer.Ordinal).ToArray());
        var clock = Stopwatch.StartNew();
        long written = 0;
        for (var start = 0; start < count; start += ChunkSize)
        {
            var chunk = Enumerable.Range(start, Math.Min(ChunkSize, count - start))
                .Select(i => Application(i, now, items, hasher, personal)).ToList();
            written += await writer.WriteAsync(chunk, concurrency, cancellationToken);
            progress?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[seed] {start + chunk.Count:N0} of {count:N0} ({written:N0} new), {(start + chunk.Count) / clock.Elapsed.TotalSeconds:F0} applications/s"));
        }

        return written;
    }

    /// <summary>The keys of seeded application <paramref name="index"/>: what an operator would search it by.</summary>
    /// <remarks>The case number is null for the few whose hand-off failed; the last ten minutes' hand-offs in flight have none yet either.</remarks>
    public static SeedSample Sample(int index)
    {
        var draw = Draw(index);
        var person = Person(index);
        return new SeedSample(Id(index), draw.Department, draw.Roll < NeverDelivered ? null : CaseNumber(index, draw.Department), IdNumber(person), Name(person));
    }

    private sealed record Draws(string Department, int Item, int DaysAgo, int LocalHour, int Second, double Roll);

    // Every random choice of one application, in one order, from its index alone.
    private static Draws Draw(int index)
    {
        var random = new Random(index);
        return new Draws(Pick(random), random.Next(1000), random.Next((int)Span.TotalDays),
            random.NextDouble() < 0.75 ? 8 + random.Next(10) : (18 + random.Next(14)) % 24, random.Next(3600), random.NextDouble());
    }

    private static SeededApplication Application(int index, DateTimeOffset now, Dictionary<string, string[]> items, IdHasher hasher, PersonalData personal)
    {
        var draw = Draw(index);
        var department = draw.Department;
        var item = items[department][draw.Item % items[department].Length];
        var person = Person(index);
        var name = Name(person);
        var idNumber = IdNumber(person);

        // Uniform over the days, by day more than by night (08:00–18:00 local time, UTC+8, has three quarters).
        var day = now.UtcDateTime.Date.AddDays(-draw.DaysAgo);
        var submitted = new DateTimeOffset(day, TimeSpan.Zero).AddHours(draw.LocalHour - 8).AddSeconds(draw.Second);
        if (submitted > now)
        {
            submitted = now.AddSeconds(-draw.Second);
        }

        var age = now - submitted;
        var (status, handoff) = State(draw.Roll, age);
        var application = new ApplicationEntity
        {
            PartitionKey = Id(index),
            Platform = LocalHub.LocalPlatform,
            ItemCode = item,
            Department = department,
            HandoffKey = Id(index),
            Status = status,
            Handoff = handoff,
            ApplicantNameMasked = Masking.Name(name),
            IdNumberHash = hasher.Hash(idNumber),
            NameHash = hasher.HashName(name),
            BodyHash = "seed",
            SubmittedAt = submitted,
            UpdatedAt = submitted + (age / 2),
        };

        var timeline = new List<TimelineEntity> { new() { Kind = "received", Summary = "Received from the platform (seeded)", At = submitted } };
        if (handoff is HandoffState.Delivered or HandoffState.Resolved || status != ApplicationStatus.Submitted)
        {
            application.CaseNumber = CaseNumber(index, department);
            application.DeliveredAt = submitted.AddSeconds(1 + (draw.Second % 30));
            timeline.Add(Status(ApplicationStatus.Submitted, ApplicationStatus.Delivered, application.DeliveredAt.Value));
        }

        if (status is not (ApplicationStatus.Submitted or ApplicationStatus.Delivered))
        {
            application.LastReportAt = application.UpdatedAt;
            timeline.Add(Status(ApplicationStatus.Delivered, status, application.UpdatedAt));
        }

        if (StatusMachine.IsFinal(status) || handoff == HandoffState.Resolved)
        {
            application.ClosedAt = application.UpdatedAt;
        }

        if (handoff is HandoffState.Failed or HandoffState.Resolved)
        {
            application.LastFailedAt = submitted.AddMinutes(5);
            timeline.Add(new TimelineEntity { Kind = "handoff-failed", Summary = "Hand-off failed permanently: Invalid (seeded)", Outcome = "Invalid", At = application.LastFailedAt.Value });
        }

        if (StepEffects.InFlight(application))
        {
            // A hand-off still in flight may be delivered once the sweep finds it: it needs what the department is sent.
            var birth = DateOnly.ParseExact(idNumber.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture);
            var applicant = new Applicant(name, idNumber, "139" + (10_000_000 + person % 89_999_999).ToString(CultureInfo.InvariantCulture), "01", "320302",
                (idNumber[16] - '0') % 2 == 1 ? "1" : "2", birth);
            personal.Seal(application, new Submission(applicant, ServiceCatalog.ValidSample(item), []));
        }

        return new SeededApplication(application, timeline);
    }

    private const double NeverDelivered = 0.0035;

    private static (ApplicationStatus Status, HandoffState Handoff) State(double roll, TimeSpan age)
    {
        if (roll < 0.003)
        {
            return (ApplicationStatus.Submitted, HandoffState.Failed);
        }

        if (roll < NeverDelivered)
        {
            return (ApplicationStatus.Submitted, HandoffState.Resolved);
        }

        if (age < TimeSpan.FromMinutes(10))
        {
            return roll < 0.3 ? (ApplicationStatus.Submitted, HandoffState.Waiting)
                : roll < 0.32 ? (ApplicationStatus.Submitted, HandoffState.Retrying)
                : roll < 0.33 ? (ApplicationStatus.Submitted, HandoffState.Held)
                : (ApplicationStatus.Delivered, HandoffState.Delivered);
        }

        var status = age < TimeSpan.FromDays(2)
            ? roll switch { < 0.40 => ApplicationStatus.Delivered, < 0.70 => ApplicationStatus.Accepted, < 0.90 => ApplicationStatus.InReview, < 0.95 => ApplicationStatus.SupplementRequired, _ => ApplicationStatus.Approved }
            : roll switch { < 0.01 => ApplicationStatus.Delivered, < 0.02 => ApplicationStatus.SupplementRequired, < 0.05 => ApplicationStatus.Accepted, < 0.10 => ApplicationStatus.InReview, < 0.14 => ApplicationStatus.Rejected, < 0.20 => ApplicationStatus.Denied, _ => ApplicationStatus.Approved };
        return (status, HandoffState.Delivered);
    }

    private static TimelineEntity Status(ApplicationStatus from, ApplicationStatus to, DateTimeOffset at) =>
        StatusChanges.Entry(from, to, null, "seeded", at);

    private static string Pick(Random random)
    {
        var roll = random.NextDouble();
        foreach (var (department, share) in Departments)
        {
            if ((roll -= share) < 0)
            {
                return department;
            }
        }

        return Departments[^1].Department;
    }

    private static string Id(int index) => string.Create(CultureInfo.InvariantCulture, $"seed{index:D8}");

    private static string CaseNumber(int index, string department) => string.Create(CultureInfo.InvariantCulture, $"{department}SEED{index:D9}");

    // About 30% of applications come from someone who applied before: the one three indexes back.
    private static int Person(int index) => index % 10 < 3 && index >= 3 ? Person(index - 3) : index;

    private static string Name(int person)
    {
        var random = new Random(~person);
        var name = Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)];
        return random.Next(2) == 0 ? name : name + Given[random.Next(Given.Length)];
    }

    /// <summary>A valid GB 11643 number: Xuzhou's Yunlong district, a birth date from 1950 to 2005, the person's sequence.</summary>
    private static string IdNumber(int person)
    {
        var random = new Random(person ^ 0x5eed);
        var birth = new DateOnly(1950, 1, 1).AddDays(random.Next(365 * 55));
        var body = string.Create(CultureInfo.InvariantCulture, $"320303{birth:yyyyMMdd}{person % 1000:D3}");
        return body + CitizenId.CheckCharacter(body);
    }
}
