using System.Text.Json;

namespace IntegrationHub.Contracts;

/// <summary>One community service item as listed in the catalog.</summary>
/// <param name="Code">The city's item code, e.g. <c>GA-001</c>.</param>
/// <param name="NameZh">The official Chinese name.</param>
/// <param name="NameEn">The English name.</param>
/// <param name="Department">The department code: GA, FG, RS, MZ, CL or WJ.</param>
/// <param name="DepartmentName">The department's Chinese name.</param>
/// <param name="Online">Whether residents can apply for the item online through the hub.</param>
/// <param name="Description">A one-line description.</param>
public sealed record ServiceItemSummary(
    string Code,
    string NameZh,
    string NameEn,
    string Department,
    string DepartmentName,
    bool Online,
    string Description);

/// <summary>One service item with its application form schema (online items only).</summary>
/// <param name="Code">The city's item code.</param>
/// <param name="NameZh">The official Chinese name.</param>
/// <param name="NameEn">The English name.</param>
/// <param name="Department">The department code.</param>
/// <param name="DepartmentName">The department's Chinese name.</param>
/// <param name="Online">Whether residents can apply online.</param>
/// <param name="Description">A one-line description.</param>
/// <param name="GuideUrl">The relative URL of the item's procedure guide.</param>
/// <param name="FormSchema">The JSON Schema (draft 2020-12) of the item-specific form; null for guide-only items.</param>
/// <param name="ApplicantSchema">The JSON Schema of the common applicant part; null for guide-only items.</param>
public sealed record ServiceItemDetail(
    string Code,
    string NameZh,
    string NameEn,
    string Department,
    string DepartmentName,
    bool Online,
    string Description,
    string GuideUrl,
    JsonElement? FormSchema,
    JsonElement? ApplicantSchema)
{
    /// <summary>The electronic materials an online item takes (empty when it takes none, and for guide-only items).</summary>
    public IReadOnlyList<ItemMaterial> Materials { get; init; } = [];
}

/// <summary>A page of catalog items.</summary>
/// <param name="Total">How many items matched.</param>
/// <param name="Items">The matching items, in catalog order.</param>
public sealed record ServiceItemList(int Total, IReadOnlyList<ServiceItemSummary> Items);

/// <summary>
/// One electronic material an online item takes (issue 11). <see cref="Requirement"/> says when it must be sent:
/// <c>required</c> always, <c>conditional</c> exactly when <see cref="RequiredWhen"/> holds (and it is not taken
/// otherwise), <c>optional</c> may be sent.
/// </summary>
/// <param name="Code">The hub's material code, e.g. <c>leaseContract</c>; what <c>POST /api/v1/materials</c> takes as <c>code</c>.</param>
/// <param name="Name">The Chinese name, as in the item's guide (its materials list).</param>
/// <param name="Requirement"><c>required</c>, <c>conditional</c> or <c>optional</c>.</param>
/// <param name="RequiredWhen">For <c>conditional</c>: the form field and the values that make it required.</param>
/// <param name="MediaTypes">The accepted types, judged by the file's bytes.</param>
/// <param name="MaxBytes">The department's size limit.</param>
/// <param name="MaxPages">The most pages a PDF may have.</param>
/// <param name="MaxPixels">The most pixels (width × height) an image may have.</param>
public sealed record ItemMaterial(
    string Code,
    string Name,
    string Requirement,
    MaterialCondition? RequiredWhen,
    IReadOnlyList<string> MediaTypes,
    long MaxBytes,
    int MaxPages,
    long MaxPixels);

/// <summary>A condition on the item's form: <see cref="Field"/> is one of <see cref="In"/> (or, with <see cref="Except"/>, none of them).</summary>
/// <param name="Field">The form field, e.g. <c>dwellingType</c>.</param>
/// <param name="In">The values.</param>
/// <param name="Except">True when the condition is that the field is none of the values.</param>
public sealed record MaterialCondition(string Field, IReadOnlyList<string> In, bool Except = false);
