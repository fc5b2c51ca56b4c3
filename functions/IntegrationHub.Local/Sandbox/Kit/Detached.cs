namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// Background work of a sandbox bureau (its later notifications and webhooks), started without the context of the
/// request that caused it: a real bureau's callback knows nothing of the hub's trace, so the in-process sandbox must not
/// carry it along (its HttpClient would otherwise send the hub's own traceparent back).
/// </summary>
internal static class Detached
{
    public static Task Run(Func<Task> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }
}
