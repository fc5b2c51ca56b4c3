using System.Text.Json.Nodes;
using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Tests.Http;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Applications;

/// <summary>Precise validation: the right fields named, and only them; text, number and date rules; rare characters kept exactly.</summary>
public sealed class ApplicationValidatorTests
{
    // Noon in Xuzhou on 2026-11-30: "today" for every date rule below.
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.FromHours(8)));
    private static readonly ApplicationValidator Validator = new(new FormSchemas(ServiceCatalog.LoadEmbedded()), Clock);

    [Fact]
    public void Validate_OneCodeOutsideItsTable_NamesOnlyThatField()
    {
        var body = IntakeTests.Sample("GA-001");
        body["form"]!["residenceReason"] = "42";

        var errors = Refused(body);

        Assert.Equal(["form.residenceReason"], errors.Keys);
        Assert.Equal(["is not one of the allowed codes."], errors["form.residenceReason"]);
    }

    [Fact]
    public void Validate_AnySchemaError_NeverCallsValidCodesNotAllowed()
    {
        var body = IntakeTests.Sample("FG-001");
        body["applicant"]!["phone"] = "138";
        body["form"]!["monthlyIncomeYuan"] = -1;

        var errors = Refused(body);

        Assert.Equal(["applicant.phone", "form.monthlyIncomeYuan"], errors.Keys.Order());
        Assert.DoesNotContain(errors.Values.SelectMany(m => m), m => m.Contains("allowed codes", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WrongElementTypesInAnArray_NamesTheElementsWithoutThrowing()
    {
        var body = IntakeTests.Sample("FG-001");
        body["form"]!["householdMembers"] = new JsonArray("x", 1);

        var errors = Refused(body);

        Assert.Contains("form.householdMembers[0]", errors.Keys);
        Assert.Contains("form.householdMembers[1]", errors.Keys);
    }

    [Theory]
    [InlineData("13812345678\n")]
    [InlineData("13812345678\r\n")]
    [InlineData("\t13812345678")]
    public void Validate_PhoneWithALineBreakOrTab_IsRefused(string phone)
    {
        var body = IntakeTests.Sample("GA-004");
        body["applicant"]!["phone"] = phone;

        Assert.Contains("control characters", Assert.Single(Refused(body)["applicant.phone"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("张\u0000三")]
    [InlineData("张三\u0007")]
    [InlineData("张\u007F三")]
    [InlineData("张\u0085三")]
    [InlineData("张\u009F三")]
    public void Validate_ControlCharacterInAName_IsRefusedNamingTheField(string name)
    {
        var body = IntakeTests.Sample("GA-004");
        body["applicant"]!["name"] = name;

        Assert.Equal(["applicant.name"], Refused(body).Keys);
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("\u3000\u3000")]
    [InlineData("\u00A0")]
    [InlineData("\u200B")]
    [InlineData(" \uFEFF ")]
    [InlineData("")]
    public void Validate_NameOfSpacesOrNothingVisible_IsRefused(string name)
    {
        var body = IntakeTests.Sample("GA-004");
        body["applicant"]!["name"] = name;

        Assert.Equal(["must not be empty or only white space."], Refused(body)["applicant.name"]);
    }

    [Theory]
    [InlineData("form.currentAddress", "GA-003")]
    [InlineData("form.landlord.name", "FG-002")]
    [InlineData("form.tenants[0].name", "GA-006")]
    [InlineData("form.changes", "FG-005")]
    public void Validate_BlankTextAnywhere_IsRefusedNamingItsPath(string path, string item)
    {
        var body = IntakeTests.Sample(item);
        Node(body, path).ReplaceWith(JsonValue.Create(" \u3000 "));

        Assert.Contains(path, Refused(body).Keys);
    }

    [Theory]
    [InlineData(0xFFFE)]
    [InlineData(0xFFFF)]
    [InlineData(0xFDD0)]
    [InlineData(0x1FFFF)]
    [InlineData(0x10FFFE)]
    public void Validate_Noncharacter_IsRefused(int noncharacter)
    {
        var body = IntakeTests.Sample("GA-003");
        body["form"]!["currentAddress"] = "徐州市" + char.ConvertFromUtf32(noncharacter);

        Assert.Equal(["form.currentAddress"], Refused(body).Keys);
    }

    [Fact]
    public void Validate_RareCharactersAndCompatibilityIdeographs_AreKeptExactlyAndTrimmed()
    {
        // Extensions B–G, the middle dot, and U+F900 (豈), which NFC would turn into U+8C48: kept as sent.
        var name = "𠮷𪚥\U0002A700\U0002B740·\U0002B820\U0002CEB0\U00030000\uF900";
        var body = IntakeTests.Sample("GA-003");
        body["applicant"]!["name"] = $" {name}\u3000";
        body["form"]!["currentAddress"] = "徐州市𠮷路\U0002A6A5号 ";

        var (valid, errors) = Validator.Validate(body);

        Assert.Empty(errors);
        Assert.Equal(name, valid!.Applicant.Name);
        Assert.Equal("徐州市𠮷路\U0002A6A5号", valid.Form["currentAddress"]!.GetValue<string>());
    }

    [Fact]
    public void Validate_FiftyCharactersOfExtensionB_FitTheFiftyCharacterName()
    {
        var body = IntakeTests.Sample("GA-004");
        body["applicant"]!["name"] = string.Concat(Enumerable.Repeat("𠮷", 50));

        Assert.Empty(Validator.Validate(body).Errors);
    }

    [Theory]
    [InlineData(1e13)]
    [InlineData(-1e13)]
    public void Validate_NumberBeyondTheHubsRange_IsRefused(double amount)
    {
        var body = IntakeTests.Sample("FG-001");
        body["form"]!["monthlyIncomeYuan"] = amount;

        Assert.Contains("form.monthlyIncomeYuan", Refused(body).Keys);
    }

    // The sample applicant 11010519491231002X was born on 1949-12-31.
    [Theory]
    [InlineData("GA-001", "arrivalDate", "0001-01-01", "must not be before 1900.")]
    [InlineData("GA-001", "arrivalDate", "1899-12-31", "must not be before 1900.")]
    [InlineData("GA-001", "arrivalDate", "1949-12-30", "must not be before the applicant's birth day.")]
    [InlineData("GA-001", "arrivalDate", "2026-12-01", "must not be in the future.")]
    [InlineData("RS-004", "registrationDate", "1949-12-30", "must not be before the applicant's birth day.")]
    [InlineData("RS-004", "registrationDate", "2026-12-01", "must not be in the future.")]
    [InlineData("GA-006", "leaseStart", "1900-01-01", "must not be before the applicant's birth day.")]
    [InlineData("FG-002", "leaseEnd", "2101-01-01", "must not be after 2100.")]
    [InlineData("RS-003", "endMonth", "2026-12", "must not be in the future.")]
    [InlineData("RS-003", "startMonth", "1949-11", "must not be before the applicant's birth month.")]
    [InlineData("RS-007", "startMonth", "1899-12", "must not be before 1900.")]
    [InlineData("RS-002", "certifiedAt", "2026-11-30T12:06:00+08:00", "must not be in the future.")]
    [InlineData("RS-002", "certifiedAt", "1949-12-30T23:00:00+08:00", "must not be before the applicant's birth day.")]
    public void Validate_DateOutsideItsRules_IsRefusedWithTheRule(string item, string field, string value, string message)
    {
        var body = IntakeTests.Sample(item);
        body["form"]![field] = value;
        if (field == "startMonth" && item == "RS-003")
        {
            body["form"]!["endMonth"] = "2026-10";
        }

        Assert.Contains(message, Refused(body)[$"form.{field}"]);
    }

    [Theory]
    [InlineData("2026-11-28 09:30:00+08:00")]
    [InlineData("2026-11-28T09:30:00")]
    [InlineData("2026-11-28T09:30:60+08:00")]
    [InlineData("２０２６-11-28T09:30:00+08:00")]
    public void Validate_CertificationTimeNotRfc3339WithAnOffset_IsRefused(string value)
    {
        var body = IntakeTests.Sample("RS-002");
        body["form"]!["certifiedAt"] = value;

        Assert.Contains("form.certifiedAt", Refused(body).Keys);
    }

    [Theory]
    [InlineData("GA-001", "arrivalDate", "2026-11-30")]
    [InlineData("GA-001", "arrivalDate", "1949-12-31")]
    [InlineData("RS-003", "endMonth", "2026-11")]
    [InlineData("RS-002", "certifiedAt", "2026-11-30T12:04:00+08:00")]
    [InlineData("FG-002", "leaseEnd", "2100-12-31")]
    public void Validate_DateOnTheEdgeOfItsRules_IsAccepted(string item, string field, string value)
    {
        var body = IntakeTests.Sample(item);
        body["form"]![field] = value;

        Assert.Empty(Validator.Validate(body).Errors);
    }

    [Fact]
    public void Validate_EnrolmentYearBeforeTheApplicantWasBorn_IsRefused()
    {
        var body = IntakeTests.Sample("RS-006");
        body["applicant"]!["idNumber"] = CitizenIds.Valid(new DateOnly(2010, 5, 1), 17);
        body["form"]!["year"] = 2009;

        Assert.Equal(["must not be before the applicant's birth year."], Refused(body)["form.year"]);
    }

    [Theory]
    [InlineData("applicant.idNumber")]
    [InlineData("form.landlordIdNumber")]
    public void Validate_IdNumberBornInTheFuture_IsRefused(string path)
    {
        var body = IntakeTests.Sample("GA-001");
        Node(body, path).ReplaceWith(JsonValue.Create(CitizenIds.Valid(new DateOnly(2027, 1, 1), 3)));

        Assert.Equal(["holds a birth date in the future."], Refused(body)[path]);
    }

    private static Dictionary<string, string[]> Refused(JsonObject body)
    {
        var (valid, errors) = Validator.Validate(body);
        Assert.Null(valid);
        return errors;
    }

    private static JsonNode Node(JsonObject body, string path)
    {
        JsonNode node = body;
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            node = bracket < 0 ? node[part]! : node[part[..bracket]]![int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)]!;
        }

        return node;
    }
}
