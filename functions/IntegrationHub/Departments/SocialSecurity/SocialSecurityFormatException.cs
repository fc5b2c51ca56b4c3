namespace IntegrationHub.Departments.SocialSecurity;

/// <summary>
/// A message that does not fit the gateway's format: an answer that is not the documented envelope, or a form the
/// hub cannot express as the documented body fields (the client turns it into an Invalid outcome).
/// The message never contains personal data: it names fields, not values.
/// </summary>
public sealed class SocialSecurityFormatException : Exception, IFormFault<SocialSecurityFormatException>
{
    public SocialSecurityFormatException()
    {
    }

    public SocialSecurityFormatException(string message)
        : base(message)
    {
    }

    public SocialSecurityFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    static SocialSecurityFormatException IFormFault<SocialSecurityFormatException>.ForField(string field, string reason) => new($"{field}: {reason}");
}
