namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// One department's sandbox set-up, in that department's sandbox folder. <see cref="Sandboxes.AddSandboxes"/> finds every
/// implementation in this assembly, so adding a department needs no line here.
/// </summary>
internal interface ISandboxSetup
{
    /// <summary>The department's name in the start-up log.</summary>
    string Department { get; }

    /// <summary>Starts the sandbox and points the hub's configuration at it, or null when the department is configured for real.</summary>
    SandboxDepartment? Start(WebApplicationBuilder builder);

    /// <summary>Registers the hub's callback URL with the sandbox once the hub's address is known.</summary>
    void Connect(SandboxDepartment sandbox, string hub)
    {
    }
}

/// <summary>The sandboxes the local run started, to be connected to the hub and stopped with it.</summary>
internal sealed class StartedSandboxes(IReadOnlyList<(ISandboxSetup Setup, SandboxDepartment Sandbox)> started)
{
    public IReadOnlyList<(ISandboxSetup Setup, SandboxDepartment Sandbox)> All { get; } = started;
}

/// <summary>
/// For each department whose base URL is not configured, the local run starts its sandbox (a WireMock.Net server that
/// follows the department's document) and points the hub at it, so the whole flow runs on a fresh machine. Configure a
/// real test environment and that sandbox stays off.
/// </summary>
internal static partial class Sandboxes
{
    private static readonly ISandboxSetup[] Setups = [.. typeof(ISandboxSetup).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.IsAssignableTo(typeof(ISandboxSetup)))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (ISandboxSetup)Activator.CreateInstance(t)!)];

    public static StartedSandboxes AddSandboxes(this WebApplicationBuilder builder) =>
        new([.. Setups.Select(setup => (setup, sandbox: setup.Start(builder)))
            .Where(s => s.sandbox is not null)
            .Select(s => (s.setup, s.sandbox!))]);

    /// <summary>Connects each started sandbox to the hub once its port is known, and stops it with the hub.</summary>
    public static void UseSandboxes(this WebApplication app, StartedSandboxes sandboxes)
    {
        foreach (var (setup, sandbox) in sandboxes.All)
        {
            app.Lifetime.ApplicationStarted.Register(() => setup.Connect(sandbox, app.Urls.First()));
            app.Lifetime.ApplicationStopped.Register(() => sandbox.DisposeAsync().AsTask().GetAwaiter().GetResult());
            Listening(app.Logger, setup.Department, sandbox.BaseUrl);
        }
    }

    [LoggerMessage(EventId = 9501, Level = LogLevel.Information, Message = "Sandbox {Department} listening on {BaseUrl}")]
    private static partial void Listening(ILogger logger, string department, Uri baseUrl);
}
