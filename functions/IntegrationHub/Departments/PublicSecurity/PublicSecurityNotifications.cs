using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>
/// The bureau's signed notifications (<c>POST /api/v1/departments/ga/notifications</c> in both hosts), answered by the
/// kit's <see cref="DepartmentInbound"/>: verified by the headers' HMAC, read as GB18030 XML, acknowledged with
/// <c>&lt;NotifyAck&gt;</c>.
/// </summary>
internal sealed class PublicSecurityNotifications(PublicSecurityOptions options, PublicSecuritySigner signer)
    : IDepartmentInbound<FileContentHttpResult>
{
    public string Department => PublicSecurityTranslator.Department;

    public string UnsignedDetail => "The notification is not signed by the bureau, or its timestamp is outside the allowed window.";

    // Assumption: X-SJS is not remembered here. A replay inside the 300 s window carries the same SLBH|BLZT|BLSJ,
    // which the sink already recognises as a duplicate, so a nonce store would add state without adding safety.
    public string? Refusal(IHeaderDictionary headers, byte[] body)
    {
        string? accessUnit = headers[PublicSecuritySignature.AccessUnitHeader];
        var check = accessUnit == options.BureauCode
            ? signer.Verify(accessUnit, headers[PublicSecuritySignature.TimestampHeader], headers[PublicSecuritySignature.NonceHeader],
                headers[PublicSecuritySignature.SignatureHeader], body, options.ClockSkew)
            : SignatureCheck.BadSignature;
        return check == SignatureCheck.Valid ? null : $"{check} ({PublicSecuritySignature.AccessUnitHeader} {accessUnit})";
    }

    public bool TryRead(byte[] body, [NotNullWhen(true)] out DepartmentStatusReport? report, [NotNullWhen(false)] out ProblemHttpResult? malformed)
    {
        try
        {
            report = PublicSecurityTranslator.ToReport(body);
            malformed = null;
            return true;
        }
        catch (PublicSecurityFormatException e)
        {
            report = null;
            malformed = TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request", detail: e.Message);
            return false;
        }
    }

    public FileContentHttpResult Acknowledge() => TypedResults.Bytes(PublicSecurityTranslator.NotifyAck, PublicSecurityTranslator.ContentType);
}
