using IntegrationHub.Catalog;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Departments.SocialSecurity;
using IntegrationHub.Privacy;

namespace IntegrationHub.Tests.Privacy;

/// <summary>
/// The two declarations agree: what a department's document calls personal is what the canonical form marks
/// <c>x-personal</c>, so neither the timeline's payloads nor the portal's form view shows a value the other hides.
/// </summary>
public sealed class FormPersonalDataTests
{
    [Fact]
    public void Applicant_Declared_NameIdNumberPhone()
    {
        Assert.Equal(
            new Dictionary<string, PersonalKind> { ["name"] = PersonalKind.Name, ["idNumber"] = PersonalKind.IdNumber, ["phone"] = PersonalKind.Phone },
            WirePayloads.Forms.Applicant.Fields.Paths.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
    }

    [Theory]
    [MemberData(nameof(WirePayloads.OnlineItems), MemberType = typeof(WirePayloads))]
    public void Declarations_EveryItemsRequest_DepartmentAndFormAgreeLeafByLeaf(string code)
    {
        var application = WirePayloads.Application(code);
        var department = WirePayloads.Department(code);
        var personal = WirePayloads.PersonalValues(application).ToHashSet(StringComparer.Ordinal);
        Func<string, bool> declared = department switch
        {
            "GA" => PublicSecurityPersonalData.Elements.ContainsKey,
            "FG" => HousingPersonalData.Paths.ContainsKey,
            _ => SocialSecurityPersonalData.Fields.ContainsKey,
        };

        foreach (var (name, value) in WirePayloads.Leaves(department, WirePayloads.Request(application)))
        {
            if (declared(name))
            {
                Assert.True(personal.Contains(value), $"{code}: {department} declares {name} personal, but the form does not mark the field it comes from x-personal");
            }
            else
            {
                Assert.False(personal.Contains(value), $"{code}: {name} carries a value the form marks personal, but {department}'s declaration does not");
            }
        }
    }

    [Fact]
    public void Titles_OfAConcretePath_NameTheFieldAndItsPosition()
    {
        var form = WirePayloads.Forms.Form("GA-006");

        Assert.Equal("承租人姓名 (2)", form.Title("tenants[1].name"));
        Assert.Equal("出租房屋地址", form.Title("propertyAddress"));
        Assert.Equal(PersonalKind.Number, form.Fields.Paths["propertyCertificateNo"]);
    }

    [Fact]
    public void Annotations_EveryValue_IsAKnownKind()
    {
        // FormPersonalData refuses an unknown kind when it loads; loading every schema is the check.
        var forms = new FormPersonalData(ServiceCatalog.LoadEmbedded());

        Assert.All(WirePayloads.Catalog.Entries.Where(e => e.Item.Online), e => Assert.NotNull(forms.Form(e.Item.Code)));
        Assert.Equal(new[] { "address", "id-number", "name", "number", "phone", "text" }, PersonalKinds.AnnotationValues.Order(StringComparer.Ordinal));
    }
}
