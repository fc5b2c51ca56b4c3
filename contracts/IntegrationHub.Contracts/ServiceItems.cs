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
    JsonElement? ApplicantSchema);

/// <summary>A page of catalog items.</summary>
/// <param name="Total">How many items matched.</param>
/// <param name="Items">The matching items, in catalog order.</param>
public sealed record ServiceItemList(int Total, IReadOnlyList<ServiceItemSummary> Items);
