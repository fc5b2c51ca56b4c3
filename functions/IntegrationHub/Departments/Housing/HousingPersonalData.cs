using IntegrationHub.Privacy;

namespace IntegrationHub.Departments.Housing;

/// <summary>
/// The personal members of the bureau's JSON (Open API v2 and v2.3), decided member by member, for requests and answers.
/// Not personal: request_id, service_code, district_code, submitted_at, gender, ethnicity_code, relation, the amounts
/// and areas, purpose, include_family, the lease dates, attachment type codes and file ids, ticket_no, status, error,
/// and a maintenance fund's balance_fen and last_deposit_at (the fund of a house, not an identifier). The bureau's own
/// texts (message, details[].message, reason) get the safety net for ID- and phone-shaped text.
/// </summary>
internal sealed class HousingPersonalData : IDepartmentPersonalData
{
    // The HOUSING_CERT result, as the adapter passes it on (the bureau's result object, unchanged).
    private static readonly PersonalJson CertificateResult = new(new Dictionary<string, PersonalKind>
    {
        ["certificate_no"] = PersonalKind.Number,
        ["properties[].address"] = PersonalKind.Address,
        ["properties[].property_cert_no"] = PersonalKind.Number,
    });

    private static readonly PersonalJson Json = new(new Dictionary<string, PersonalKind>
    {
        ["applicant.name"] = PersonalKind.Name,
        ["applicant.id_card_no"] = PersonalKind.IdNumber,
        ["applicant.mobile"] = PersonalKind.Phone,
        ["payload.household_members[].name"] = PersonalKind.Name,
        ["payload.household_members[].id_card_no"] = PersonalKind.IdNumber,
        ["payload.landlord.name"] = PersonalKind.Name,
        ["payload.landlord.id_card_no"] = PersonalKind.IdNumber,
        ["payload.property_cert_no"] = PersonalKind.Number,
        ["payload.address"] = PersonalKind.Address,
        ["payload.house_code"] = PersonalKind.Number,
        ["payload.contract_no"] = PersonalKind.Number,

        // Assumption: an employer, the changes a household reports and a supplement note are the resident's own words,
        // which may name anyone: hidden whole.
        ["payload.employer"] = PersonalKind.Text,
        ["payload.changes"] = PersonalKind.Text,
        ["note"] = PersonalKind.Text,
    }.Concat(CertificateResult.Under("result").Paths));

    public string Department => HousingTranslator.Department;

    public PersonalJson Result => CertificateResult;

    public static IReadOnlyDictionary<string, PersonalKind> Paths => Json.Paths;

    public string? MaskPayload(string payload) => Json.MaskText(payload);

    public static IReadOnlyList<PersonalValue> Values(string json) => Json.Values(PersonalJson.Parse(json));
}
