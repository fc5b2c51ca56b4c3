using System.Globalization;
using IntegrationHub.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Privacy;

/// <summary>
/// Erases the personal data of applications closed longer than <see cref="RetentionOptions.EraseAfter"/> ago, keeping the
/// masked timeline. Reads only the due rows of the retention index (one range query per run); per erased application one
/// transaction (and a read when this instance does not have it), a merge of its ID-number and name rows (shared with others
/// in one group commit), and one more transaction per hundred index rows done with.
/// </summary>
internal sealed class PersonalDataRetention(ApplicationStore store, RetentionIndex index, IOptions<RetentionOptions> options, TimeProvider time, ILogger<PersonalDataRetention> logger)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var cutoff = time.GetUtcNow() - settings.EraseAfter;
        var due = await index.ClosedBeforeAsync(cutoff, settings.BatchSize, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var note = string.Create(CultureInfo.InvariantCulture, $"Personal data erased: closed more than {settings.EraseAfter.TotalDays:0.##} days ago (retention)");
        var erased = 0;
        foreach (var row in due)
        {
            var (outcome, closedAt) = await store.EraseAsync(row.ApplicationId, cutoff, note, cancellationToken);
            if (outcome == Erasure.Erased)
            {
                erased++;
            }
            else if (outcome == Erasure.NotDue)
            {
                // A row written by a writer whose transaction lost: the application closed later than the row says.
                await index.ScheduleAsync(row.ApplicationId, closedAt!.Value);
            }
        }

        await index.ForgetAsync(due);
        PrivacyLog.RetentionErased(logger, erased, due.Count);
        return erased;
    }
}
