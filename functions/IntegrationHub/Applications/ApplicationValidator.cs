using System.Globalization;
using System.Text.Json.Nodes;
using IntegrationHub.Catalog;
using IntegrationHub.Departments;

namespace IntegrationHub.Applications;

/// <summary>
/// Turns a submitted body into a canonical application, or into errors keyed by the offending field.
/// The schemas cover shape, types and code tables; this adds what a schema cannot say: the GB 11643 check
/// digit, dates relative to today, ranges between two fields, and "exactly one self".
/// </summary>
public sealed class ApplicationValidator(FormSchemas schemas, TimeProvider time)
{
    private const int MaxAttachments = 10;
    private static readonly string[] TopLevel = ["itemCode", "applicant", "form", "attachments"];
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public sealed record Validated(string ItemCode, Applicant Applicant, JsonObject Form, IReadOnlyList<string> Attachments);

    public (Validated? Application, Dictionary<string, string[]> Errors) Validate(JsonObject body)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var unknown in body.Select(p => p.Key).Except(TopLevel))
        {
            errors[unknown] = ["is not a known property."];
        }

        var itemCode = body["itemCode"] is JsonValue code && code.TryGetValue(out string? text) ? text.ToUpperInvariant() : null;
        if (itemCode is null)
        {
            errors["itemCode"] = ["is required and must be a string."];
        }

        foreach (var (field, messages) in schemas.ValidateApplicant(body["applicant"]))
        {
            errors[field] = messages;
        }

        var applicant = body["applicant"] as JsonObject;
        var idNumber = (applicant?["idNumber"] as JsonValue)?.TryGetValue(out string? id) == true ? id : null;
        string sex = "0";
        DateOnly birth = default;
        if (idNumber is not null && !errors.ContainsKey("applicant.idNumber") && !CitizenId.TryParse(idNumber, out sex, out birth, out var idError))
        {
            errors["applicant.idNumber"] = [idError];
        }

        var form = body["form"] as JsonObject;
        if (form is null)
        {
            errors["form"] = ["is required and must be an object."];
        }
        else if (itemCode is not null && schemas.HasForm(itemCode))
        {
            foreach (var (field, messages) in schemas.ValidateForm(itemCode, form))
            {
                errors[field] = messages;
            }

            CheckRules(form, errors);
        }

        var attachments = new List<string>();
        if (body["attachments"] is { } list)
        {
            if (list is not JsonArray array || array.Count > MaxAttachments
                || array.Any(a => a is not JsonValue v || !v.TryGetValue(out string? s) || s.Length is 0 or > 200))
            {
                errors["attachments"] = [$"must be an array of at most {MaxAttachments} references of 1-200 characters."];
            }
            else
            {
                attachments.AddRange(array.Select(a => a!.GetValue<string>()));
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new Validated(itemCode!, new Applicant(
            applicant!["name"]!.GetValue<string>(),
            idNumber!,
            applicant["phone"]!.GetValue<string>(),
            applicant["ethnicity"]!.GetValue<string>(),
            applicant["district"]!.GetValue<string>(),
            sex,
            birth), form!, attachments), errors);
    }

    private void CheckRules(JsonObject form, Dictionary<string, string[]> errors)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().ToOffset(ChinaOffset).DateTime);
        CheckId(form, "landlordIdNumber", "form.landlordIdNumber", errors);

        if (form["landlord"] is JsonObject landlord)
        {
            CheckId(landlord, "idNumber", "form.landlord.idNumber", errors);
        }

        foreach (var name in new[] { "tenants", "householdMembers" })
        {
            if (form[name] is JsonArray people)
            {
                for (var i = 0; i < people.Count; i++)
                {
                    if (people[i] is JsonObject person)
                    {
                        CheckId(person, "idNumber", $"form.{name}[{i}].idNumber", errors);
                    }
                }
            }
        }

        if (Date(form, "arrivalDate") is { } arrival && arrival > today)
        {
            Add(errors, "form.arrivalDate", "must not be in the future.");
        }

        if (Date(form, "leaseStart") is { } start && Date(form, "leaseEnd") is { } end && end <= start)
        {
            Add(errors, "form.leaseEnd", "must be after leaseStart.");
        }

        if (Text(form, "startMonth") is { } from && Text(form, "endMonth") is { } to && string.CompareOrdinal(from, to) > 0)
        {
            Add(errors, "form.endMonth", "must not be before startMonth.");
        }

        if (form["householdMembers"] is JsonArray members
            && members.Count(m => (m?["relation"] as JsonValue)?.GetValue<string>() == "self") != 1)
        {
            Add(errors, "form.householdMembers", "must contain exactly one member with relation self.");
        }
    }

    private static void CheckId(JsonObject owner, string property, string field, Dictionary<string, string[]> errors)
    {
        if (Text(owner, property) is { } id && !errors.ContainsKey(field) && !CitizenId.TryParse(id, out _, out _, out var message))
        {
            Add(errors, field, message);
        }
    }

    private static string? Text(JsonObject owner, string property) =>
        owner[property] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static DateOnly? Date(JsonObject owner, string property) =>
        Text(owner, property) is { } s && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static void Add(Dictionary<string, string[]> errors, string field, string message) =>
        errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
}
