using System.Text.Json;
using System.Text.RegularExpressions;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Catalog;

/// <summary>
/// What makes a guide trustworthy: every legal basis names its instrument, issuer, version and article; a statutory time
/// limit exists only where an article sets one; local figures come from the facts file with a source and a date; the
/// platform has one name and the hotline one number.
/// </summary>
public sealed partial class GuideSourcesTests
{
    private const string NoLaw = "法律法规未设定";

    private static readonly ServiceCatalog Catalog = ServiceCatalog.LoadEmbedded();

    public static TheoryData<string> AllCodes() => [.. Catalog.Entries.Select(e => e.Item.Code)];

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void LegalBasis_EveryEntry_CitesAnArticleOrSaysTheInstrumentHasNone(string code)
    {
        foreach (var basis in Catalog.Find(code)!.Guide.LegalBasis)
        {
            Assert.Matches(Instrument(), basis.Name);
            Assert.False(string.IsNullOrWhiteSpace(basis.IssuedBy), $"{code} {basis.Name}: no issuing body");
            Assert.Matches(@"\d{4}年|〔\d{4}〕|令第|GB|JGJ", basis.Reference);
            Assert.Contains(basis.TextKind, new[] { "原文", "转述" });
            Assert.True(basis.Text.Trim().Length >= 10, $"{code} {basis.Name}: the provision's text is missing");
            if (basis.Article is not null)
            {
                Assert.Null(basis.NoArticles);
                Assert.Matches(Article(), basis.Article);
            }
            else
            {
                Assert.True(basis.NoArticles is { Length: > 0 } && basis.NoArticles.Contains("不分条", StringComparison.Ordinal),
                    $"{code} {basis.Name}: neither an article nor an explicit statement that the instrument has no articles");
            }
        }
    }

    [Fact]
    public void LegalBasis_LawsRegulationsAndRules_AreAlwaysCitedByArticle()
    {
        // Laws (法), regulations (条例) and departmental rules (规定, 办法) are divided into articles; only policy documents
        // and technical standards may be cited by their parts.
        var unarticled = Catalog.Entries
            .SelectMany(e => e.Guide.LegalBasis.Select(b => (e.Item.Code, Basis: b)))
            .Where(x => x.Basis.Article is null && LawLike().IsMatch(x.Basis.Name))
            .Select(x => $"{x.Code} {x.Basis.Name}")
            .ToList();

        Assert.True(unarticled.Count == 0, $"cited without an article: {string.Join("; ", unarticled)}");
    }

