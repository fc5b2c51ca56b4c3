using System.Globalization;
using IntegrationHub.Applications;
using IntegrationHub.Materials;
using IntegrationHub.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Privacy;

/// <summary>
/// Erases the personal data of applications closed longer than <see cref="RetentionOptions.EraseAfter"/> ago, keeping the
/// masked timeline. Reads only the due rows of the retention index (one range query per run); per erased application one
/// transaction (and a read when this instance does not have it), a merge of its ID-number and name rows (shared with others
/// in one group commit), and one more transaction per hundred index rows done with. Issue 11: the files of its materials
/// are personal data too; each blob is deleted (one call per material), while the application keeps its list of them
/// (code, media type, size, hash), so its views still name what was handed in.
/// </summary>
internal sealed class PersonalDataRetention(ApplicationStore store, MaterialStore materials, RetentionIndex index, IOptions<RetentionOptions> options,
    TimeProvider time, ILogger<PersonalDataRetention> logger)
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

            // Also when already erased: a run stopped between the erasure and the blobs left them for this one (the index
            // row is forgotten only below).
            if (outcome is Erasure.Erased or Erasure.AlreadyErased)
            {
                await EraseMaterialsAsync(row.ApplicationId, cancellationToken);
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

    // Assumption: a material id belongs to one application. A platform that names one upload in several applications (the
    // soak does, one file per code) loses it with the first of them erased; any later one still waiting for delivery would
    // find its file gone. Retention runs days after the close, long after the others' deliveries uploaded their copies.
    private async Task EraseMaterialsAsync(string applicationId, CancellationToken cancellationToken)
    {
        // The step that erased it keeps the row in this instance's cache: no read in the usual case.
        if (await store.FindAsync(applicationId, cancellationToken) is not { } application)
        {
            return;
        }

        foreach (var material in ApplicationMaterials.Read(application))
        {
            await materials.DeleteAsync(material.Id, cancellationToken);
        }
    }
}
