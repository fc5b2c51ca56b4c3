using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IntegrationHub.Catalog;
using IntegrationHub.Departments;

namespace IntegrationHub.Applications;

/// <summary>
/// Turns a submitted body into a canonical application, or into errors keyed by the offending field. Texts and numbers
/// are checked and trimmed first (<see cref="ApplicationText"/>); the schemas cover shape, types and code tables; this adds
/// what a schema cannot say: the GB 11643 check digit, dates relative to today and to the applicant's birth, ranges
/// between two fields, and "exactly one self".
/// </summary>
internal sealed partial class ApplicationValidator(FormSchemas schemas, TimeProvider time)
{
    private const int MaxAttachments = 10;
    private static readonly string[] TopLevel = ["itemCode", "applicant", "form", "attachments", "materials"];
    private static readonly string[] PeopleLists = ["tenants", "householdMembers"];
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    // Dates no resident's application can hold: before 1900 (GB 11643 births start there) or after 2100 (RS-006's last year).
    private static readonly DateOnly Earliest = new(1900, 1, 1);
    private static readonly DateOnly Latest = new(2100, 12, 31);

    // A certification time may run a little ahead of the hub's clock (the platform's clock); the departments allow 300 s.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A valid application; <see cref="Body"/> is the body as accepted (texts trimmed), the idempotency fingerprint's input.</summary>
    public sealed record Validated(string ItemCode, Applicant Applicant, JsonObject Form, IReadOnlyList<string> Attachments, JsonObject Body)
    {
        /// <summary>The materials named (issue 11), checked for shape only; ApplicationMaterials checks them against the item and the files.</summary>
        public IReadOnlyList<Contracts.MaterialInput> Materials { get; init; } = [];
    }

    public (Validated? Application, Dictionary<string, string[]> Errors) Validate(JsonObject submitted)
    {
        var (body, errors) = ApplicationText.Normalise(submitted);
        for (var i = 0; i < body.Count; i++)
        {
            var name = body.GetAt(i).Key;
            if (Array.IndexOf(TopLevel, name) < 0)
            {
                errors[name] = ["is not a known property."];
            }
        }

        var itemCode = Text(body, "itemCode")?.ToUpperInvariant();
        if (itemCode is null)
        {
            errors.TryAdd("itemCode", ["is required and must be a string."]);
        }

        foreach (var (field, messages) in schemas.ValidateApplicant(body["applicant"]))
        {
            errors.TryAdd(field, messages);
        }

        var applicant = body["applicant"] as JsonObject;
        var idNumber = applicant is null ? null : Text(applicant, "idNumber");
        var person = CheckId(idNumber, "applicant.idNumber", errors);

        var form = body["form"] as JsonObject;
        if (form is null)
        {
            errors.TryAdd("form", ["is required and must be an object."]);
        }
        else if (itemCode is not null && schemas.HasForm(itemCode))
        {
            foreach (var (field, messages) in schemas.ValidateForm(itemCode, form))
            {
                errors.TryAdd(field, messages);
            }

            CheckRules(form, person?.Birth, errors);
        }

        var attachments = new List<string>();
        if (body["attachments"] is { } list)
        {
            if (list is not JsonArray array || array.Count > MaxAttachments || !AllReferences(array, attachments))
            {
                attachments.Clear();
                errors.TryAdd("attachments", [$"must be an array of at most {MaxAttachments} references of 1-200 characters."]);
            }
        }

        var materials = MaterialInputs(body["materials"], "materials", errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new Validated(itemCode!, new Applicant(
            Text(applicant!, "name")!,
            idNumber!,
            Text(applicant!, "phone")!,
            Text(applicant!, "ethnicity")!,
            Text(applicant!, "district")!,
            person!.Value.Sex,
            person.Value.Birth), form!, attachments, body) { Materials = materials }, errors);
    }

