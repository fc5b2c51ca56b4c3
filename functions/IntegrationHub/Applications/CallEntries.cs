using IntegrationHub.Departments;
using IntegrationHub.Storage;

namespace IntegrationHub.Applications;

/// <summary>Puts the requests a step took on its timeline entry, so operators see every call a department received.</summary>
internal static class CallEntries
{
    public static TimelineEntity WithCalls(this TimelineEntity entry, IReadOnlyList<DepartmentCall>? calls)
    {
        if (calls is { Count: > 0 })
        {
            entry.CallCount = DepartmentCall.CountOf(calls);
            entry.Calls = DepartmentCall.ToJson(calls);
        }

        return entry;
    }
}
