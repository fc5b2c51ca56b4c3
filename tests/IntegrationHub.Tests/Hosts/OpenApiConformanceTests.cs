using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Fixtures;
using Json.Schema;

namespace IntegrationHub.Tests.Hosts;

/// <summary>Calls the live hub and checks every answer against the OpenAPI document the hub serves.</summary>
[Collection(HubCollection.Name)]
public sealed class OpenApiConformanceTests(HubFixture hub)
{
    /// <summary>One live call per documented answer: (method, documented path, concrete path, expected status, how to call).</summary>
    public static TheoryData<string, string, string, int, string> Calls() => new()
    {
        { "GET", "/api/v1/service-items", "/api/v1/service-items", 200, "" },
        { "GET", "/api/v1/service-items", "/api/v1/service-items?department=GA&online=true&q=证", 200, "" },
        { "GET", "/api/v1/service-items", "/api/v1/service-items?online=perhaps", 400, "" },
        { "GET", "/api/v1/service-items/{code}", "/api/v1/service-items/GA-006", 200, "" },
        { "GET", "/api/v1/service-items/{code}", "/api/v1/service-items/WJ-009", 200, "" },
        { "GET", "/api/v1/service-items/{code}", "/api/v1/service-items/NO-000", 404, "" },
        { "GET", "/api/v1/service-items/{code}/guide", "/api/v1/service-items/FG-003/guide", 200, "" },
        { "GET", "/api/v1/service-items/{code}/guide", "/api/v1/service-items/GA-001/guide", 200, "" },
        { "GET", "/api/v1/service-items/{code}/guide", "/api/v1/service-items/WJ-002/guide", 200, "" },
        { "GET", "/api/v1/service-items/{code}/guide", "/api/v1/service-items/NO-000/guide", 404, "" },
        { "POST", "/api/v1/applications", "/api/v1/applications", 202, "valid" },
        { "POST", "/api/v1/applications", "/api/v1/applications", 400, "broken" },
        { "POST", "/api/v1/applications", "/api/v1/applications", 401, "no-key" },
        { "POST", "/api/v1/applications", "/api/v1/applications", 409, "conflict" },
        { "POST", "/api/v1/applications", "/api/v1/applications", 413, "huge" },
        { "POST", "/api/v1/applications", "/api/v1/applications", 415, "text" },
        { "POST", "/api/v1/applications", "/api/v1/applications", 422, "guide-only" },
        { "GET", "/api/v1/applications/{id}", "/api/v1/applications/{new}", 200, "" },
        { "GET", "/api/v1/applications/{id}", "/api/v1/applications/nosuch", 404, "" },
        { "GET", "/api/v1/applications/{id}", "/api/v1/applications/nosuch", 401, "no-key" },
        { "POST", "/api/v1/applications/{id}/supplements", "/api/v1/applications/{new}/supplements", 400, "empty" },
        { "POST", "/api/v1/applications/{id}/supplements", "/api/v1/applications/{new}/supplements", 401, "no-key" },
        { "POST", "/api/v1/applications/{id}/supplements", "/api/v1/applications/nosuch/supplements", 404, "supplement" },
        { "POST", "/api/v1/applications/{id}/supplements", "/api/v1/applications/{new}/supplements", 409, "supplement" },
        { "POST", "/api/v1/applications/{id}/supplements", "/api/v1/applications/{new}/supplements", 413, "huge-json" },
        { "POST", "/api/v1/applications/{id}/supplements", "/api/v1/applications/{new}/supplements", 415, "text" },
        { "POST", "/api/v1/applications/{id}/withdrawal", "/api/v1/applications/{new}/withdrawal", 202, "withdrawal" },
        { "POST", "/api/v1/applications/{id}/withdrawal", "/api/v1/applications/{new}/withdrawal", 400, "empty" },
        { "POST", "/api/v1/applications/{id}/withdrawal", "/api/v1/applications/{new}/withdrawal", 401, "no-key" },
        { "POST", "/api/v1/applications/{id}/withdrawal", "/api/v1/applications/nosuch/withdrawal", 404, "withdrawal" },
        { "POST", "/api/v1/applications/{id}/withdrawal", "/api/v1/applications/{new}/withdrawal", 413, "huge-json" },
        { "POST", "/api/v1/applications/{id}/withdrawal", "/api/v1/applications/{new}/withdrawal", 415, "text" },
        { "POST", "/api/v1/materials", "/api/v1/materials", 201, "material" },
        { "POST", "/api/v1/materials", "/api/v1/materials", 400, "material-no-idempotency-key" },
        { "POST", "/api/v1/materials", "/api/v1/materials", 401, "no-key" },
        { "POST", "/api/v1/materials", "/api/v1/materials", 415, "text" },
        { "POST", "/api/v1/materials", "/api/v1/materials", 422, "material-not-a-pdf" },
        { "GET", "/api/v1/events", "/api/v1/events", 200, "" },
        { "GET", "/api/v1/events", "/api/v1/events?limit=0", 400, "" },
        { "GET", "/api/v1/events", "/api/v1/events", 401, "no-key" },
        { "POST", "/api/v1/departments/ga/notifications", "/api/v1/departments/ga/notifications", 401, "unsigned-xml" },
        { "POST", "/api/v1/departments/fg/webhooks", "/api/v1/departments/fg/webhooks", 401, "unsigned-json" },
        { "GET", "/api/v1/communities", "/api/v1/communities", 200, "" },
        { "GET", "/api/v1/communities/{code}", "/api/v1/communities/DIEMENG", 200, "" },
        { "GET", "/api/v1/communities/{code}", "/api/v1/communities/NOWHERE", 404, "" },
        { "POST", "/api/v1/suggestions", "/api/v1/suggestions", 202, "suggestion" },
        { "POST", "/api/v1/suggestions", "/api/v1/suggestions", 400, "suggestion-no-idempotency-key" },
        { "POST", "/api/v1/suggestions", "/api/v1/suggestions", 401, "no-key" },
        { "POST", "/api/v1/suggestions", "/api/v1/suggestions", 409, "suggestion-conflict" },
        { "POST", "/api/v1/suggestions", "/api/v1/suggestions", 415, "text" },
        { "POST", "/api/v1/suggestions", "/api/v1/suggestions", 422, "suggestion-not-an-image" },
        { "GET", "/api/v1/suggestions/{id}", "/api/v1/suggestions/{new-suggestion}", 200, "" },
        { "GET", "/api/v1/suggestions/{id}", "/api/v1/suggestions/nosuch", 404, "" },
        { "GET", "/api/v1/suggestions/{id}", "/api/v1/suggestions/nosuch", 401, "no-key" },
        { "POST", "/api/v1/suggestions/{id}/rating", "/api/v1/suggestions/{new-suggestion}/rating", 400, "rating-unknown" },
        { "POST", "/api/v1/suggestions/{id}/rating", "/api/v1/suggestions/{new-suggestion}/rating", 401, "no-key" },
        { "POST", "/api/v1/suggestions/{id}/rating", "/api/v1/suggestions/nosuch/rating", 404, "rating" },
        { "POST", "/api/v1/suggestions/{id}/rating", "/api/v1/suggestions/{new-suggestion}/rating", 409, "rating" },
        { "POST", "/api/v1/suggestions/{id}/rating", "/api/v1/suggestions/{new-suggestion}/rating", 413, "rating-huge" },
        { "POST", "/api/v1/suggestions/{id}/rating", "/api/v1/suggestions/{new-suggestion}/rating", 415, "text" },
        { "GET", "/api/v1/suggestions/{id}/photos/{photo}", "/api/v1/suggestions/{new-suggestion}/photos/0?k=test1&exp=1&sig=x", 403, "" },
        { "GET", "/api/v1/communities/{code}/slots", "/api/v1/communities/DIEMENG/slots?itemCode=MZ-001&date=2026-10-01", 200, "" },
        { "GET", "/api/v1/communities/{code}/slots", "/api/v1/communities/DIEMENG/slots?itemCode=MZ-001", 400, "" },
        { "GET", "/api/v1/communities/{code}/slots", "/api/v1/communities/NOWHERE/slots?itemCode=MZ-001&date=2026-10-01", 404, "" },
        { "POST", "/api/v1/appointments", "/api/v1/appointments", 201, "appointment" },
        { "POST", "/api/v1/appointments", "/api/v1/appointments", 400, "appointment-broken" },
        { "POST", "/api/v1/appointments", "/api/v1/appointments", 401, "no-key" },
        { "POST", "/api/v1/appointments", "/api/v1/appointments", 409, "appointment-conflict" },
        { "POST", "/api/v1/appointments", "/api/v1/appointments", 413, "huge" },
        { "POST", "/api/v1/appointments", "/api/v1/appointments", 415, "text" },
        { "GET", "/api/v1/appointments/{id}", "/api/v1/appointments/{new-appointment}", 200, "" },
        { "GET", "/api/v1/appointments/{id}", "/api/v1/appointments/nosuch", 401, "no-key" },
        { "GET", "/api/v1/appointments/{id}", "/api/v1/appointments/nosuch", 404, "" },
        { "DELETE", "/api/v1/appointments/{id}", "/api/v1/appointments/{new-appointment}", 200, "" },
        { "DELETE", "/api/v1/appointments/{id}", "/api/v1/appointments/nosuch", 401, "no-key" },
        { "DELETE", "/api/v1/appointments/{id}", "/api/v1/appointments/nosuch", 404, "" },
        { "GET", "/api/v1/health", "/api/v1/health", 200, "" },
        { "GET", "/api/v1/health/ready", "/api/v1/health/ready", 200, "" },
        { "GET", "/api/v1/health/live", "/api/v1/health/live", 200, "" },
        { "GET", "/api/v1/openapi.json", "/api/v1/openapi.json", 200, "" },
        { "GET", "/api/v1/docs", "/api/v1/docs/", 200, "none" },
        { "GET", "/api/v1/docs/{file}", "/api/v1/docs/scalar.js", 200, "none" },
        { "GET", "/api/v1/docs/{file}", "/api/v1/docs/favicon.svg", 200, "none" },
        { "GET", "/api/v1/docs/{file}", "/api/v1/docs/v1", 404, "none" },

        // The operators' portal: "op" and "viewer" carry a signed-in session; "none" nothing; after the colon, the body.
        { "POST", "/api/v1/portal/session", "/api/v1/portal/session", 200, "none:sign-in" },
        { "POST", "/api/v1/portal/session", "/api/v1/portal/session", 400, "none:sign-in-empty" },
        { "POST", "/api/v1/portal/session", "/api/v1/portal/session", 401, "none:sign-in-wrong" },
        { "POST", "/api/v1/portal/session", "/api/v1/portal/session", 403, "none:sign-in-foreign" },
        { "POST", "/api/v1/portal/session", "/api/v1/portal/session", 415, "none:text" },
        { "DELETE", "/api/v1/portal/session", "/api/v1/portal/session", 403, "op:empty-foreign" },
        { "DELETE", "/api/v1/portal/session", "/api/v1/portal/session", 415, "op:text" },
        { "GET", "/api/v1/portal/me", "/api/v1/portal/me", 200, "op" },
        { "GET", "/api/v1/portal/me", "/api/v1/portal/me", 401, "none" },
        { "GET", "/api/v1/portal/dashboard", "/api/v1/portal/dashboard", 200, "viewer" },
        { "GET", "/api/v1/portal/dashboard", "/api/v1/portal/dashboard", 401, "none" },
        { "GET", "/api/v1/portal/handoffs", "/api/v1/portal/handoffs?department=GA&state=Failed", 200, "viewer" },
        { "GET", "/api/v1/portal/handoffs", "/api/v1/portal/handoffs?idNumber=11010519491231002X", 400, "viewer" },
        { "GET", "/api/v1/portal/handoffs", "/api/v1/portal/handoffs", 401, "none" },
        { "POST", "/api/v1/portal/handoffs/search", "/api/v1/portal/handoffs/search", 200, "viewer:criteria" },
        { "POST", "/api/v1/portal/handoffs/search", "/api/v1/portal/handoffs/search", 400, "viewer:criteria-unknown" },
        { "POST", "/api/v1/portal/handoffs/search", "/api/v1/portal/handoffs/search", 401, "none:criteria" },
        { "POST", "/api/v1/portal/handoffs/search", "/api/v1/portal/handoffs/search", 403, "viewer:criteria-foreign" },
        { "POST", "/api/v1/portal/handoffs/search", "/api/v1/portal/handoffs/search", 415, "viewer:text" },
        { "GET", "/api/v1/portal/handoffs/{id}", "/api/v1/portal/handoffs/{new}", 200, "viewer" },
        { "GET", "/api/v1/portal/handoffs/{id}", "/api/v1/portal/handoffs/nosuch", 401, "none" },
        { "GET", "/api/v1/portal/handoffs/{id}", "/api/v1/portal/handoffs/nosuch", 404, "viewer" },
        { "POST", "/api/v1/portal/handoffs/{id}/replay", "/api/v1/portal/handoffs/nosuch/replay", 401, "none:empty" },
        { "POST", "/api/v1/portal/handoffs/{id}/replay", "/api/v1/portal/handoffs/{new}/replay", 403, "viewer:empty" },
        { "POST", "/api/v1/portal/handoffs/{id}/replay", "/api/v1/portal/handoffs/nosuch/replay", 404, "op:empty" },
        { "POST", "/api/v1/portal/handoffs/{id}/replay", "/api/v1/portal/handoffs/{new}/replay", 409, "op:empty" },
        { "POST", "/api/v1/portal/handoffs/{id}/replay", "/api/v1/portal/handoffs/{new}/replay", 415, "op:text" },
        { "POST", "/api/v1/portal/handoffs/{id}/resolve", "/api/v1/portal/handoffs/{new}/resolve", 400, "op:empty" },
        { "POST", "/api/v1/portal/handoffs/{id}/resolve", "/api/v1/portal/handoffs/nosuch/resolve", 401, "none:reason" },
        { "POST", "/api/v1/portal/handoffs/{id}/resolve", "/api/v1/portal/handoffs/{new}/resolve", 403, "viewer:reason" },
        { "POST", "/api/v1/portal/handoffs/{id}/resolve", "/api/v1/portal/handoffs/nosuch/resolve", 404, "op:reason" },
        { "POST", "/api/v1/portal/handoffs/{id}/resolve", "/api/v1/portal/handoffs/{new}/resolve", 409, "op:reason" },
        { "POST", "/api/v1/portal/handoffs/{id}/resolve", "/api/v1/portal/handoffs/{new}/resolve", 415, "op:text" },
        { "POST", "/api/v1/portal/handoffs/{id}/reveal", "/api/v1/portal/handoffs/{new}/reveal", 200, "op:reveal" },
        { "POST", "/api/v1/portal/handoffs/{id}/reveal", "/api/v1/portal/handoffs/{new}/reveal", 400, "op:empty" },
        { "POST", "/api/v1/portal/handoffs/{id}/reveal", "/api/v1/portal/handoffs/{new}/reveal", 401, "none:reveal" },
        { "POST", "/api/v1/portal/handoffs/{id}/reveal", "/api/v1/portal/handoffs/{new}/reveal", 403, "viewer:reveal" },
        { "POST", "/api/v1/portal/handoffs/{id}/reveal", "/api/v1/portal/handoffs/nosuch/reveal", 404, "op:reveal" },
        { "POST", "/api/v1/portal/handoffs/{id}/reveal", "/api/v1/portal/handoffs/{new}/reveal", 415, "op:text" },
        { "POST", "/api/v1/portal/handoffs/{id}/materials/{n}/content", "/api/v1/portal/handoffs/{new}/materials/0/content", 400, "op:empty" },
        { "POST", "/api/v1/portal/handoffs/{id}/materials/{n}/content", "/api/v1/portal/handoffs/{new}/materials/0/content", 401, "none:reason" },
        { "POST", "/api/v1/portal/handoffs/{id}/materials/{n}/content", "/api/v1/portal/handoffs/{new}/materials/0/content", 403, "viewer:reason" },
        { "POST", "/api/v1/portal/handoffs/{id}/materials/{n}/content", "/api/v1/portal/handoffs/nosuch/materials/0/content", 404, "op:reason" },
        { "POST", "/api/v1/portal/handoffs/{id}/materials/{n}/content", "/api/v1/portal/handoffs/{new}/materials/0/content", 415, "op:text" },
        { "POST", "/api/v1/portal/replay", "/api/v1/portal/replay", 202, "op:bulk" },
        { "POST", "/api/v1/portal/replay", "/api/v1/portal/replay", 400, "op:empty" },
        { "POST", "/api/v1/portal/replay", "/api/v1/portal/replay", 401, "none:bulk" },
        { "POST", "/api/v1/portal/replay", "/api/v1/portal/replay", 403, "viewer:bulk" },
        { "POST", "/api/v1/portal/replay", "/api/v1/portal/replay", 415, "op:text" },
        { "GET", "/api/v1/portal/unacknowledged", "/api/v1/portal/unacknowledged", 200, "viewer" },
        { "GET", "/api/v1/portal/unacknowledged", "/api/v1/portal/unacknowledged", 401, "none" },
        { "GET", "/api/v1/portal/audit", "/api/v1/portal/audit", 200, "viewer" },
        { "GET", "/api/v1/portal/audit", "/api/v1/portal/audit", 401, "none" },
        { "GET", "/api/v1/portal/suggestions", "/api/v1/portal/suggestions", 200, "viewer" },
        { "GET", "/api/v1/portal/suggestions", "/api/v1/portal/suggestions?state=some", 400, "viewer" },
        { "GET", "/api/v1/portal/suggestions", "/api/v1/portal/suggestions", 401, "none" },
        { "GET", "/api/v1/portal/suggestions/{id}", "/api/v1/portal/suggestions/{new-suggestion}", 200, "viewer" },
        { "GET", "/api/v1/portal/suggestions/{id}", "/api/v1/portal/suggestions/nosuch", 401, "none" },
        { "GET", "/api/v1/portal/suggestions/{id}", "/api/v1/portal/suggestions/nosuch", 404, "viewer" },
        { "POST", "/api/v1/portal/suggestions/{id}/steps", "/api/v1/portal/suggestions/nosuch/steps", 401, "none:step" },
        { "POST", "/api/v1/portal/suggestions/{id}/steps", "/api/v1/portal/suggestions/{new-suggestion}/steps", 403, "viewer:step" },
        { "POST", "/api/v1/portal/suggestions/{id}/steps", "/api/v1/portal/suggestions/{new-suggestion}/steps", 413, "viewer:huge-json" },
        { "POST", "/api/v1/portal/suggestions/{id}/steps", "/api/v1/portal/suggestions/{new-suggestion}/steps", 415, "viewer:text" },
        { "POST", "/api/v1/portal/suggestions/{id}/reveal", "/api/v1/portal/suggestions/nosuch/reveal", 401, "none:reveal" },
        { "POST", "/api/v1/portal/suggestions/{id}/reveal", "/api/v1/portal/suggestions/{new-suggestion}/reveal", 403, "viewer:reveal" },
        { "POST", "/api/v1/portal/suggestions/{id}/reveal", "/api/v1/portal/suggestions/{new-suggestion}/reveal", 413, "viewer:huge-json" },
        { "POST", "/api/v1/portal/suggestions/{id}/reveal", "/api/v1/portal/suggestions/{new-suggestion}/reveal", 415, "viewer:text" },
        { "GET", "/api/v1/portal/suggestion-stats", "/api/v1/portal/suggestion-stats?weeks=4", 200, "viewer" },
        { "GET", "/api/v1/portal/suggestion-stats", "/api/v1/portal/suggestion-stats?weeks=0", 400, "viewer" },
        { "GET", "/api/v1/portal/suggestion-stats", "/api/v1/portal/suggestion-stats", 401, "none" },
        { "GET", "/api/v1/portal/appointments", "/api/v1/portal/appointments", 200, "viewer" },
        { "GET", "/api/v1/portal/appointments", "/api/v1/portal/appointments", 401, "none" },
        { "POST", "/api/v1/portal/appointments/{id}/outcome", "/api/v1/portal/appointments/nosuch/outcome", 400, "viewer:empty" },
        { "POST", "/api/v1/portal/appointments/{id}/outcome", "/api/v1/portal/appointments/nosuch/outcome", 401, "none:outcome" },
        { "POST", "/api/v1/portal/appointments/{id}/outcome", "/api/v1/portal/appointments/nosuch/outcome", 403, "viewer:outcome" },
        { "POST", "/api/v1/portal/appointments/{id}/outcome", "/api/v1/portal/appointments/nosuch/outcome", 413, "viewer:huge-json" },
        { "POST", "/api/v1/portal/appointments/{id}/outcome", "/api/v1/portal/appointments/nosuch/outcome", 415, "viewer:text" },
        { "GET", "/api/v1/portal/ui", "/api/v1/portal/ui/", 200, "none" },
        { "GET", "/api/v1/portal/ui/{file}", "/api/v1/portal/ui/portal.js", 200, "none" },
        { "GET", "/api/v1/portal/ui/{file}", "/api/v1/portal/ui/portal.css", 200, "none" },
    };