    /// <summary>
    /// <c>[{code, materialId}]</c> in shape: at most <see cref="ApplicationMaterials.MaxMaterials"/> objects of two short
    /// strings. Absent is none. Shared by applications and supplements.
    /// </summary>
    public static IReadOnlyList<Contracts.MaterialInput> MaterialInputs(JsonNode? node, string field, Dictionary<string, string[]> errors)
    {
        if (node is null)
        {
            return [];
        }

        var inputs = new List<Contracts.MaterialInput>();
        if (node is not JsonArray array || array.Count > ApplicationMaterials.MaxMaterials)
        {
            errors.TryAdd(field, [$"must be an array of at most {ApplicationMaterials.MaxMaterials} objects {{\"code\": …, \"materialId\": …}}."]);
            return [];
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject { Count: 2 } item
                && item["code"] is JsonValue c && c.TryGetValue(out string? code) && code.Length is > 0 and <= 64
                && item["materialId"] is JsonValue m && m.TryGetValue(out string? id) && id.Length is > 0 and <= 64)
            {
                inputs.Add(new Contracts.MaterialInput(code, id));
            }
            else
            {
                errors.TryAdd(string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]"),
                    ["must be {\"code\": the material code, \"materialId\": the id POST /api/v1/materials answered} (1-64 characters each), nothing else."]);
            }
        }

        return inputs;
    }

    private static bool AllReferences(JsonArray array, List<string> references)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue v || !v.TryGetValue(out string? s) || s.Length is 0 or > 200)
            {
                return false;
            }

            references.Add(s);
        }

        return true;
    }

    /// <summary>The birth date and sex of a valid ID number, or null with the reason added to <paramref name="errors"/> (unless the field already has one).</summary>
    private (DateOnly Birth, string Sex)? CheckId(string? id, string field, Dictionary<string, string[]> errors) =>
        CheckId(id, new FieldName(field), errors);

    private (DateOnly Birth, string Sex)? CheckId(string? id, FieldName name, Dictionary<string, string[]> errors)
    {
        // With no errors yet the field cannot have one: its name is spelled only when it is needed.
        if (id is null || (errors.Count > 0 && errors.ContainsKey(name.ToString())))
        {
            return null;
        }

        if (!CitizenId.TryParse(id, out var sex, out var birth, out var message))
        {
            errors[name.ToString()] = [message];
            return null;
        }

        if (birth > Today())
        {
            errors[name.ToString()] = ["holds a birth date in the future."];
            return null;
        }

        return (birth, sex);
    }

    /// <summary>An ID number's field, <c>form.tenants[2].idNumber</c>, kept as its parts until it is spelled.</summary>
    private readonly record struct FieldName(string Prefix, string? List = null, int Index = 0)
    {
        public override string ToString() =>
            List is null ? Prefix : string.Create(CultureInfo.InvariantCulture, $"{Prefix}.{List}[{Index}].idNumber");
    }

    private void CheckRules(JsonObject form, DateOnly? birth, Dictionary<string, string[]> errors)
    {
        CheckId(Text(form, "landlordIdNumber"), "form.landlordIdNumber", errors);
        if (form["landlord"] is JsonObject landlord)
        {
            CheckId(Text(landlord, "idNumber"), "form.landlord.idNumber", errors);
        }

        foreach (var name in PeopleLists)
        {
            if (form[name] is JsonArray people)
            {
                for (var i = 0; i < people.Count; i++)
                {
                    if (people[i] is JsonObject person)
                    {
                        CheckId(Text(person, "idNumber"), new FieldName("form", name, i), errors);
                    }
                }
            }
        }

        CheckDates(form, birth, errors);

        if (Date(form, "leaseStart") is { } start && Date(form, "leaseEnd") is { } end && end <= start)
        {
            Add(errors, "form.leaseEnd", "must be after leaseStart.");
        }

        if (Month(form, "startMonth") is { } from && Month(form, "endMonth") is { } to && to < from)
        {
            Add(errors, "form.endMonth", "must not be before startMonth.");
        }

        if (form["householdMembers"] is JsonArray members && Selves(members) != 1)
        {
            Add(errors, "form.householdMembers", "must contain exactly one member with relation self.");
        }
    }

    private static int Selves(JsonArray members)
    {
        var selves = 0;
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i] is JsonObject member && Text(member, "relation") == "self")
            {
                selves++;
            }
        }

        return selves;
    }

    // Every date of every item: not before 1900, not before the applicant was born; what has happened already (arrival,
    // a registration, a certification, the months a certificate covers) not in the future; what may lie ahead (a
    // lease, a first month of contributions, an enrolment year) not after 2100. Each is read exactly as the translators
    // read it, so a date the schema's format admits but a translator could not read is refused here.
    private void CheckDates(JsonObject form, DateOnly? birth, Dictionary<string, string[]> errors)
    {
        var today = Today();
        DateOnly? birthMonth = birth is { } b ? new DateOnly(b.Year, b.Month, 1) : null;
        CheckDate(form, "arrivalDate", "yyyy-MM-dd", birth, today, "day", errors);
        CheckDate(form, "registrationDate", "yyyy-MM-dd", birth, today, "day", errors);
        CheckDate(form, "leaseStart", "yyyy-MM-dd", birth, Latest, "day", errors);
        CheckDate(form, "leaseEnd", "yyyy-MM-dd", birth, Latest, "day", errors);
        CheckDate(form, "startMonth", "yyyy-MM", birthMonth, Latest, "month", errors);
        CheckDate(form, "endMonth", "yyyy-MM", birthMonth, new DateOnly(today.Year, today.Month, 1), "month", errors);

        if (form["year"] is JsonValue value && value.TryGetValue(out int year) && year is >= 1 and <= 9999 && !errors.ContainsKey("form.year"))
        {
            Bound(new DateOnly(year, 1, 1), "form.year", birth is { } born ? new DateOnly(born.Year, 1, 1) : null, Latest, "year", errors);
        }

        if (Text(form, "certifiedAt") is { } text && !errors.ContainsKey("form.certifiedAt"))
        {
            if (!Rfc3339().IsMatch(text) || !DateTimeOffset.TryParse(text.ToUpperInvariant(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                Add(errors, "form.certifiedAt", "must be an RFC 3339 date-time with an offset, such as 2026-11-28T09:30:00+08:00.");
            }
            else if (at > time.GetUtcNow() + ClockSkew)
            {
                Add(errors, "form.certifiedAt", "must not be in the future.");
            }
            else
            {
                Bound(DateOnly.FromDateTime(at.ToOffset(ChinaOffset).DateTime), "form.certifiedAt", birth, DateOnly.MaxValue, "day", errors);
            }
        }
    }

    private static void CheckDate(JsonObject form, string property, string format, DateOnly? notBefore, DateOnly notAfter, string unit,
        Dictionary<string, string[]> errors)
    {
        if (Text(form, property) is not { } text)
        {
            return;
        }

        var field = "form." + property;
        if (errors.ContainsKey(field))
        {
            return;
        }

        if (!DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Add(errors, field, $"must be a date written {format}.");
            return;
        }

        Bound(date, field, notBefore, notAfter, unit, errors);
    }

    private static void Bound(DateOnly date, string field, DateOnly? notBefore, DateOnly notAfter, string unit, Dictionary<string, string[]> errors)
    {
        if (date < Earliest)
        {
            Add(errors, field, "must not be before 1900.");
        }
        else if (notBefore is { } born && date < born)
        {
            Add(errors, field, $"must not be before the applicant's birth {unit}.");
        }
        else if (date > notAfter)
        {
            Add(errors, field, notAfter == Latest ? "must not be after 2100." : "must not be in the future.");
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(ChinaOffset).DateTime);

    private static string? Text(JsonObject owner, string property) =>
        owner[property] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static DateOnly? Date(JsonObject owner, string property) =>
        Text(owner, property) is { } s && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static DateOnly? Month(JsonObject owner, string property) =>
        Text(owner, property) is { } s && DateOnly.TryParseExact(s, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static void Add(Dictionary<string, string[]> errors, string field, string message) =>
        errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    // The 人社 translator's reading of RZSJ: RFC 3339 with an offset, ASCII digits only.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial Regex Rfc3339();
}
