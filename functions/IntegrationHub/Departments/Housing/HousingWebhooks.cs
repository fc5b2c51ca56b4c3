using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Departments.Housing;

/// <summary>
/// The bureau's signed webhooks (<c>POST /api/v1/departments/fg/webhooks</c> in both hosts), answered by the kit's
/// <see cref="DepartmentInbound"/>: verified by <c>X-FG-Signature</c>, read as JSON, acknowledged with a bare 200.
/// Repeats and out-of-order events are the status model's to judge.
/// </summary>
internal sealed class HousingWebhooks(HousingOptions options) : IDepartmentInbound<Ok>
{
    public const string SignatureHeader = "X-FG-Signature";

    private const string SignaturePrefix = "sha256=";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.WebhookSecret);

    public string Department => HousingTranslator.Department;

    public string UnsignedDetail => $"The webhook is not signed with the client's webhook secret ({SignatureHeader}).";

    // Assumption: no replay window (the document gives webhooks no timestamp); a repeat is recognised by its event_id
    // downstream.
    public string? Refusal(IHeaderDictionary headers, byte[] body) =>
        IsSigned(headers[SignatureHeader], body) ? null : $"missing or bad {SignatureHeader}";

    public bool TryRead(byte[] body, [NotNullWhen(true)] out DepartmentStatusReport? report, [NotNullWhen(false)] out ProblemHttpResult? malformed)
    {
        try
        {
            report = HousingTranslator.ToReport(body);
            malformed = null;
            return true;
        }
        catch (HousingFormatException e)
        {
            report = null;
            malformed = Problems.Field(e.Field, e.Reason);
            return false;
        }
    }

    public Ok Acknowledge() => TypedResults.Ok();

    // sha256=<64 hex>. Assumption: the hex is compared as bytes, so upper-case hex is accepted too; the prefix is exact.
    private bool IsSigned(string? header, byte[] body)
    {
        if (header is null || !header.StartsWith(SignaturePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var expected = HMACSHA256.HashData(_key, body);
        var hex = header.AsSpan(SignaturePrefix.Length);
        var presented = new byte[expected.Length];
        return hex.Length == expected.Length * 2
            && Convert.FromHexString(hex, presented, out _, out _) == OperationStatus.Done
            && CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}
