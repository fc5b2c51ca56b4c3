using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Catalog;

public sealed class ServiceCatalogTests
{
    private static readonly ServiceCatalog Catalog = ServiceCatalog.LoadEmbedded();

    private static readonly string[] Placeholders = ["略", "待补充", "待定", "TODO", "xxx", "XXX", "……", "同上", "见上", "示例", "placeholder"];

    [Fact]
    public void Catalog_AgainstCityList_Has65ItemsOf19Online()
    {
        var cityList = CatalogCsv.Parse(File.ReadAllText(CityListPath()));

        Assert.Equal(65, Catalog.Entries.Count);
        Assert.Equal(19, Catalog.Entries.Count(e => e.Item.Online));
        Assert.Equal(
            cityList.Select(r => (r.Code, r.NameZh, r.NameEn, r.Department, r.Online, r.Description)),
            Catalog.Entries.Select(e => (e.Item.Code, e.Item.NameZh, e.Item.NameEn, e.Item.Department, e.Item.Online, e.Item.Description)));
        Assert.Equal(19, cityList.Count(r => r.Online));
    }

    [Fact]
    public void Catalog_OnlineItems_AreExactlyThoseOfGaFgRs()
    {
        var online = Catalog.Entries.Where(e => e.Item.Online).Select(e => e.Item.Code).ToList();

        Assert.All(online, code => Assert.Matches("^(GA-00[1-6]|FG-00[1-5]|RS-00[1-8])$", code));
    }

    public static TheoryData<string> AllCodes() => [.. Catalog.Entries.Select(e => e.Item.Code)];

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void Guide_EveryElement_IsFilledForThisItem(string code)
    {
        var entry = Catalog.Find(code)!;
        var guide = entry.Guide;

        Assert.Equal(code, guide.ItemCode);
        Assert.Contains(guide.ItemType, new[] { "行政许可", "行政给付", "行政确认", "行政裁决", "行政奖励", "其他行政权力", "公共服务" });
        Assert.NotEmpty(guide.LegalBasis);
        Assert.All(guide.LegalBasis, b => AssertFilled(b.Name, b.IssuedBy, b.Reference, b.Text));
        AssertFilled(guide.ImplementingAuthority, guide.HandlingAgency, guide.EligibleApplicants, guide.TimeLimitNote,
            guide.EnquiryPhone, guide.ComplaintChannel, guide.Fees.Description, guide.Fees.Basis,
            guide.Result.Name, guide.Result.Type, guide.Result.Delivery, guide.Place.Address, guide.Place.OfficeHours);
        Assert.NotEmpty(guide.Conditions);
        AssertFilled([.. guide.Conditions]);
        Assert.NotEmpty(guide.Materials);
        Assert.All(guide.Materials, m =>
        {
            AssertFilled(m.Name, m.Source);
            Assert.Contains(m.Form, new[] { "原件", "复印件", "原件和复印件" });
            Assert.Contains(m.Medium, new[] { "纸质", "电子", "纸质或电子" });
            Assert.True(m.Count >= 1, $"{code} material {m.Name} has count {m.Count}");
        });
        Assert.True(guide.Steps.Count >= 2, $"{code} has {guide.Steps.Count} steps");
        Assert.All(guide.Steps, s => AssertFilled(s.Name, s.Description));
        Assert.Contains(guide.Channels, c => c.Type == "窗口");
        Assert.Equal(entry.Item.Online, guide.Channels.Any(c => c.Type == "网上"));
        Assert.All(guide.Channels, c => AssertFilled(c.Description));
        Assert.Contains(guide.CaseType, new[] { "即办件", "承诺件" });
        if (guide.StatutoryTimeLimitDays is { } statutory)
        {
            Assert.InRange(statutory, 1, 365);
        }

        if (guide.CommittedTimeLimitDays is { } committed)
        {
            Assert.InRange(committed, 0, guide.StatutoryTimeLimitUnit == "工作日" ? guide.StatutoryTimeLimitDays!.Value : 365);
        }

        if (guide.CaseType == "即办件")
        {
            Assert.Equal(0, guide.CommittedTimeLimitDays);
        }

        Assert.All(guide.ClockStoppingProcedures, p => AssertFilled(p.Name, p.Description, p.TimeLimit));
        Assert.InRange(guide.OnSiteVisits, 0, 5);
        Assert.True(guide.Faq.Count >= 2, $"{code} has {guide.Faq.Count} FAQ entries");
        Assert.All(guide.Faq, f => AssertFilled(f.Question, f.Answer));
    }

    [Fact]
    public void Guides_ItemSpecificElements_AreNotCopiedAcrossItems()
    {
        var guides = Catalog.Entries.Select(e => e.Guide).ToList();

        AssertDistinct(guides, g => string.Join("|", g.Faq.Select(f => f.Question)), "FAQ");
        AssertDistinct(guides, g => string.Join("|", g.Steps.Select(s => s.Description)), "steps");
        AssertDistinct(guides, g => string.Join("|", g.Conditions), "conditions");
        AssertDistinct(guides, g => g.EligibleApplicants, "eligible applicants");
        AssertDistinct(guides, g => string.Join("|", g.Materials.Select(m => m.Name)), "materials");
    }

    [Fact]
    public void Guides_Content_IsWrittenInChinese()
    {
        foreach (var guide in Catalog.Entries.Select(e => e.Guide))
        {
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", guide.EligibleApplicants);
            Assert.All(guide.Faq, f => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", f.Answer));
        }
    }

    private static void AssertDistinct(IReadOnlyList<ProcedureGuide> guides, Func<ProcedureGuide, string> key, string what)
    {
        var copies = guides.GroupBy(key).Where(g => g.Count() > 1).Select(g => string.Join(",", g.Select(x => x.ItemCode))).ToList();
        Assert.True(copies.Count == 0, $"identical {what} in {string.Join("; ", copies)}");
    }

    private static void AssertFilled(params string?[] values)
    {
        foreach (var value in values)
        {
            Assert.False(string.IsNullOrWhiteSpace(value), "an element is empty");
            Assert.True(value!.Trim().Length >= 2, $"'{value}' is too short to be content");
            Assert.DoesNotContain(Placeholders, p => value.Trim() == p || value.Contains(p, StringComparison.Ordinal) && value.Trim().Length <= p.Length + 2);
        }
    }

    internal static string CityListPath()
    {
        // The city's published list sits in shared/ beside the checkout; the project keeps its own copy as data.
        var shared = Path.GetFullPath(Path.Combine(Azurite.RepoRoot(), "..", "shared", "departments", "catalog.csv"));
        return File.Exists(shared) ? shared : Path.Combine(Azurite.RepoRoot(), "functions", "IntegrationHub", "Catalog", "catalog.csv");
    }
}