    [Fact]
    public void LegalBasis_OneInstrument_IsNamedTheSameWayEverywhere()
    {
        var variants = Catalog.Entries
            .SelectMany(e => e.Guide.LegalBasis)
            .GroupBy(b => b.Name)
            .Where(g => g.Select(b => (b.IssuedBy, b.Reference)).Distinct().Count() > 1)
            .Select(g => g.Key)
            .ToList();

        Assert.True(variants.Count == 0, $"issuer or version differs between guides for {string.Join(", ", variants)}");
    }

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void TimeLimits_GuideSayingNoLawSetsOne_HasNoStatutoryNumber(string code)
    {
        var guide = Catalog.Find(code)!.Guide;
        var saysNoLaw = guide.StatutoryTimeLimitSource == NoLaw || guide.TimeLimitNote.Contains(NoLaw, StringComparison.Ordinal);

        if (saysNoLaw)
        {
            Assert.Null(guide.StatutoryTimeLimitDays);
            Assert.Null(guide.StatutoryTimeLimitUnit);
            Assert.Equal(NoLaw, guide.StatutoryTimeLimitSource);
        }
        else
        {
            Assert.NotNull(guide.StatutoryTimeLimitDays);
        }
    }

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void TimeLimits_StatutoryNumber_ComesFromAnArticleOfTheLegalBasis(string code)
    {
        var guide = Catalog.Find(code)!.Guide;
        if (guide.StatutoryTimeLimitDays is null)
        {
            return;
        }

        Assert.Contains(guide.StatutoryTimeLimitUnit, new[] { "工作日", "日" });
        var cited = SourceCitation().Match(guide.StatutoryTimeLimitSource);
        Assert.True(cited.Success, $"{code}: '{guide.StatutoryTimeLimitSource}' names no instrument and article");
        Assert.Contains(guide.LegalBasis, b => b.Name.StartsWith(cited.Groups["name"].Value, StringComparison.Ordinal)
            && b.Article is not null && b.Article.StartsWith(cited.Groups["article"].Value, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void TimeLimits_CommittedLimit_StatesItsSourceOrWhereTheCityStatesIt(string code)
    {
        var guide = Catalog.Find(code)!.Guide;

        Assert.Equal(guide.CommittedTimeLimitDays is null, guide.CommittedTimeLimitSource is null);
        if (guide.CommittedTimeLimitDays is null)
        {
            var fact = Assert.Single(guide.LocalFacts, f => f.Id == "committed-time-limits");
            Assert.Null(fact.Value);
            Assert.Contains("受理", fact.AskAt!, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("即办件", guide.CaseType);
            Assert.Contains("即办件", guide.CommittedTimeLimitSource!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void LocalFacts_EveryFact_HasSourceAndDateOrSaysWhomToAsk()
    {
        foreach (var fact in Catalog.Facts.All)
        {
            if (fact.Value is null)
            {
                Assert.False(string.IsNullOrWhiteSpace(fact.AskAt), $"{fact.Id} is unknown and names nobody to ask");
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(fact.Source), $"{fact.Id} has no source");
                Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", fact.AsOf);
            }
        }
    }

    [Fact]
    public void LocalFacts_EveryFact_IsReliedOnByAGuide()
    {
        var used = Catalog.Entries.SelectMany(e => e.Guide.LocalFacts).Select(f => f.Id).ToHashSet();

        var unused = Catalog.Facts.All.Select(f => f.Id).Where(id => !used.Contains(id)).ToList();

        Assert.True(unused.Count == 0, $"facts no guide relies on: {string.Join(", ", unused)}");
    }

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void LocalFacts_ServedGuide_HasNoPlaceholderLeftAndListsWhereToAskForHoursAndAddresses(string code)
    {
        var guide = Catalog.Find(code)!.Guide;
        Assert.DoesNotContain("{{", ServedText(guide), StringComparison.Ordinal);
        Assert.Contains(guide.LocalFacts, f => f.Id == "service-hours");
        Assert.Contains(guide.LocalFacts, f => f.Id == "window-addresses");
    }

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void LocalFacts_AmountsAndPercentages_AreNeverWrittenIntoAGuide(string code)
    {
        // A figure in yuan or a percentage in a guide's own text would be a second, unsourced copy of a local fact;
        // the legal basis may quote its instrument.
        var text = GuideText(code, withLegalBasis: false);

        Assert.DoesNotMatch(@"[0-9０-９]+(\.[0-9]+)?\s*(元|万元)|[一二三四五六七八九十百千万两]+元|[0-9]+\s*[%％]", text);
    }

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void Hotline_OneNumberInOneFormat_ComesFromTheFacts(string code)
    {
        var raw = GuideText(code, withLegalBasis: true);
        var guide = Catalog.Find(code)!.Guide;

        Assert.DoesNotMatch(@"12345|0516|12333|12389|12320|12393", raw);
        Assert.StartsWith("12345（徐州市政务服务便民热线", guide.EnquiryPhone, StringComparison.Ordinal);
        Assert.Contains("12345", guide.ComplaintChannel, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void Platform_OnlyMaShangDaoJia_IsNamed(string code)
    {
        var entry = Catalog.Find(code)!;
        var text = ServedText(entry.Guide);

        Assert.DoesNotContain("徐州社区服务", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?i)\bapp\b|小程序|公众号|客户端|政务服务网", text);
        Assert.All(PlatformLike().Matches(text), m => Assert.Equal("马上到家", m.Groups[1].Value));
        if (entry.Item.Online)
        {
            Assert.Contains("“马上到家”", entry.Guide.Channels.Single(c => c.Type == "网上").Description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DecidingBody_WhereItDiffersFromTheRoutingDepartment_IsNamed()
    {
        Assert.StartsWith("徐州市医疗保障局", Catalog.Find("RS-006")!.Guide.ImplementingAuthority, StringComparison.Ordinal);
        Assert.Contains("医疗保障局", Catalog.Find("MZ-008")!.Guide.ImplementingAuthority, StringComparison.Ordinal);
        Assert.Contains("退役军人事务局", Catalog.Find("MZ-013")!.Guide.ImplementingAuthority, StringComparison.Ordinal);
        Assert.Contains("退役军人事务局", Catalog.Find("MZ-014")!.Guide.ImplementingAuthority, StringComparison.Ordinal);
        Assert.Equal("行政许可", Catalog.Find("WJ-002")!.Guide.ItemType);
    }

    private static string ServedText(ProcedureGuide guide)
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(guide, HubJson.Info<ProcedureGuide>()));
        var texts = new List<string>();
        Collect(document.RootElement, withLegalBasis: true, texts);
        return string.Join("\n", texts);
    }

    private static string GuideText(string code, bool withLegalBasis)
    {
        var path = Path.Combine(Azurite.RepoRoot(), "functions", "IntegrationHub", "Catalog", "Guides", $"{code}.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var texts = new List<string>();
        Collect(document.RootElement, withLegalBasis, texts);
        return string.Join("\n", texts);
    }

    private static void Collect(JsonElement element, bool withLegalBasis, List<string> texts)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject().Where(p => withLegalBasis || p.Name != "legalBasis"))
                {
                    Collect(property.Value, withLegalBasis, texts);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, withLegalBasis, texts);
                }

                break;
            case JsonValueKind.String:
                texts.Add(element.GetString()!);
                break;
        }
    }

    [GeneratedRegex("^《[^》]+》(（[^）]+）)?$")]
    private static partial Regex Instrument();

    // 第十五条, 第三条第一款、第二款, 第七条第（二）项、第（三）项, 第二十条、第二十二条, 第十条第二款、第二十三条第二款
    [GeneratedRegex("^第[零一二三四五六七八九十百千]+条(第[一二三四五六七八九十]+款|第（[一二三四五六七八九十]+）项)?(、(第[零一二三四五六七八九十百千]+条)?(第[一二三四五六七八九十]+款|第（[一二三四五六七八九十]+）项)?)*$")]
    private static partial Regex Article();

    [GeneratedRegex("(法|条例|规定|办法)》")]
    private static partial Regex LawLike();

    [GeneratedRegex("^(?<name>《[^》]+》)(?<article>第[零一二三四五六七八九十百千]+条)")]
    private static partial Regex SourceCitation();

    [GeneratedRegex("“([^”]{1,12})”(?=App|APP|平台|小程序|客户端|公众号|查看|在线申|在线填写|提交|当即|即时|完成)")]
    private static partial Regex PlatformLike();
}
