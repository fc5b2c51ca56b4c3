namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>
/// A message that does not fit the bureau's format: a bureau answer or notification that is not the
/// documented GB18030 XML (the notification endpoint turns it into a 400), or a form the hub cannot
/// express as the documented elements (the client turns it into an Invalid outcome).
/// The message never contains personal data: it names elements, not values.
/// </summary>
public sealed class PublicSecurityFormatException : Exception, IFormFault<PublicSecurityFormatException>
{
    public PublicSecurityFormatException()
    {
    }

    public PublicSecurityFormatException(string message)
        : base(message)
    {
    }

    public PublicSecurityFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    static PublicSecurityFormatException IFormFault<PublicSecurityFormatException>.ForField(string field, string reason) => new($"{field}: {reason}");
}
