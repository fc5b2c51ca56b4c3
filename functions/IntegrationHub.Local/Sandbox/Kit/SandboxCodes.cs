using System.Globalization;
using IntegrationHub.Applications;

namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// The shared data standards every department checks (../shared/departments/README.md): GB/T 2260 Xuzhou districts,
/// GB 3304 ethnic groups, and GB 11643 ID numbers through the hub's own <see cref="CitizenId"/> (one implementation of
/// the check digit; a department that disagreed with the standard would be a bug in both).
/// </summary>
internal static class SandboxCodes
{
    public static readonly HashSet<string> Districts =
        ["320300", "320302", "320303", "320305", "320311", "320312", "320321", "320322", "320324", "320381", "320382"];

    public static readonly HashSet<string> Ethnicities =
        [.. Enumerable.Range(1, 56).Select(n => n.ToString("00", CultureInfo.InvariantCulture)), "97", "98"];

    public static bool IsCitizenId(string value) => CitizenId.IsValid(value);
}
