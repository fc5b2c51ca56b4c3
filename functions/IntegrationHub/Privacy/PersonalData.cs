using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Departments;
using IntegrationHub.Storage;

namespace IntegrationHub.Privacy;

/// <summary>What a resident submitted, as kept sealed in <see cref="ApplicationEntity.SealedPersonalData"/>.</summary>
internal sealed record Submission(Applicant Applicant, JsonObject Form, IReadOnlyList<string> Attachments);

/// <summary>
/// Seals and opens an application's personal data: the submission (applicant, form, attachment references) as one
/// envelope at intake, the department's result as another when it arrives. Each envelope is bound to its application
/// and field, so it cannot be moved to another record.
/// </summary>
internal sealed class PersonalData(EnvelopeCipher cipher)
{
    public void Seal(ApplicationEntity application, Submission submission) =>
        application.SealedPersonalData = cipher.Seal(JsonSerializer.SerializeToUtf8Bytes(submission), Context(application, "submission"));

    public void SealResult(ApplicationEntity application, JsonObject? result) =>
        application.SealedResult = result is null ? null : cipher.Seal(Encoding.UTF8.GetBytes(result.ToJsonString()), Context(application, "result"));

    /// <summary>The submission, or null once retention erased it.</summary>
    public Submission? Open(ApplicationEntity application) =>
        application.SealedPersonalData is { } sealedData
            ? JsonSerializer.Deserialize<Submission>(cipher.Open(sealedData, Context(application, "submission")))
                ?? throw new SealedDataException("The sealed submission is empty.")
            : null;

    /// <summary>The department's result, or null when there is none or it was erased.</summary>
    public JsonObject? OpenResult(ApplicationEntity application) =>
        application.SealedResult is { } sealedResult
            ? JsonNode.Parse(cipher.Open(sealedResult, Context(application, "result"))) as JsonObject
            : null;

    /// <summary>The canonical application the adapters translate; only for an application whose data is still kept.</summary>
    public CanonicalApplication ToCanonical(ApplicationEntity application)
    {
        var submission = Open(application) ?? throw new SealedDataException($"The personal data of {application.PartitionKey} was erased.");
        return new CanonicalApplication(
            application.PartitionKey,
            application.ItemCode,
            application.HandoffKey,
            application.SubmittedAt,
            submission.Applicant,
            submission.Form,
            submission.Attachments,
            application.TraceParent);
    }

    private static string Context(ApplicationEntity application, string field) => $"applications/{application.PartitionKey}/{field}";
}
