using IntegrationHub.Composition;

namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// How a sandbox joins the configuration: it stands in for a department only while that department's BaseUrl is
/// unset. Credentials given without a BaseUrl would be overwritten by the sandbox's own in silence, so they stop the
/// start instead; timing the sandbox suggests fills in only what is not configured.
/// </summary>
internal static class SandboxSettings
{
    public static bool Wanted(IConfiguration configuration, string section, params string[] credentialKeys)
    {
        if (!string.IsNullOrEmpty(configuration[$"{section}:BaseUrl"]))
        {
            return false;
        }

        Settings.ThrowIfAny(section, [.. credentialKeys
            .Where(key => !string.IsNullOrEmpty(configuration[$"{section}:{key}"]))
            .Select(key => Settings.Describe($"{section}:{key}",
                $"is set but {section}:BaseUrl is not, so the local run would use its sandbox and ignore it: set BaseUrl too, or remove it."))]);
        return true;
    }

    public static void Add(WebApplicationBuilder builder, string section, Dictionary<string, string> values, Dictionary<string, string>? defaults = null)
    {
        var settings = values.ToDictionary(v => $"{section}:{v.Key}", string? (v) => v.Value);
        foreach (var (key, value) in defaults ?? [])
        {
            if (string.IsNullOrEmpty(builder.Configuration[$"{section}:{key}"]))
            {
                settings[$"{section}:{key}"] = value;
            }
        }

        builder.Configuration.AddInMemoryCollection(settings);
    }
}
