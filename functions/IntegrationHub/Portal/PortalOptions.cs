using System.ComponentModel.DataAnnotations;

namespace IntegrationHub.Portal;

/// <summary>Operator sign-in and the portal's rules.</summary>
public sealed class PortalOptions : IValidatableObject
{
    public const string Section = "Portal";

    /// <summary>Configured accounts (the local run); on Azure, App Service authentication instead.</summary>
    public List<PortalAccount> Accounts { get; set; } = [];

    /// <summary>On Azure: trust the App Service authentication header (X-MS-CLIENT-PRINCIPAL) set by the platform in front of the app.</summary>
    public bool TrustAppServiceAuthentication { get; set; }

    /// <summary>App Service role claim values mapped to the portal's roles.</summary>
    public string OperatorRoleClaim { get; set; } = "Hub.Operator";

    public string ViewerRoleClaim { get; set; } = "Hub.Viewer";

    /// <summary>Key that signs session cookies (at least 32 characters).</summary>
    [Required, MinLength(32)]
    public string SessionKey { get; set; } = "";

    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The city's rule: an application without a department answer this long after submission is flagged.</summary>
    public TimeSpan UnacknowledgedAfter { get; set; } = TimeSpan.FromHours(24);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var account in Accounts)
        {
            if (account.User.Length == 0 || account.Password.Length < 8 || account.Role is not (PortalRoles.Viewer or PortalRoles.Operator))
            {
                yield return new ValidationResult(
                    $"Portal account '{account.User}' needs a user, a password of 8+ characters and role viewer or operator.", [nameof(Accounts)]);
            }
        }
    }
}

public sealed class PortalAccount
{
    public string User { get; set; } = "";

    public string Password { get; set; } = "";

    public string Role { get; set; } = PortalRoles.Viewer;
}

public static class PortalRoles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
}

/// <summary>The signed-in operator.</summary>
public sealed record PortalUser(string Name, string Role)
{
    public bool IsOperator => Role == PortalRoles.Operator;
}
