using System.Collections.Concurrent;
using System.Net;
using IntegrationHub.Contracts;

namespace IntegrationHub.Soak;

/// <summary>What the platform knows about one application: when it first sent it, and what the hub answered.</summary>
internal sealed class Submission(SoakApplication application)
{
    public SoakApplication Application { get; } = application;

    public DateTimeOffset? FirstSentAt { get; set; }

    public string? ApplicationId { get; set; }

    /// <summary>Sends that got no answer or a 5xx and were made again with the same Idempotency-Key.</summary>
    public int Retries { get; set; }

    /// <summary>A 4xx, or the last error when the platform gave up.</summary>
    public string? Refusal { get; set; }

    /// <summary>A repeat with the same Idempotency-Key that got another id: the hub took one submission twice.</summary>
    public string? SecondId { get; set; }
}

/// <summary>
/// The platform's side of the run: submits at a steady rate with a bounded number in flight, retries a submission that
/// got no answer (or a 5xx) with the same Idempotency-Key, and follows the event feed for final statuses.
/// </summary>
internal sealed class Submissions(PlatformClient platform, SoakOptions options, TimeProvider time)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (ApplicationStatus Status, DateTimeOffset At)> _finals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _finalEvents = new(StringComparer.Ordinal);
    private readonly Random _repeat = new(options.Seed + 4);
    private int _events;
    private int _retried;

    public IReadOnlyDictionary<string, (ApplicationStatus Status, DateTimeOffset At)> FinalsInFeed => _finals;

    /// <summary>Applications whose feed carried more than one final event (a final status must never change).</summary>
    public int ApplicationsWithSeveralFinalEvents => _finalEvents.Count(e => e.Value > 1);

    public int EventsRead => _events;

    /// <summary>Submission attempts that got no answer or a 5xx and were sent again.</summary>
    public int Retried => _retried;

    /// <summary>Sends every application at <see cref="SoakOptions.Rate"/> per second; <paramref name="halfway"/> runs once half are sent.</summary>
    public async Task SubmitAllAsync(IReadOnlyList<Submission> submissions, Func<Task> halfway, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(options.Concurrency);
        var running = new List<Task>();
        var start = time.GetTimestamp();
        Task? restart = null;
        for (var i = 0; i < submissions.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / options.Rate) - time.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, time, cancellationToken).ConfigureAwait(false);
            }

            if (i == submissions.Count / 2)
            {
                // Not awaited: submissions keep arriving while the hub is down, and are retried as a platform would.
                restart = halfway();
            }

            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            var submission = submissions[i];
            running.Add(Task.Run(async () =>
            {
                try
                {
                    await SubmitAsync(submission, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            }, cancellationToken));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        if (restart is not null)
        {
            await restart.ConfigureAwait(false);
        }
    }

    /// <summary>Reads the event feed until cancelled, keeping each application's first final status.</summary>
    public async Task FollowFeedAsync(CancellationToken cancellationToken)
    {
        string? cursor = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var page = await platform.EventsAsync(cursor, cancellationToken).ConfigureAwait(false);
                // The feed also carries suggestion events (issue 12); the soak counts application events only.
                foreach (var e in page.Events.OfType<ApplicationStatusChanged>())
                {
                    Interlocked.Increment(ref _events);
                    if (e.Status is ApplicationStatus.Approved or ApplicationStatus.Denied or ApplicationStatus.Rejected)
                    {
                        _finals.TryAdd(e.ApplicationId, (e.Status, e.OccurredAt));
                        _finalEvents.AddOrUpdate(e.ApplicationId, 1, (_, n) => n + 1);
                    }
                }

                cursor = page.Next ?? cursor;
                if (page.Events.Count == 1000)
                {
                    continue;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The hub is restarting.
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Marks as final what the feed has not shown (yet) but the application itself says.</summary>
    public void Observed(string applicationId, ApplicationStatus status, DateTimeOffset at) => _finals.TryAdd(applicationId, (status, at));

    private async Task SubmitAsync(Submission submission, CancellationToken cancellationToken)
    {
        submission.FirstSentAt = time.GetUtcNow();
        var (id, refusal) = await SendUntilAnsweredAsync(submission, "", cancellationToken).ConfigureAwait(false);
        submission.ApplicationId = id;
        submission.Refusal = refusal;
        bool repeat;
        lock (_repeat)
        {
            repeat = _repeat.NextDouble() < options.RepeatRate;
        }

        if (id is null || !repeat)
        {
            return;
        }

        // The platform did not see the answer (as far as it knows) and sends the same submission again.
        (var again, submission.Refusal) = await SendUntilAnsweredAsync(submission, "the repeat: ", cancellationToken).ConfigureAwait(false);
        if (again is not null && again != id)
        {
            submission.SecondId = again;
        }
    }

    /// <summary>Sends until a 202 (the application id) or a refusal: a 4xx, or no 202 for <see cref="GiveUpAfter"/>.</summary>
    private async Task<(string? ApplicationId, string? Refusal)> SendUntilAnsweredAsync(Submission submission, string what, CancellationToken cancellationToken)
    {
        var since = time.GetTimestamp();
        while (true)
        {
            var answer = await platform.SubmitAsync(submission.Application, cancellationToken).ConfigureAwait(false);
            if (answer is { Status: HttpStatusCode.Accepted, ApplicationId: { } id })
            {
                return (id, null);
            }

            if (answer.Status is { } status && (int)status is >= 400 and < 500 and not 408 and not 429)
            {
                return (null, $"{what}HTTP {(int)status}: {PlatformClient.Summarise(answer.Problem)}");
            }

            if (time.GetElapsedTime(since) > GiveUpAfter)
            {
                return (null, $"{what}no 202 within {GiveUpAfter.TotalMinutes:0} minutes: {answer.Status?.ToString() ?? answer.Problem}");
            }

            submission.Retries++;
            Interlocked.Increment(ref _retried);
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
