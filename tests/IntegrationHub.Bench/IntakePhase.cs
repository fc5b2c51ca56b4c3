namespace IntegrationHub.Bench;

/// <summary>(b) the hub's intake, <c>POST /api/v1/applications</c> with GA-001 and distinct keys, at every client count.</summary>
internal static class IntakePhase
{
    public const string Name = "hub intake";
    public const string Item = "GA-001";

    public static async Task<IReadOnlyList<Step>> RunAsync(BenchStack stack, BenchOptions options, ApplicationSource source, CancellationToken cancellationToken)
    {
        // Uploaded before the first timed window, so intake figures stay comparable with the runs before issue 11.
        var materials = await stack.UploadMaterialsAsync([Item], cancellationToken);
        var steps = new List<Step>();
        foreach (var clients in options.Clients)
        {
            using var http = LoadHttp.Create(clients, stack.Hub.Url);
            var step = await ClosedLoop.RunAsync(Name, clients, options.Warmup, options.Duration, options.Timeout,
                async (_, ct) => (await Intake.SubmitAsync(http, source.Next(Item, materials), stack.PlatformKey, ct)).Outcome, stack.Watch, cancellationToken);
            steps.Add(step);
            Console.WriteLine($"  {FloorPhase.Line(step)}");
            if (step.Usage?.DepartmentCalls is > 0 and var calls)
            {
                Console.WriteLine($"  warning: the hub called the departments {calls} times during intake; its dispatcher was not idle");
            }
        }

        return steps;
    }
}
