using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Hosts;

/// <summary>
/// Every curl command in README.md, pasted into bash as it stands against a test hub: only the address
/// (<c>http://127.0.0.1:7071</c> or <c>$HUB</c>), <c>$KEY</c> and an <c>&lt;applicationId&gt;</c> are filled in.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class ReadmeExamplesTests(HubFixture hub)
{
    private const string ReadmeAddress = "http://127.0.0.1:7071";

    [Fact]
    public async Task Readme_EveryCurlCommand_AnswersSuccessWhenPasted()
    {
        var commands = CurlCommands(await File.ReadAllTextAsync(Path.Combine(Azurite.RepoRoot(), "README.md"))).ToList();
        using var created = await hub.SubmitAsync(Applications.IntakeTests.Sample("GA-004"));
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        var address = hub.BaseAddress.ToString().TrimEnd('/');
        var (suggestionId, photoUrl) = await NewSuggestionAsync();
        var (date, slotId, appointmentId) = await NewAppointmentAsync();
        var materialId = await hub.UploadMaterialAsync("leaseContract", TestFiles.Pdf(1, "readme"));
        var supplementId = await NewSupplementRequiredAsync();

        Assert.True(commands.Count >= 8, $"only {commands.Count} curl commands found in README.md");
        Assert.Contains(commands, c => c.Contains("--data-urlencode 'q=居住证'", StringComparison.Ordinal));
        foreach (var command in commands)
        {
            var (status, body) = await RunAsync(command.Replace(ReadmeAddress, address, StringComparison.Ordinal)
                .Replace("<applicationId>", id, StringComparison.Ordinal)
                .Replace("<suggestionId>", suggestionId, StringComparison.Ordinal)
                .Replace("<photoUrl>", photoUrl, StringComparison.Ordinal)
                .Replace("<date>", date, StringComparison.Ordinal)
                .Replace("<slotId>", slotId, StringComparison.Ordinal)
                .Replace("<appointmentId>", appointmentId, StringComparison.Ordinal)
                .Replace("<materialId>", materialId, StringComparison.Ordinal)
                .Replace("<supplementApplicationId>", supplementId, StringComparison.Ordinal)
                .Replace("<password>", HubFixture.Password, StringComparison.Ordinal), address);

            Assert.True(status is >= 200 and < 300, $"{command}\nanswered {status}: {body}");
            if (body.TrimStart().StartsWith('{'))
            {
                Assert.NotNull(JsonNode.Parse(body));
            }
        }
    }

    [Fact]
    public async Task Readme_SuggestionSession_TakesTheSuggestionToClosed()
    {
        var commands = CurlCommands(await File.ReadAllTextAsync(Path.Combine(Azurite.RepoRoot(), "README.md")))
            .Where(c => c.Contains("<suggestionId>", StringComparison.Ordinal) || c.Contains("/portal/session", StringComparison.Ordinal)).ToList();
        var (suggestionId, photoUrl) = await NewSuggestionAsync();
        var address = hub.BaseAddress.ToString().TrimEnd('/');

        foreach (var command in commands)
        {
            await RunAsync(command.Replace(ReadmeAddress, address, StringComparison.Ordinal).Replace("<suggestionId>", suggestionId, StringComparison.Ordinal)
                .Replace("<photoUrl>", photoUrl, StringComparison.Ordinal).Replace("<password>", HubFixture.Password, StringComparison.Ordinal), address);
        }

        using var client = hub.CreateClient();
        var view = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/suggestions/{suggestionId}"))!;
        Assert.Equal("Closed", view["status"]!.GetValue<string>());
        Assert.Equal(["submitted", "accepted", "progress", "resolved", "rated"],
            view["timeline"]!.AsArray().Select(s => s!["step"]!.GetValue<string>()));
    }

    // The first bookable slot at 蝶梦 on the hub's clock, and a booking of another resident to read and cancel.
    private async Task<(string Date, string SlotId, string AppointmentId)> NewAppointmentAsync()
    {
        using var client = hub.CreateClient();
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        for (var day = today; day <= today.AddDays(14); day = day.AddDays(1))
        {
            var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var slots = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/communities/DIEMENG/slots?itemCode=MZ-001&date={date}"))!["slots"]!.AsArray()
                .Where(s => s!["remaining"]!.GetValue<int>() >= 2 && s["bookable"]!.GetValue<bool>()).ToList();
            if (slots.Count > 0)
            {
                var slotId = slots[0]!["slotId"]!.GetValue<string>();
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments")
                {
                    Content = JsonContent.Create(Appointments.AppointmentsFixture.Body(date, slotId, ("王小红", Http.CitizenIds.Valid(new DateOnly(1980, 5, 6), 7), "13800001111"))),
                };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                using var booked = await client.SendAsync(request);
                return (date, slotId, (await booked.Content.ReadFromJsonAsync<JsonObject>())!["appointmentId"]!.GetValue<string>());
            }
        }

        throw new InvalidOperationException("蝶梦社区 offers no bookable slot in the next 14 days (is the next year's holiday calendar missing?).");
    }

    // Issue 11: a delivered GA-001 whose department asked for the lease contract (the report through the hub's status path,
    // as the bureau's adapter hands in its BLZT 03 notification), for the README's supplement commands.
    private async Task<string> NewSupplementRequiredAsync()
    {
        using var created = await hub.SubmitAsync(Storage.StorageCallBudgetTests.WithoutMaterials());
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        var caseNumber = (await hub.WaitForAsync(id, a => a["caseNumber"] is not null))["caseNumber"]!.GetValue<string>();
        using var scope = hub.Services.CreateScope();
        var report = new IntegrationHub.Departments.DepartmentStatusReport("GA", id, caseNumber, IntegrationHub.Contracts.ApplicationStatus.SupplementRequired,
            "请补充房屋租赁合同", TimeProvider.System.GetUtcNow().AddMinutes(-1), $"readme-{id}", "03") { MissingMaterials = ["leaseContract"] };
        await scope.ServiceProvider.GetRequiredService<IntegrationHub.Departments.IDepartmentStatusSink>().ApplyAsync(report, CancellationToken.None);
        return id;
    }

    // A suggestion with one photo, as the README's own POST makes it, for the commands that follow it.
    private async Task<(string Id, string PhotoUrl)> NewSuggestionAsync()
    {
        using var form = Suggestions.SuggestionsFixture.Form(Suggestions.SuggestionsFixture.Json(), (Suggestions.Photos.Png(), "image/png"));
        using var client = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/suggestions") { Content = form };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var created = await client.SendAsync(request);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["suggestionId"]!.GetValue<string>();
        var view = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/suggestions/{id}"))!;
        return (id, view["photos"]![0]!["url"]!.GetValue<string>());
    }

    [Fact]
    public void Readme_RawChineseInAUrl_IsNotInAnyExample()
    {
        var commands = CurlCommands(File.ReadAllText(Path.Combine(Azurite.RepoRoot(), "README.md")));

        Assert.All(commands, c => Assert.DoesNotMatch(@"https?://\S*[^\x00-\x7F]", c));
    }

    /// <summary>Each command that starts a line with <c>curl</c>, with the lines it continues on.</summary>
    private static IEnumerable<string> CurlCommands(string readme)
    {
        var lines = readme.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].TrimStart().StartsWith("curl ", StringComparison.Ordinal))
            {
                continue;
            }

            var command = lines[i];
            while (i + 1 < lines.Length && (command.TrimEnd().EndsWith('\\') || command.Count(c => c == '\'') % 2 == 1))
            {
                // A line ending in a backslash continues the command; so does a single-quoted body left open (-d '{ …').
                command = command.TrimEnd().EndsWith('\\') ? command.TrimEnd()[..^1] + " " + lines[++i].Trim() : command + "\n" + lines[++i];
            }

            yield return command.Trim();
        }
    }

    // curl's own configuration file adds the status code after the body, so the command runs exactly as written.
    private static async Task<(int Status, string Body)> RunAsync(string command, string address)
    {
        var home = Directory.CreateTempSubdirectory("hub-curl-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(home.FullName, ".curlrc"), "write-out = \"\\n%{http_code}\"\nmax-time = 30\n");
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Azurite.RepoRoot() };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
            start.Environment["CURL_HOME"] = home.FullName;
            start.Environment["KEY"] = HubFixture.KeyA;
            start.Environment["HUB"] = address;
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            var cut = output.LastIndexOf('\n');
            return (int.TryParse(output[(cut + 1)..], out var status) ? status : -1, cut < 0 ? output : output[..cut]);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
