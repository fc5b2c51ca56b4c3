using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Handoff;
using IntegrationHub.Departments;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Handoff;

/// <summary>What a crash or a broken message leaves behind is repaired or surfaced, never lost.</summary>
[Collection(PipelineCollection.Name)]
public sealed class CrashRecoveryTests(HubFixture hub)
{
    [Fact]
    public async Task StrandedHandoff_StoredButNeverEnqueued_IsDeliveredBySweep()
    {
        // As if the process died after storing the application and its pending intent, before sending the message.
        var id = await StoreAsync(IntakeTests.Sample("GA-004")["form"]!.AsObject());
        await hub.Services.GetRequiredService<WorkIndex>().MarkPendingAsync(id, TimeProvider.System.GetUtcNow() - TimeSpan.FromSeconds(10));

        var delivered = await hub.WaitForAsync(id, a => a["caseNumber"] is not null, TimeSpan.FromSeconds(30));

        Assert.Equal("Delivered", delivered["handoff"]!.GetValue<string>());
        Assert.Single(hub.PublicSecurity.ReceivedApplications, r => r.Lsh == id);
    }

    [Fact]
    public async Task Handoff_FailingPastDequeueLimit_BecomesVisibleFailedHandoff()
    {
        // A record the dispatcher cannot read (its sealed data belongs to another application) makes every dequeue throw:
        // the message must end as a failed hand-off.
        var id = await StoreAsync(IntakeTests.Sample("GA-004")["form"]!.AsObject(), sealedForAnother: true);
        await hub.Services.GetRequiredService<HandoffQueue>().SendAsync(new HandoffMessage(id), TimeSpan.Zero, CancellationToken.None);

        var failed = await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() == "Failed", TimeSpan.FromSeconds(40));

        Assert.Contains(failed["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "handoff-failed");
        Assert.DoesNotContain(hub.PublicSecurity.ReceivedApplications, r => r.Lsh == id);
    }

    [Fact]
    public async Task DeliveredPolledCase_CrashBeforeItsFollowUp_RedeliveredMessageSchedulesIt()
    {
        // As if the process died after committing the 人社 receipt and before scheduling the RS9001 question: the
        // pending intent stays, so the sweep (or the queue) brings the message back to a hand-off that is delivered.
        var id = await StoreAsync(IntakeTests.Sample("RS-005")["form"]!.AsObject(), item: "RS-005", department: "RS",
            delivered: "RS3203002026113000001");
        var followUps = hub.Services.GetRequiredService<FollowUpStore>();
        Assert.Null(await followUps.FindAsync(id, CancellationToken.None));

        await hub.Services.GetRequiredService<HandoffDispatcher>().HandleAsync(
            System.Text.Json.JsonSerializer.Serialize(new HandoffMessage(id)), CancellationToken.None);

        Assert.NotNull(await followUps.FindAsync(id, CancellationToken.None));
    }

    private async Task<string> StoreAsync(JsonObject form, bool sealedForAnother = false, string item = "GA-004", string department = "GA", string? delivered = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var store = hub.Services.GetRequiredService<ApplicationStore>();
        var personalData = hub.Services.GetRequiredService<PersonalData>();
        var applicant = new Applicant("王五", "11010519491231002X", "13812345678", "01", "320302", "2", new DateOnly(1949, 12, 31));
        var application = new ApplicationEntity
        {
            PartitionKey = id,
            Platform = HubFixture.PlatformA,
            ItemCode = item,
            Department = department,
            HandoffKey = id,
            Status = delivered is null ? ApplicationStatus.Submitted : ApplicationStatus.Delivered,
            Handoff = delivered is null ? HandoffState.Waiting : HandoffState.Delivered,
            CaseNumber = delivered,
            ApplicantNameMasked = Masking.Name(applicant.Name),
            SubmittedAt = TimeProvider.System.GetUtcNow(),
            UpdatedAt = TimeProvider.System.GetUtcNow(),
        };
        var submission = new Submission(applicant, form, []);
        if (sealedForAnother)
        {
            var other = new ApplicationEntity { PartitionKey = Guid.NewGuid().ToString("N") };
            personalData.Seal(other, submission);
            application.SealedPersonalData = other.SealedPersonalData;
        }
        else
        {
            personalData.Seal(application, submission);
        }

        await store.CreateAsync(application, new TimelineEntity { Kind = "received", Summary = "stored by the test", Status = ApplicationStatus.Submitted }, CancellationToken.None);
        return id;
    }
}
