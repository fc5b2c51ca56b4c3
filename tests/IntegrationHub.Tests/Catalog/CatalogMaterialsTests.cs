using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Catalog;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Catalog;

/// <summary>Issue 11: each online item's materials, as the catalog publishes them, agree with its guide's materials list.</summary>
[Collection(HubCollection.Name)]
public sealed class CatalogMaterialsTests(HubFixture hub)
{
    private static readonly ServiceCatalog Catalog = ServiceCatalog.LoadEmbedded();

    public static TheoryData<string> OnlineCodes() => [.. Catalog.Entries.Where(e => e.Item.Online).Select(e => e.Item.Code)];

    [Theory]
    [MemberData(nameof(OnlineCodes))]
    public void Materials_EveryOnlineItem_AgreeWithTheGuidesUploadedMaterials(string code)
    {
        var entry = Catalog.Find(code)!;

        // The guide's materials that are handed in online are the ones whose note says they are uploaded.
        var uploaded = entry.Guide.Materials
            .Where(m => m.Note is { } note && note.Contains("上传", StringComparison.Ordinal) && !note.Contains("无需上传", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(uploaded.Select(m => m.Name).Order(), entry.Materials.Select(m => m.Name).Order());
        foreach (var material in entry.Materials)
        {
            var guide = uploaded.Single(m => m.Name == material.Name);
            Assert.True(guide.Required == (material.Requirement == CatalogMaterials.Required),
                $"{code} {material.Name}: the guide says required={guide.Required}, the catalog {material.Requirement}");
        }
    }

    [Fact]
    public void Materials_ConditionalOnes_NameAFieldOfTheItemsFormWithItsValues()
    {
        foreach (var entry in Catalog.Entries.Where(e => e.Item.Online))
        {
            var properties = entry.FormSchema!.Value.GetProperty("properties");
            foreach (var condition in entry.Materials.Select(m => m.RequiredWhen).OfType<IntegrationHub.Contracts.MaterialCondition>())
            {
                Assert.True(properties.TryGetProperty(condition.Field, out var field), $"{entry.Item.Code}: no form field {condition.Field}");
                var values = field.GetProperty("oneOf").EnumerateArray().Select(v => v.GetProperty("const").GetString()).ToList();
                Assert.All(condition.In, v => Assert.Contains(v, values));
            }
        }
    }

    [Fact]
    public async Task GetItem_Ga002_PublishesExactlyOneProofPerResidenceReasonWithTheBureausLimit()
    {
        using var client = hub.CreateClient(apiKey: null);

        var item = (await client.GetFromJsonAsync<JsonObject>("/api/v1/service-items/GA-002"))!;

        var materials = item["materials"]!.AsArray();
        Assert.Equal(["employmentProof", "studyProof", "residenceProof"], materials.Select(m => m!["code"]!.GetValue<string>()));
        Assert.All(materials, m =>
        {
            Assert.Equal("conditional", m!["requirement"]!.GetValue<string>());
            Assert.Equal("residenceReason", m["requiredWhen"]!["field"]!.GetValue<string>());
            Assert.Equal(5_242_880, m["maxBytes"]!.GetValue<long>());
            Assert.Equal(["image/jpeg", "image/png", "application/pdf"], m["mediaTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        });
        var form = new JsonObject { ["residenceReason"] = "04" };
        Assert.Equal(["studyProof"], Catalog.Find("GA-002")!.Materials.Where(m => CatalogMaterials.IsWanted(m, form)).Select(m => m.Code));
        form["residenceReason"] = "03";
        Assert.Equal(["residenceProof"], Catalog.Find("GA-002")!.Materials.Where(m => CatalogMaterials.IsWanted(m, form)).Select(m => m.Code));
    }

    [Fact]
    public async Task GetItem_HousingItem_TakesTenMebibytesAndGuideOnlyItemsNone()
    {
        using var client = hub.CreateClient(apiKey: null);

        var housing = (await client.GetFromJsonAsync<JsonObject>("/api/v1/service-items/FG-001"))!;
        var guideOnly = (await client.GetFromJsonAsync<JsonObject>("/api/v1/service-items/MZ-001"))!;

        Assert.All(housing["materials"]!.AsArray(), m => Assert.Equal(10 * 1024 * 1024, m!["maxBytes"]!.GetValue<long>()));
        Assert.Equal("optional", housing["materials"]!.AsArray().Single(m => m!["code"]!.GetValue<string>() == "housingStatusStatement")!["requirement"]!.GetValue<string>());
        Assert.Empty(guideOnly["materials"]!.AsArray());
    }
}
