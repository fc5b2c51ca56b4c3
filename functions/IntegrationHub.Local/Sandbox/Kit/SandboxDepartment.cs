using System.Globalization;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// The skeleton every sandbox department shares: a loopback WireMock.Net server, one lock over the department's state,
/// the department's clock, its callbacks (notifications, webhooks) re-sent in the background until acknowledged, and a
/// disposal that stops those callbacks before the server. What a department answers stays in its own folder.
/// </summary>
internal abstract class SandboxDepartment : IAsyncDisposable
{
    /// <summary>China Standard Time: every department stamps and reads times in +08:00.</summary>
    protected static readonly TimeSpan China = TimeSpan.FromHours(8);

    private readonly List<Task> _background = [];
    private readonly CancellationTokenSource _stopping = new();

    protected SandboxDepartment(TimeProvider timeProvider, int port, TimeSpan callbackTimeout)
    {
        Time = timeProvider;
        Callbacks = new HttpClient { Timeout = callbackTimeout };
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"],
            Logger = new WireMockNullLogger(),
            MaxRequestLogCount = 200,
        });
    }

    /// <summary>The department's base address (give it to the hub as Departments:&lt;Department&gt;:BaseUrl).</summary>
    public Uri BaseUrl => new(Server.Urls[0]);

    /// <summary>Every material upload the department answered with an id, in order (a repeat carries the first id).</summary>
    public IReadOnlyList<ReceivedMaterial> MaterialsReceived => Read(() => Materials.Uploads.ToList());

    /// <summary>Every supplement the department accepted.</summary>
    public IReadOnlyList<ReceivedCaseRequest> SupplementsReceived => Read(() => Cases.Supplements.ToList());

    /// <summary>Every withdrawal the department accepted.</summary>
    public IReadOnlyList<ReceivedCaseRequest> WithdrawalsReceived => Read(() => Cases.Withdrawals.ToList());

    /// <summary>
    /// True: an application without a material its item requires is refused (公安 2002, 房管 400, 人社 1002), as the
    /// documents say. False (the default, for callers written before 公安 v2.2 / 房管 v2.3 / 人社 v3.1): only that check is
    /// skipped; every material an application does reference is still checked. The local run turns it on.
    /// </summary>
    public bool RequireMaterials { get; set; }

    /// <summary>
    /// The next <paramref name="times"/> applications (not material uploads, supplements, withdrawals or queries) are
    /// refused as the department's transient "busy" before it looks at them, so a test can make the hub retry an
    /// application whose materials the department already stored.
    /// </summary>
    public void GivenApplicationsBusy(int times = 1) => Set(() => _applicationsBusy = times);

    /// <summary>True (and one fewer left) when the application now arriving is to be refused as busy; call under the lock.</summary>
    protected bool TakeApplicationBusy()
    {
        if (_applicationsBusy <= 0)
        {
            return false;
        }

        _applicationsBusy--;
        return true;
    }

    private int _applicationsBusy;

    /// <summary>Random faults for soak runs; off (null) unless set: without them the sandbox behaves as its document says.</summary>
    public SandboxFaults? Faults { get; set; }

    protected WireMockServer Server { get; }

    /// <summary>The department's uploaded materials; ids in its own format.</summary>
    private protected abstract SandboxMaterials Materials { get; }

    private protected SandboxCases Cases { get; } = new();

    protected TimeProvider Time { get; }

    /// <summary>The client the department calls the connecting system with; its timeout is the document's answer window.</summary>
    protected HttpClient Callbacks { get; }

    /// <summary>Guards all of the department's state; handlers hold it while they decide.</summary>
    protected Lock Gate { get; } = new();

    protected CancellationToken Stopping => _stopping.Token;

    /// <summary>Where a case stands (by the department's case number: SLBH, ticket_no, AAZ002), or null for an unknown one.</summary>
    public SandboxCaseState? CaseState(string caseNumber) => Read(() => Cases.State(caseNumber));

    protected DateTimeOffset Now() => Time.GetUtcNow().ToOffset(China);

    protected T Read<T>(Func<T> read)
    {
        lock (Gate)
        {
            return read();
        }
    }

    protected void Set(Action change)
    {
        lock (Gate)
        {
            change();
        }
    }

    /// <summary>Starts background work (a clerk's later callbacks) that the sandbox waits for, or cancels, when it stops.</summary>
    protected void RunInBackground(Func<Task> work)
    {
        var task = Detached.Run(work);
        lock (Gate)
        {
            _background.Add(task);
        }
    }

    /// <summary>
    /// One callback delivered the way departments do: an attempt after each wait of <paramref name="waits"/> until
    /// <paramref name="attempt"/> reports an acknowledgement. No answer in time, or nobody listening, is an attempt spent.
    /// </summary>
    protected async Task DeliverUntilAcknowledgedAsync(IEnumerable<TimeSpan> waits, Func<Task<bool>> attempt)
    {
        foreach (var wait in waits)
        {
            await Task.Delay(wait, Time, Stopping).ConfigureAwait(false);
            try
            {
                if (await attempt().ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !Stopping.IsCancellationRequested))
            {
                // No answer within the window, or nobody listening: the same as no acknowledgement.
            }
        }
    }

    /// <summary>A forged callback's send: the connecting system's HTTP status, or null when it could not be reached.</summary>
    protected async Task<T?> SendOrNullAsync<T>(Func<Task<T>> send)
        where T : struct
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !Stopping.IsCancellationRequested))
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] pending;
        lock (Gate)
        {
            pending = [.. _background];
        }

        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Callbacks still waiting are abandoned with the sandbox.
        }

        Server.Stop();
        Server.Dispose();
        Callbacks.Dispose();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