    /// <summary>Documented answers exercised elsewhere, with where.</summary>
    private static readonly HashSet<string> CoveredElsewhere =
    [
        "POST /api/v1/departments/ga/notifications 200", // signed XML: PublicSecurityNotificationsTests
        "POST /api/v1/departments/ga/notifications 400", // signed but malformed XML: PublicSecurityNotificationsTests
        "GET /api/v1/health 503", // storage down: HealthTests
        "GET /api/v1/health/ready 503", // storage down: HealthTests
        "POST /api/v1/departments/fg/webhooks 400", // signed but malformed: HousingWebhooksTests
        "POST /api/v1/departments/fg/webhooks 413", // oversized: HousingWebhooksTests
        "POST /api/v1/suggestions 413", // over four photos' worth: SuggestionIntakeTests
        "POST /api/v1/suggestions/{id}/rating 200", // after a community's result: SuggestionLifecycleTests
        "GET /api/v1/suggestions/{id}/photos/{photo} 200", // a JPEG, not JSON: SuggestionIntakeTests
        "GET /api/v1/suggestions/{id}/photos/{photo} 404", // a valid link to a photo that is gone: SuggestionIntakeTests
        "POST /api/v1/portal/suggestions/{id}/steps 200", // a community worker's steps: SuggestionLifecycleTests, SuggestionPortalUiTests
        "POST /api/v1/portal/suggestions/{id}/steps 400", // note or step wrong: SuggestionLifecycleTests
        "POST /api/v1/portal/suggestions/{id}/steps 404", // another community's worker: SuggestionLifecycleTests
        "POST /api/v1/portal/suggestions/{id}/steps 409", // progress before acceptance: SuggestionLifecycleTests
        "POST /api/v1/portal/suggestions/{id}/reveal 200", // the community's worker: SuggestionLifecycleTests
        "POST /api/v1/portal/suggestions/{id}/reveal 400", // no reason, unknown field: SuggestionLifecycleTests
        "POST /api/v1/portal/suggestions/{id}/reveal 404", // another community's worker: SuggestionLifecycleTests
        "POST /api/v1/portal/suggestions/{id}/reveal 410", // erased by retention: SuggestionClockTests
        "POST /api/v1/portal/session 429", // throttled and locked sign-ins: SignInTests, SignInLockoutTests
        "POST /api/v1/portal/handoffs/{id}/replay 202", // a failed hand-off replayed: PortalUiTests
        "POST /api/v1/portal/handoffs/{id}/reveal 410", // erased by retention: RetentionEndToEndTests
        "POST /api/v1/portal/handoffs/{id}/materials/{n}/content 200", // the file to an operator with a reason: MaterialContentTests
        "POST /api/v1/portal/handoffs/{id}/materials/{n}/content 410", // erased by retention: RetentionEndToEndTests
        "POST /api/v1/appointments 403", // blocked after no-shows: AppointmentClockTests
        "DELETE /api/v1/appointments/{id} 409", // cancelled twice, or after the start: AppointmentBookingTests, AppointmentClockTests
        "POST /api/v1/portal/appointments/{id}/outcome 200", // the hall's worker: AppointmentPortalUiTests, AppointmentClockTests
        "POST /api/v1/portal/appointments/{id}/outcome 404", // another hall's worker: AppointmentClockTests
        "POST /api/v1/portal/appointments/{id}/outcome 409", // a no-show before the slot: AppointmentClockTests
        "POST /api/v1/applications/{id}/supplements 202", // after the department's 补正: LifecycleTests
        "POST /api/v1/applications/{id}/supplements 422", // a wanted material missing: LifecycleTests
        "POST /api/v1/applications/{id}/withdrawal 409", // after the decision: LifecycleTests
        "POST /api/v1/materials 200", // the same upload again: MaterialsApiTests
        "POST /api/v1/materials 409", // the key reused for another file: MaterialsApiTests
        "POST /api/v1/materials 413", // over 10 MiB: MaterialsApiTests
    ];

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task LiveAnswer_MatchesDocumentedSchema(string method, string documentedPath, string path, int status, string how)
    {
        var who = how.Split(':')[0];
        using var client = who switch
        {
            "no-key" or "none" => hub.CreateClient(null),
            "op" => await hub.CreatePortalClientAsync(HubFixture.OperatorUser),
            "viewer" => await hub.CreatePortalClientAsync(HubFixture.ViewerUser),
            _ => hub.CreateClient(HubFixture.KeyA),
        };
        var document = await Document(client);
        if (path.Contains("{new}", StringComparison.Ordinal))
        {
            using var created = await hub.SubmitAsync(Applications.IntakeTests.Sample("GA-004"));
            path = path.Replace("{new}", JsonNode.Parse(await created.Content.ReadAsStringAsync())!["applicationId"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        if (path.Contains("{new-suggestion}", StringComparison.Ordinal))
        {
            using var form = Suggestions.SuggestionsFixture.Form(Suggestions.SuggestionsFixture.Json(), (Suggestions.Photos.Png(), "image/png"));
            using var created = await SubmitSuggestionAsync(form, Guid.NewGuid().ToString());
            path = path.Replace("{new-suggestion}", JsonNode.Parse(await created.Content.ReadAsStringAsync())!["suggestionId"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        if (path.Contains("{new-appointment}", StringComparison.Ordinal))
        {
            using var created = await BookAsync(await AppointmentAsync(), Guid.NewGuid().ToString());
            path = path.Replace("{new-appointment}", JsonNode.Parse(await created.Content.ReadAsStringAsync())!["appointmentId"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using var response = await client.SendAsync(await Request(method, path, how));

        Assert.Equal(status, (int)response.StatusCode);
        var documented = document["paths"]![documentedPath]![method.ToLowerInvariant()]!["responses"]![$"{status}"];
        Assert.True(documented is not null, $"{method} {documentedPath} does not document {status}");
        var content = documented!["content"]!.AsObject();
        var mediaType = response.Content.Headers.ContentType!.MediaType!;
        Assert.True(content.ContainsKey(mediaType), $"{mediaType} is not documented for {status}");
        if (!mediaType.EndsWith("json", StringComparison.Ordinal))
        {
            Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
            return; // a page file: its media type is what the document promises
        }

        var schema = SchemaFor(document, content[mediaType]!["schema"]!);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());

        var result = schema.Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("; ", result.Details.Where(d => d.HasErrors)
            .Select(d => $"{d.InstanceLocation}: {string.Join(",", d.Errors!.Values)}")));
    }

    private async Task<HttpRequestMessage> Request(string method, string path, string how)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        var body = Applications.IntakeTests.Sample("GA-004");
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var what = how.Contains(':', StringComparison.Ordinal) ? how.Split(':')[1] : how;
        if (what.EndsWith("-foreign", StringComparison.Ordinal))
        {
            request.Headers.Add("Origin", "http://elsewhere.example");
            what = what[..^"-foreign".Length];
        }

        JsonContent Json(object value) => JsonContent.Create(value);
        switch (what)
        {
            case "sign-in":
                request.Content = Json(new { user = HubFixture.ViewerUser, password = HubFixture.Password });
                break;
            case "sign-in-empty":
                request.Content = Json(new { user = "", password = "" });
                break;
            case "sign-in-wrong":
                request.Content = Json(new { user = HubFixture.ViewerUser, password = "not-the-password" });
                break;
            case "empty":
                request.Content = Json(new { });
                break;
            case "criteria":
                request.Content = Json(new { department = "GA", state = "Failed" });
                break;
            case "criteria-unknown":
                request.Content = Json(new { colour = "blue" });
                break;
            case "reason":
                request.Content = Json(new { reason = "已在窗口办理" });
                break;
            case "reveal":
                request.Content = Json(new { field = "phone", reason = "回访核实联系电话" });
                break;
            case "step":
                request.Content = Json(new { step = "accepted" });
                break;
            case "huge-json":
                request.Content = Json(new { step = "progress", note = new string('x', 10_000) });
                break;
            case "bulk":
                request.Content = Json(new { itemCode = "CL-001" }); // a guide-only item: nothing to replay, so no other test's hand-off moves
                break;
            case "valid" or "no-key" when method == "POST":
                request.Content = JsonContent.Create(body);
                break;
            case "broken":
                body["applicant"]!["idNumber"] = "110105194912310021";
                request.Content = JsonContent.Create(body);
                break;
            case "conflict":
                var key = Guid.NewGuid().ToString();
                using (await hub.SubmitAsync(body, key))
                {
                }

                body["applicant"]!["phone"] = "13900001111";
                request.Headers.Remove("Idempotency-Key");
                request.Headers.Add("Idempotency-Key", key);
                request.Content = JsonContent.Create(body);
                break;
            case "huge":
                body["form"]!["purposeDescription"] = new string('x', 70_000);
                request.Content = JsonContent.Create(body);
                break;
            case "text":
                request.Content = new StringContent("itemCode=GA-004", Encoding.UTF8, "text/plain");
                break;
            case "suggestion" or "suggestion-no-idempotency-key" or "suggestion-not-an-image":
                request.Content = Suggestions.SuggestionsFixture.Form(Suggestions.SuggestionsFixture.Json(),
                    how == "suggestion-not-an-image" ? (Encoding.UTF8.GetBytes("不是图片"), "image/jpeg") : (Suggestions.Photos.Png(), "image/png"));
                if (how == "suggestion-no-idempotency-key")
                {
                    request.Headers.Remove("Idempotency-Key");
                }

                break;
            case "suggestion-conflict":
                var used = Guid.NewGuid().ToString();
                using (var first = Suggestions.SuggestionsFixture.Form(Suggestions.SuggestionsFixture.Json(), (Suggestions.Photos.Png(), "image/png")))
                using (await SubmitSuggestionAsync(first, used))
                {
                }

                request.Headers.Remove("Idempotency-Key");
                request.Headers.Add("Idempotency-Key", used);
                request.Content = Suggestions.SuggestionsFixture.Form(Suggestions.SuggestionsFixture.Json(text: "另一件事"), (Suggestions.Photos.Png(), "image/png"));
                break;
            case "rating":
                request.Content = JsonContent.Create(new { rating = "满意" });
                break;
            case "appointment":
                request.Content = JsonContent.Create(await AppointmentAsync());
                break;
            case "appointment-broken":
                var broken = await AppointmentAsync();
                broken["resident"]!["idNumber"] = "110105194912310021";
                request.Content = JsonContent.Create(broken);
                break;
            case "appointment-conflict":
                var booked = Guid.NewGuid().ToString();
                using (await BookAsync(await AppointmentAsync(), booked))
                {
                }

                request.Headers.Remove("Idempotency-Key");
                request.Headers.Add("Idempotency-Key", booked);
                request.Content = JsonContent.Create(await AppointmentAsync());
                break;
            case "outcome":
                request.Content = JsonContent.Create(new { outcome = "arrived" });
                break;
            case "supplement":
                request.Content = JsonContent.Create(new { note = "已补充" });
                break;
            case "withdrawal":
                request.Content = JsonContent.Create(new { reason = "不需要了" });
                break;
            case "material" or "material-no-idempotency-key" or "material-not-a-pdf":
                var form = new MultipartFormDataContent();
                var file = new ByteArrayContent(what == "material-not-a-pdf" ? Encoding.UTF8.GetBytes("不是文件") : Fixtures.TestFiles.Pdf());
                file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
                form.Add(file, "file", "proof.pdf");
                form.Add(new StringContent("incomeProof"), "code");
                request.Content = form;
                if (what == "material-no-idempotency-key")
                {
                    request.Headers.Remove("Idempotency-Key");
                }

                break;
            case "rating-unknown":
                request.Content = JsonContent.Create(new { rating = "还行" });
                break;
            case "rating-huge":
                request.Content = JsonContent.Create(new { rating = "满意", comment = new string('好', 5000) });
                break;
            case "guide-only":
                body["itemCode"] = "CL-001";
                request.Content = JsonContent.Create(body);
                break;
            case "unsigned-json":
                request.Content = new StringContent("{\"event_id\":\"e1\"}", Encoding.UTF8, "application/json");
                break;
            case "unsigned-xml":
                request.Content = new StringContent("<Notify><SLBH>X</SLBH></Notify>", Encoding.UTF8, "application/xml");
                break;
        }

        return request;
    }

    private async Task<HttpResponseMessage> BookAsync(JsonObject body, string key)
    {
        using var client = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    // A booking of the first bookable slot at 蝶梦 on the hub's (real) clock, for a resident no other call uses.
    private async Task<JsonObject> AppointmentAsync()
    {
        using var client = hub.CreateClient(null);
        var china = TimeSpan.FromHours(8);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(china).DateTime);
        for (var date = today; date <= today.AddDays(14); date = date.AddDays(1))
        {
            var day = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var slots = (await client.GetFromJsonAsync<JsonNode>($"/api/v1/communities/DIEMENG/slots?itemCode=MZ-001&date={day}"))!["slots"]!.AsArray();
            if (slots.FirstOrDefault(s => s!["bookable"]!.GetValue<bool>()) is { } slot)
            {
                return Appointments.AppointmentsFixture.Body(day, slot["slotId"]!.GetValue<string>(),
                    ("陈小明", Http.CitizenIds.Valid(new DateOnly(1970, 1, 1).AddDays(Random.Shared.Next(10_000)), Random.Shared.Next(1000)), "13912345678"));
            }
        }

        throw new InvalidOperationException("蝶梦社区 offers no bookable slot in the next 14 days (is the next year's holiday calendar missing?).");
    }

    private async Task<HttpResponseMessage> SubmitSuggestionAsync(HttpContent form, string key)
    {
        using var client = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/suggestions") { Content = form };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Document_EveryRouteOfTheHub_IsDocumentedAndViceVersa()
    {
        using var client = hub.CreateClient();
        var document = await Document(client);
        var documented = new SortedSet<string>(document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {p.Key}")));

        // Exactly the route table of each host, the portal's and the reference's included (an optional last segment is two paths).
        Assert.Equal(RouteTable.AsOpenApiPaths(RouteTable.Local(hub.App)), documented);
        Assert.Equal(RouteTable.AsOpenApiPaths(RouteTable.Functions()), documented);
        Assert.Equal("3.1.0", document["openapi"]!.GetValue<string>());
    }

    [Fact]
    public async Task Document_EveryOperationWithABody_HasItsSecurityOrIsPublic()
    {
        using var client = hub.CreateClient();
        var document = await Document(client);
        var schemes = document["components"]!["securitySchemes"]!.AsObject();

        var inbound = document["paths"]!["/api/v1/departments/ga/notifications"]!["post"]!["security"]![0]!.AsObject().Select(s => s.Key);
        var webhooks = document["paths"]!["/api/v1/departments/fg/webhooks"]!["post"]!["security"]![0]!.AsObject().Select(s => s.Key);

        Assert.Equal(["PublicSecuritySignature"], inbound);
        Assert.Equal(["HousingSignature"], webhooks);
        Assert.Equal("X-QM", schemes["PublicSecuritySignature"]!["name"]!.GetValue<string>());
        Assert.Equal(IntegrationHub.Departments.Housing.HousingWebhooks.SignatureHeader, schemes["HousingSignature"]!["name"]!.GetValue<string>());
        Assert.Equal(IntegrationHub.Portal.PortalAuth.Cookie, schemes["PortalSession"]!["name"]!.GetValue<string>());
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (verb, operation) in operations!.AsObject())
            {
                var isPublic = !path.StartsWith("/api/v1/applications", StringComparison.Ordinal) && !path.StartsWith("/api/v1/events", StringComparison.Ordinal)
                    && !path.StartsWith("/api/v1/departments/", StringComparison.Ordinal)
                    && !(path.StartsWith("/api/v1/portal/", StringComparison.Ordinal) && path != "/api/v1/portal/session" && !path.StartsWith("/api/v1/portal/ui", StringComparison.Ordinal));
                Assert.True(isPublic || operation!["security"] is JsonArray { Count: > 0 }, $"{verb.ToUpperInvariant()} {path} names no security");
            }
        }
    }

    [Fact]
    public async Task Document_ExampleOfEveryOnlineItem_IsTheCatalogSampleAndIsAccepted()
    {
        using var client = hub.CreateClient();
        var document = await Document(client);
        var examples = document["paths"]!["/api/v1/applications"]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!.AsObject();
        var online = IntegrationHub.Catalog.ServiceCatalog.LoadEmbedded().Entries.Where(e => e.Item.Online).Select(e => e.Item.Code).ToList();

        Assert.Equal(online.Order(), examples.Select(e => e.Key).Order());
        foreach (var (code, example) in examples)
        {
            var body = example!["value"]!.AsObject();
            Assert.True(JsonNode.DeepEquals(Applications.IntakeTests.Sample(code)["form"], body["form"]), $"{code}'s example is not its catalog sample");
            using var response = await hub.SubmitAsync((JsonObject)body.DeepClone());
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{code}'s example answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Document_EveryDocumentedAnswer_IsExercisedByALiveCall()
    {
        using var client = hub.CreateClient();
        var document = await Document(client);
        var exercised = Calls().Select(c => $"{c[0]} {c[1]} {c[3]}").Concat(CoveredElsewhere).ToHashSet();

        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (verb, operation) in operations!.AsObject())
            {
                foreach (var (status, answer) in operation!["responses"]!.AsObject())
                {
                    if (answer!["content"] is null)
                    {
                        continue; // 304: no body, tested in CatalogApiTests
                    }

                    Assert.Contains($"{verb.ToUpperInvariant()} {path} {status}", exercised);
                }
            }
        }
    }

    private static async Task<JsonNode> Document(HttpClient client) =>
        JsonNode.Parse(await client.GetStringAsync("/api/v1/openapi.json"))!;

    /// <summary>OpenAPI 3.1 schemas are JSON Schema 2020-12; the components become $defs of one schema.</summary>
    private static JsonSchema SchemaFor(JsonNode document, JsonNode schema)
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = document["components"]!["schemas"]!.DeepClone(),
            ["allOf"] = new JsonArray(schema.DeepClone()),
        };
        return JsonSchema.FromText(root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal));
    }
}
