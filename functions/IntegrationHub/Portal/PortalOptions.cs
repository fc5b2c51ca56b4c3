using System.ComponentModel.DataAnnotations;
using IntegrationHub.Composition;

namespace IntegrationHub.Portal;

/// <summary>Operator sign-in and the portal's rules.</summary>
internal sealed class PortalOptions : IValidatableObject
{
    public const string Section = "Portal";

    /// <summary>Configured accounts (the local run); on Azure, App Service authentication instead.</summary>
    public List<PortalAccount> Accounts { get; set; } = [];

    /// <summary>On Azure: trust the App Service authentication header (X-MS-CLIENT-PRINCIPAL) set by the platform in front of the app.</summary>
    public bool TrustAppServiceAuthentication { get; set; }

    /// <summary>App Service role claim values mapped to the portal's roles.</summary>
    [Required]
    public string OperatorRoleClaim { get; set; } = "Hub.Operator";

    [Required]
    public string ViewerRoleClaim { get; set; } = "Hub.Viewer";

    /// <summary>App Service role claim prefixes for the community roles: <c>Hub.CommunityWorker:&lt;community code&gt;</c>.</summary>
    [Required]
    public string CommunityWorkerRoleClaim { get; set; } = "Hub.CommunityWorker";

    /// <summary><c>Hub.StreetSupervisor:&lt;street code&gt;</c>.</summary>
    [Required]
    public string StreetSupervisorRoleClaim { get; set; } = "Hub.StreetSupervisor";

    /// <summary>Key that signs session cookies (at least 32 characters).</summary>
    [Required, MinLength(32)]
    public string SessionKey { get; set; } = "";

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The city's rule: an application without a department answer this long after submission is flagged.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan UnacknowledgedAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The origin browsers load the portal from (<c>https://host[:port]</c>), when a proxy in front of the hub makes the
    /// request's own scheme and host differ from it; unset, a state-changing call must come from the request's own origin.
    /// </summary>
    public Uri? PublicOrigin { get; set; }

    public SignInRules SignIn { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Accounts.Count == 0 && !TrustAppServiceAuthentication)
        {
            yield return new ValidationResult(
                "is empty and TrustAppServiceAuthentication is off, so nobody could sign in: configure accounts or App Service authentication.",
                [nameof(Accounts)]);
        }

        for (var i = 0; i < Accounts.Count; i++)
        {
            var account = Accounts[i];
            var at = $"{nameof(Accounts)}.{i}.";
            if (!IsUserName(account.User))
            {
                yield return new ValidationResult("must be 1-64 ASCII letters, digits and . _ @ -.", [at + nameof(PortalAccount.User)]);
            }

            // Never echo a password: this message reaches the startup log.
            if (account.Password.Length < 8)
            {
                yield return new ValidationResult("must be at least 8 characters.", [at + nameof(PortalAccount.Password)]);
            }

            if (account.Role is not (PortalRoles.Viewer or PortalRoles.Operator or PortalRoles.CommunityWorker or PortalRoles.StreetSupervisor))
            {
                yield return new ValidationResult(
                    $"must be {PortalRoles.Viewer}, {PortalRoles.Operator}, {PortalRoles.CommunityWorker} or {PortalRoles.StreetSupervisor}.", [at + nameof(PortalAccount.Role)]);
            }

            // Issue 12: a community worker belongs to one community, a street supervisor to one street (codes checked
            // against the registry at start by Suggestions' CommunityAccountsValidator).
            if ((account.Role == PortalRoles.CommunityWorker) != !string.IsNullOrEmpty(account.Community))
            {
                yield return new ValidationResult($"is required for, and only for, the {PortalRoles.CommunityWorker} role.", [at + nameof(PortalAccount.Community)]);
            }

            if ((account.Role == PortalRoles.StreetSupervisor) != !string.IsNullOrEmpty(account.Street))
            {
                yield return new ValidationResult($"is required for, and only for, the {PortalRoles.StreetSupervisor} role.", [at + nameof(PortalAccount.Street)]);
            }
        }

        foreach (var user in Accounts.GroupBy(a => a.User, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            yield return new ValidationResult($"names user '{user}' more than once: user names must be unique.", [nameof(Accounts)]);
        }

        if (string.Equals(OperatorRoleClaim, ViewerRoleClaim, StringComparison.Ordinal))
        {
            yield return new ValidationResult("must differ from ViewerRoleClaim, or every viewer would be an operator.", [nameof(OperatorRoleClaim)]);
        }

        if (PublicOrigin is { } origin && (!origin.IsAbsoluteUri || (origin.Scheme != Uri.UriSchemeHttp && origin.Scheme != Uri.UriSchemeHttps)
            || origin.AbsolutePath != "/" || origin.Query.Length > 0 || origin.Fragment.Length > 0 || origin.UserInfo.Length > 0))
        {
            yield return new ValidationResult("must be an origin: http(s)://host[:port] with no path, query or fragment.", [nameof(PublicOrigin)]);
        }

        foreach (var result in Settings.ValidateMember(SignIn, nameof(SignIn)))
        {
            yield return result;
        }
    }

    /// <summary>The origin a state-changing call must come from, as browsers write it in <c>Origin</c>.</summary>
    public string? PublicOriginText() => PublicOrigin?.GetLeftPart(UriPartial.Authority);

    internal static bool IsUserName(string user) =>
        user.Length is >= 1 and <= 64 && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '@' or '-');
}

/// <summary>
/// How hard sign-in is to guess at: attempts per account and per client address in a window (held in each
/// instance's memory), and a lockout after repeated failures (held in storage, so every instance honours it).
/// </summary>
internal sealed class SignInRules
{
    /// <summary>Sign-in attempts per account name in <see cref="Window"/>, right or wrong.</summary>
    [Range(1, 1000)]
    public int AttemptsPerAccount { get; set; } = 10;

    /// <summary>Sign-in attempts per client address in <see cref="Window"/>, whatever the account.</summary>
    [Range(1, 100_000)]
    public int AttemptsPerAddress { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Wrong passwords for one account within <see cref="LockoutWindow"/> that lock it.</summary>
    [Range(1, 100)]
    public int LockoutThreshold { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan LockoutWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a locked account refuses every sign-in, the right password included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}

internal sealed class PortalAccount
{
    public string User { get; set; } = "";

    public string Password { get; set; } = "";

    public string Role { get; set; } = PortalRoles.Viewer;

    /// <summary>For a community worker: the code of the community it works for.</summary>
    public string? Community { get; set; }

    /// <summary>For a street supervisor: the code of the street office it supervises.</summary>
    public string? Street { get; set; }

    /// <summary>The community or street the account is bound to, if any.</summary>
    public string? Scope => Community ?? Street;
}

internal static class PortalRoles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";

    /// <summary>全科社工: handles its community's suggestions (issue 12).</summary>
    public const string CommunityWorker = "community-worker";

    /// <summary>街道主管: sees every community of its street, breaches first (issue 12).</summary>
    public const string StreetSupervisor = "street-supervisor";
}

/// <summary>The signed-in user; <see cref="Scope"/> is the community or street of a community worker or street supervisor.</summary>
internal sealed record PortalUser(string Name, string Role, string? Scope = null)
{
    public bool IsOperator => Role == PortalRoles.Operator;

    /// <summary>The hub's own staff (operators, viewers), who see applications; community roles see suggestions only.</summary>
    public bool IsHubStaff => Role is PortalRoles.Operator or PortalRoles.Viewer;
}
