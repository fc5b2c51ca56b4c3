using System.Text.Json.Serialization;

namespace IntegrationHub.Contracts;

/// <summary>The procedure guide (办事指南) of one service item.</summary>
/// <param name="ItemCode">The item code.</param>
/// <param name="ItemType">事项类型: 行政许可, 行政给付, 行政确认, 公共服务 …</param>
/// <param name="LegalBasis">设定依据: the laws, regulations and policy documents the item rests on, each with its article.</param>
/// <param name="ImplementingAuthority">实施主体: the body that decides, which may differ from the catalog department that routes the item.</param>
/// <param name="HandlingAgency">承办机构.</param>
/// <param name="EligibleApplicants">申请对象: who can apply.</param>
/// <param name="Conditions">受理条件: eligibility and acceptance conditions.</param>
/// <param name="Materials">申请材料.</param>
/// <param name="Steps">办理流程.</param>
/// <param name="Channels">办理渠道: window, online.</param>
/// <param name="CaseType">办件类型: 即办件 or 承诺件.</param>
/// <param name="StatutoryTimeLimitDays">法定办结时限 as the law counts it (see <paramref name="StatutoryTimeLimitUnit"/>);
/// null when no law or regulation sets one.</param>
/// <param name="StatutoryTimeLimitUnit">工作日 or 日 (the law's own unit); null with the limit.</param>
/// <param name="StatutoryTimeLimitSource">The article that sets the statutory limit, or 法律法规未设定 when none does.</param>
/// <param name="CommittedTimeLimitDays">承诺办结时限 in working days, never more than the statutory limit; 0 for 即办件;
/// null when the city's commitment is not known here (the guide then says where it is stated).</param>
/// <param name="CommittedTimeLimitSource">Where the committed limit comes from; null with the limit.</param>
/// <param name="TimeLimitNote">How the limits are counted.</param>
/// <param name="ClockStoppingProcedures">特别程序 that do not count toward the time limits.</param>
/// <param name="Fees">收费.</param>
/// <param name="Result">办理结果 and how it is delivered.</param>
/// <param name="Place">办理地点 and office hours.</param>
/// <param name="OnSiteVisits">到现场次数.</param>
/// <param name="EnquiryPhone">咨询电话.</param>
/// <param name="ComplaintChannel">监督投诉渠道.</param>
/// <param name="Faq">常见问题.</param>
/// <param name="LocalFacts">The Xuzhou facts (amounts, thresholds, places, phone numbers) the guide relies on, each with its source
/// and date, or whom to ask where the hub does not know the fact.</param>
public sealed record ProcedureGuide(
    string ItemCode,
    string ItemType,
    IReadOnlyList<LegalBasis> LegalBasis,
    string ImplementingAuthority,
    string HandlingAgency,
    string EligibleApplicants,
    IReadOnlyList<string> Conditions,
    IReadOnlyList<GuideMaterial> Materials,
    IReadOnlyList<GuideStep> Steps,
    IReadOnlyList<GuideChannel> Channels,
    string CaseType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? StatutoryTimeLimitDays,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StatutoryTimeLimitUnit,
    string StatutoryTimeLimitSource,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? CommittedTimeLimitDays,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? CommittedTimeLimitSource,
    string TimeLimitNote,
    IReadOnlyList<ClockStoppingProcedure> ClockStoppingProcedures,
    GuideFees Fees,
    GuideResult Result,
    GuidePlace Place,
    int OnSiteVisits,
    string EnquiryPhone,
    string ComplaintChannel,
    IReadOnlyList<GuideFaq> Faq,
    IReadOnlyList<LocalFact> LocalFacts);

/// <summary>One legal basis: an article of a law or regulation, or a part of a policy document that has no articles.</summary>
/// <param name="Name">The instrument, e.g. 《中华人民共和国户口登记条例》.</param>
/// <param name="IssuedBy">The body that made or issued it.</param>
/// <param name="Reference">Its document number and/or the date of the version cited.</param>
/// <param name="Article">The article(s) cited, e.g. 第十五条; null only when the instrument is not divided into articles.</param>
/// <param name="NoArticles">Set only when the instrument has no articles (意见, 通知, 标准 …): which part of it is meant.</param>
/// <param name="Text">What the provision says for this item.</param>
/// <param name="TextKind">原文 when <paramref name="Text"/> is the provision's own wording, 转述 when it is a summary.</param>
public sealed record LegalBasis(string Name, string IssuedBy, string Reference, string? Article, string? NoArticles, string Text, string TextKind);

/// <summary>A local fact kept once for all guides, with where it comes from.</summary>
/// <param name="Id">Its identifier.</param>
/// <param name="Subject">What the fact is.</param>
/// <param name="Value">The fact itself; null when the hub does not know it.</param>
/// <param name="Source">Where the value comes from; set with the value.</param>
/// <param name="AsOf">The date (yyyy-MM-dd) the value was valid or checked; set with the value.</param>
/// <param name="AskAt">Whom to ask for the current value; always set when the value is unknown.</param>
public sealed record LocalFact(string Id, string Subject, string? Value, string? Source, string? AsOf, string? AskAt);

/// <summary>One application material.</summary>
/// <param name="Name">材料名称.</param>
/// <param name="Form">原件, 复印件 or 原件和复印件.</param>
/// <param name="Count">份数.</param>
/// <param name="Medium">纸质, 电子 or 纸质或电子.</param>
/// <param name="Required">Whether the material is required.</param>
/// <param name="Source">来源渠道.</param>
/// <param name="Note">备注, if any.</param>
public sealed record GuideMaterial(string Name, string Form, int Count, string Medium, bool Required, string Source, string? Note);

/// <summary>One procedure step.</summary>
/// <param name="Name">The step.</param>
/// <param name="Description">What happens in it.</param>
public sealed record GuideStep(string Name, string Description);

/// <summary>One channel through which the item is handled.</summary>
/// <param name="Type">窗口 or 网上.</param>
/// <param name="Description">How to use it.</param>
public sealed record GuideChannel(string Type, string Description);

/// <summary>A special procedure that stops the clock.</summary>
/// <param name="Name">The procedure.</param>
/// <param name="Description">What it involves.</param>
/// <param name="TimeLimit">How long it may take.</param>
public sealed record ClockStoppingProcedure(string Name, string Description, string TimeLimit);

/// <summary>Fees.</summary>
/// <param name="Charged">Whether a fee is charged.</param>
/// <param name="Description">The fee or 不收费.</param>
/// <param name="Basis">The rule that sets or waives it.</param>
public sealed record GuideFees(bool Charged, string Description, string Basis);

/// <summary>The result of the item.</summary>
/// <param name="Name">结果名称.</param>
/// <param name="Type">证照, 批文, 证明 …</param>
/// <param name="Delivery">送达方式.</param>
public sealed record GuideResult(string Name, string Type, string Delivery);

/// <summary>Where and when to go.</summary>
/// <param name="Address">办理地点.</param>
/// <param name="OfficeHours">办公时间.</param>
public sealed record GuidePlace(string Address, string OfficeHours);

/// <summary>A frequently asked question.</summary>
/// <param name="Question">问.</param>
/// <param name="Answer">答.</param>
public sealed record GuideFaq(string Question, string Answer);
