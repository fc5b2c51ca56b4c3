using IntegrationHub.Privacy;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>
/// The personal elements of the bureau's XML (interface v2.1 and v2.2), decided element by element. Element names mean
/// the same wherever they appear (GMSFHM, XM and LXDH under SQR and under every ZH), so the declaration is by name.
/// Not personal: the head (YWLX, LSH, SQSJ, SQQD, SSXQ), XBDM, MZDM, the codes and dates of the item (LZRQ, JZSY, ZSLX,
/// ZMYT, ZLQSRQ, ZLZZRQ), YZJ, material codes and ids (CLBM, CLID), and the bureau's answer (Code, Message, SLBH, JD,
/// LQDD: a police station's pick-up place, not the resident's). Message gets the safety net for ID- and phone-shaped text.
/// </summary>
internal sealed class PublicSecurityPersonalData : IDepartmentPersonalData
{
    private static readonly PersonalXml Xml = new(new Dictionary<string, PersonalKind>
    {
        ["GMSFHM"] = PersonalKind.IdNumber,
        ["XM"] = PersonalKind.Name,

        // Assumption: the birth date is masked like a number: it is the middle of the ID number that the ID mask hides.
        ["CSRQ"] = PersonalKind.Number,
        ["LXDH"] = PersonalKind.Phone,
        ["XZZ"] = PersonalKind.Address,
        ["FZGMSFHM"] = PersonalKind.IdNumber,
        ["FZXM"] = PersonalKind.Name,
        ["JZDJBH"] = PersonalKind.Number,
        ["ZPBH"] = PersonalKind.Number,

        // Assumption: an employer or school, a purpose text, a supplement note and a withdrawal reason are the resident's
        // own words, which may name anyone: hidden whole.
        ["FWCS"] = PersonalKind.Text,
        ["ZMYTSM"] = PersonalKind.Text,
        ["BZSM"] = PersonalKind.Text,
        ["CHYY"] = PersonalKind.Text,
        ["JZZBH"] = PersonalKind.Number,
        ["SLH"] = PersonalKind.Number,
        ["FWDZ"] = PersonalKind.Address,
        ["BDCQZH"] = PersonalKind.Number,
    });

    public string Department => PublicSecurityTranslator.Department;

    /// <summary>The instant result (SFZJD: jd, jdLabel, lqdd) carries nothing personal.</summary>
    public PersonalJson Result => PersonalJson.Empty;

    public static IReadOnlyDictionary<string, PersonalKind> Elements => Xml.Elements;

    public string? MaskPayload(string payload) => Xml.Mask(payload);

    public static IReadOnlyList<PersonalValue> Values(string xml) => Xml.Values(xml);
}
