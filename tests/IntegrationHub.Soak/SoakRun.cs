using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using IntegrationHub.Contracts;

namespace IntegrationHub.Soak;

/// <summary>One soak run from start to report: departments, Azurite and the hub up; N applications in; a restart
/// half-way; wait for final statuses; read everything back from both sides; stop every process by its PID.</summary>
internal static class SoakRun
{
    // Time for Azurite and the hub to start before the first submission; the maintenance windows are planned from it.
    private static readonly TimeSpan StartupAllowance = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(15);

    /// <summary>The hub's timing for the soak: retries in seconds, a sweep every two seconds, polls in seconds.</summary>
    public static IReadOnlyDictionary<string, string> Timing(MaintenancePlan? plan) => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["Handoff:MaxAttempts"] = "8",
        ["Handoff:RetryBaseDelay"] = "00:00:01",
        ["Handoff:RetryMaxDelay"] = "00:00:15",
        ["Handoff:MaxDequeueCount"] = "5",
        // Longer than a message may wait in a queue backlog: a hand-off waiting its turn is not stranded.
        ["Handoff:StrandedAfter"] = "00:01:00",
        ["Handoff:SweepSchedule"] = "*/2 * * * * *",
        ["Handoff:FollowUpSchedule"] = "*/2 * * * * *",
        ["Security:Retention:Schedule"] = "*/2 * * * * *",
        ["Telemetry:QueueSampleSchedule"] = "*/2 * * * * *",
        ["Handoff:PollInterval"] = "00:00:00.200",
        ["Handoff:VisibilityTimeout"] = "00:00:30",
        ["Departments:Housing:ReconcileAfter"] = "00:00:10",
        ["Departments:SocialSecurity:PollInterval"] = "00:00:03",
        ["Departments:SocialSecurity:MinQueryInterval"] = "00:00:02",
        ["Departments:*:Resilience:MaxRetryAttempts"] = "3",
        ["Departments:*:Resilience:BaseDelay"] = "00:00:00.200",
        ["Departments:*:Resilience:AttemptTimeout"] = "00:00:02",
        ["Departments:*:Resilience:TotalTimeout"] = "00:00:15",
        ["Departments:*:Resilience:SamplingDuration"] = "00:00:10",
        ["Departments:*:Resilience:BreakDuration"] = "00:00:03",
        ["Departments:*:Resilience:FailureRatio"] = "0.5",
        ["Departments:*:Resilience:MinimumThroughput"] = "20",
    };

    public static async Task<SoakReport?> RunAsync(SoakOptions options, CancellationToken stop)
    {
        var time = TimeProvider.System;
        var clock = Stopwatch.StartNew();
        var runId = time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var runDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"hub-soak-{runId}")).FullName;
        var platformKey = RandomNumberGenerator.GetHexString(32, lowercase: true);

        // Submissions start at t0 and take about N / rate; the departments' maintenance windows fall inside that span.
        var t0 = time.GetUtcNow() + StartupAllowance;
        var span = TimeSpan.FromSeconds(options.Applications / options.Rate);
        var plan = options.FaultScale > 0 ? Plan(t0, span) : null;
        var timing = Timing(plan);

        SoakReport? report = null;
        await using var departments = SoakDepartments.Start(plan);
        var settings = Expand(timing, departments, platformKey);
        await using var stack = HubStack.Prepare(runDirectory, settings);
        departments.PointCallbacksAt(stack.Url);
        try
        {
            PrintStart(options, runDirectory, timing, plan, t0, departments);
            await stack.StartAzuriteAsync(stop).ConfigureAwait(false);
            var firstStart = await stack.StartHubAsync(stop).ConfigureAwait(false);
            Console.WriteLine($"  hub up in {firstStart.TotalSeconds:0.0} s (pid {stack.HubPid}, Azurite pid {stack.AzuritePid}); log {stack.HubLog}");

            // Issue 11: the door refuses an application without the materials its item and form want; a platform uploads
            // its files first and names them. Once per run and code, before t0, so the uploads are not in the figures.
            var materials = await PlatformMaterials.UploadAsync(stack.Url, platformKey, runId, ApplicationFactory.OnlineItems, stop).ConfigureAwait(false);
            Console.WriteLine($"  {materials.Ids.Count} materials uploaded ({string.Join(", ", materials.Ids.Keys)})");
            if (t0 - time.GetUtcNow() is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, time, stop).ConfigureAwait(false);
            }

            if (plan is not null)
            {
                departments.InjectFaults(options.FaultScale, options.Seed, plan);
            }

            var today = DateOnly.FromDateTime(time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
            var factory = new ApplicationFactory(options.Seed, runId, today);
            var submissions = Enumerable.Range(0, options.Applications).Select(i => new Submission(materials.Attach(factory.Create(i)))).ToList();
            using var platform = new PlatformClient(stack.Url, platformKey);
            var platformSide = new Submissions(platform, options, time);
            using var following = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var feed = platformSide.FollowFeedAsync(following.Token);
            var restart = new RestartRecord();
            var started = time.GetUtcNow();

            using (var progress = Progress(submissions, platformSide, started, time, stop))
            {
                await platformSide.SubmitAllAsync(submissions, () => RestartAsync(stack, options.Restart, restart, started, time, stop), stop).ConfigureAwait(false);
                var submittedAt = time.GetUtcNow();
                Console.WriteLine($"  all {submissions.Count} submitted after {(submittedAt - started).TotalSeconds:0} s; waiting for final statuses "
                    + $"until none has become final for {options.Patience.TotalSeconds:0} s (at most {options.Deadline.TotalSeconds:0} s)");
                await WaitForFinalAsync(submissions, platform, platformSide, options.Patience, submittedAt + options.Deadline, time, stop).ConfigureAwait(false);
            }

            await following.CancelAsync().ConfigureAwait(false);
            await feed.ConfigureAwait(false);
            var finishedAt = time.GetUtcNow();
            var views = await ReadBackAsync(submissions, platform, stop).ConfigureAwait(false);
            report = SoakReport.Build(options, submissions, views, platformSide, departments.Tally(), restart, started, finishedAt, clock.Elapsed);
            report.Print(Console.Out, runDirectory);
            return report;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.WriteLine("soak interrupted: stopping every process it started");
            return null;
        }
        finally
        {
            await stack.DisposeAsync().ConfigureAwait(false);
            if (report is { Clean: true } && !options.Keep)
            {
                Directory.Delete(runDirectory, recursive: true);
            }
            else
            {
                Console.WriteLine($"  run folder kept: {runDirectory}");
            }
        }
    }

    private static MaintenancePlan Plan(DateTimeOffset t0, TimeSpan span) => new(
        t0 + span * 0.30, t0 + span * 0.30 + TimeSpan.FromSeconds(15),
        t0 + span * 0.65, t0 + span * 0.65 + TimeSpan.FromSeconds(15),
        t0 + span * 0.80, t0 + span * 0.80 + TimeSpan.FromSeconds(20));

    private static Dictionary<string, string> Expand(IReadOnlyDictionary<string, string> timing, SoakDepartments departments, string platformKey)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Platforms:Clients:0:Name"] = "soak-platform",
            ["Platforms:Clients:0:ApiKey"] = platformKey,
        };
        foreach (var (key, value) in timing)
        {
            if (key.Contains('*', StringComparison.Ordinal))
            {
                foreach (var department in new[] { "PublicSecurity", "Housing", "SocialSecurity" })
                {
                    settings[key.Replace("*", department, StringComparison.Ordinal)] = value;
                }
            }
            else
            {
                settings[key] = value;
            }
        }

        foreach (var (key, value) in departments.HubSettings)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task RestartAsync(HubStack stack, RestartMode mode, RestartRecord record, DateTimeOffset started, TimeProvider time, CancellationToken stop)
    {
        if (mode == RestartMode.None)
        {
            return;
        }

        record.At = time.GetUtcNow() - started;
        record.Mode = mode;
        var pid = stack.HubPid;
        var (stopping, starting) = await stack.RestartHubAsync(mode, stop).ConfigureAwait(false);
        record.Down = stopping + starting;
        Console.WriteLine($"  t+{record.At.Value.TotalSeconds:0}s hub {(mode == RestartMode.Kill ? "killed (SIGKILL)" : "stopped (SIGTERM)")} (pid {pid}) "
            + $"after {stopping.TotalSeconds:0.0} s, healthy again in {starting.TotalSeconds:0.0} s (pid {stack.HubPid})");
    }

    private static async Task WaitForFinalAsync(List<Submission> submissions, PlatformClient platform, Submissions platformSide,
        TimeSpan patience, DateTimeOffset deadline, TimeProvider time, CancellationToken stop)
    {
        var lastRecheck = time.GetUtcNow();
        var (lastProgress, finals) = (time.GetUtcNow(), platformSide.FinalsInFeed.Count);
        while (time.GetUtcNow() < deadline)
        {
            var open = submissions.Where(s => s.ApplicationId is { } id && !platformSide.FinalsInFeed.ContainsKey(id)).ToList();
            if (open.Count == 0)
            {
                return;
            }

            if (platformSide.FinalsInFeed.Count > finals)
            {
                (lastProgress, finals) = (time.GetUtcNow(), platformSide.FinalsInFeed.Count);
            }
            else if (time.GetUtcNow() - lastProgress > patience)
            {
                Console.WriteLine($"  no application became final for {patience.TotalSeconds:0} s: {open.Count} still open");
                return;
            }

            // The feed is the platform's way to learn of changes; when it has gone quiet, ask the applications themselves.
            if (time.GetUtcNow() - lastProgress > RecheckEvery && time.GetUtcNow() - lastRecheck > RecheckEvery)
            {
                lastRecheck = time.GetUtcNow();
                foreach (var submission in open)
                {
                    try
                    {
                        if (await platform.GetAsync(submission.ApplicationId!, stop).ConfigureAwait(false) is { } view && FinalAt(view) is { } final)
                        {
                            platformSide.Observed(view.ApplicationId, view.Status, final);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        break;
                    }
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, stop).ConfigureAwait(false);
        }
    }

    /// <summary>Every accepted application as the hub reports it at the end (null when the hub says it does not exist).</summary>
    private static async Task<Dictionary<string, ApplicationView?>> ReadBackAsync(List<Submission> submissions, PlatformClient platform, CancellationToken stop)
    {
        var views = new System.Collections.Concurrent.ConcurrentDictionary<string, ApplicationView?>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(submissions.Where(s => s.ApplicationId is not null).Select(s => s.ApplicationId!).Distinct(),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stop },
            async (id, ct) =>
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        views[id] = await platform.GetAsync(id, ct).ConfigureAwait(false);
                        return;
                    }
                    catch (HttpRequestException) when (attempt < 5)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                    }
                }
            }).ConfigureAwait(false);
        return new Dictionary<string, ApplicationView?>(views, StringComparer.Ordinal);
    }

    /// <summary>When the application reached its final status, from its timeline.</summary>
    public static DateTimeOffset? FinalAt(ApplicationView view) =>
        view.Timeline.FirstOrDefault(e => e.Kind == "status" && e.Status is ApplicationStatus.Approved or ApplicationStatus.Denied or ApplicationStatus.Rejected)?.At;

    private static Timer Progress(List<Submission> submissions, Submissions platformSide, DateTimeOffset started, TimeProvider time, CancellationToken stop) =>
        new(_ =>
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }

            var sent = submissions.Count(s => s.FirstSentAt is not null);
            var accepted = submissions.Count(s => s.ApplicationId is not null);
            Console.WriteLine($"  t+{(time.GetUtcNow() - started).TotalSeconds:0}s sent {sent}, accepted {accepted}, final {platformSide.FinalsInFeed.Count}, "
                + $"events read {platformSide.EventsRead}, submission retries {platformSide.Retried}");
        }, null, ProgressEvery, ProgressEvery);

    private static void PrintStart(SoakOptions options, string runDirectory, IReadOnlyDictionary<string, string> timing, MaintenancePlan? plan,
        DateTimeOffset t0, SoakDepartments departments)
    {
        Console.WriteLine($"soak: {options.Applications} applications across the 19 online items at {options.Rate} per second, seed {options.Seed}, "
            + $"faults ×{options.FaultScale}, restart {options.Restart.ToString().ToLowerInvariant()}, patience {options.Patience.TotalSeconds:0} s");
        Console.WriteLine($"  run folder {runDirectory}");
        Console.WriteLine("  hub timing:");
        foreach (var (key, value) in timing)
        {
            Console.WriteLine($"    {key} = {value}");
        }

        Console.WriteLine("  department timing (joint-testing, 联调环境): 公安 notifies 01 → 04 → 05 every 2 s, re-sends after 1, 2, 4, 8, 16 s; "
            + "房管 webhooks accepted → approved every 2 s, each sent twice, retried from 1 s; 人社 decides 5 s after intake, one RS9001 per case per 2 s");
        if (plan is not null)
        {
            Console.WriteLine($"  maintenance (from the first submission): 公安 503 t+{(plan.PublicSecurityFrom - t0).TotalSeconds:0}s–{(plan.PublicSecurityUntil - t0).TotalSeconds:0}s, "
                + $"房管 503 t+{(plan.HousingFrom - t0).TotalSeconds:0}s–{(plan.HousingUntil - t0).TotalSeconds:0}s, "
                + $"人社 9003 {departments.SocialSecurityWindow.Start:HH:mm:ss}–{departments.SocialSecurityWindow.End:HH:mm:ss} (+08:00, t+{(plan.SocialSecurityFrom - t0).TotalSeconds:0}s)");
        }
    }
}

/// <summary>When the hub was restarted and how long it was away.</summary>
internal sealed class RestartRecord
{
    public RestartMode Mode { get; set; } = RestartMode.None;

    public TimeSpan? At { get; set; }

    public TimeSpan? Down { get; set; }
}
