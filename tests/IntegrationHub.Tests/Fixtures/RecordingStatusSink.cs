using IntegrationHub.Departments;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>Records what the adapter hands to the status model and answers what the test tells it to.</summary>
internal sealed class RecordingStatusSink : IDepartmentStatusSink
{
    private readonly List<DepartmentStatusReport> _reports = [];
    private readonly Lock _gate = new();

    public ReportOutcome Outcome { get; set; } = ReportOutcome.Applied;

    /// <summary>How many of the next calls throw, as a store outage would.</summary>
    public int FailNext { get; set; }

    public IReadOnlyList<DepartmentStatusReport> Reports
    {
        get
        {
            lock (_gate)
            {
                return [.. _reports];
            }
        }
    }

    public Task<ReportOutcome> ApplyAsync(DepartmentStatusReport report, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (FailNext > 0)
            {
                FailNext--;
                throw new InvalidOperationException("The status store is unavailable.");
            }

            _reports.Add(report);
            return Task.FromResult(Outcome);
        }
    }
}
