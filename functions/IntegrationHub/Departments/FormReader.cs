using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Http;

namespace IntegrationHub.Departments;

/// <summary>How a department's translator names a form it cannot express: its own format exception, built from a field path and a reason.</summary>
internal interface IFormFault<TSelf>
    where TSelf : Exception, IFormFault<TSelf>
{
    /// <summary>The exception for <paramref name="field"/> (a path such as <c>form.tenants[0].name</c>); never carries the value.</summary>
    static abstract TSelf ForField(string field, string reason);
}

/// <summary>
/// Reads the schema-validated form for every department's translator, the same way: anything missing or of the wrong
/// shape is a hub defect, reported as the department's own format exception naming the field, never its value.
/// </summary>
/// <remarks>
/// An optional text that is absent, null or only white space is left out of the request: the hub refuses
/// whitespace-only text at the door (Applications/ApplicationText.cs), so such a value can only be a defect, and every
/// department's document says an optional element or field is omitted, never sent empty.
/// </remarks>
/// <param name="form">The object to read.</param>
/// <param name="path">Its path, for the error (<c>form</c>, <c>form.landlord</c>).</param>
/// <param name="index">Its position when it is an item of the list at <paramref name="path"/>, else -1.</param>
internal readonly struct FormReader<TFault>(JsonObject form, string path = "form", int index = -1)
    where TFault : Exception, IFormFault<TFault>
{
    /// <summary>The raw value, for a department-specific shape (a list of codes); null when absent.</summary>
    public JsonNode? this[string field] => form[field];

    public string Required(string field) => Optional(field) ?? throw Fault(field, "is required.");

    public string? Optional(string field) => form[field] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String =>
            value.GetValue<string>() is var text && !string.IsNullOrWhiteSpace(text) ? text : null,
        _ => throw Fault(field, "must be a string."),
    };

    /// <summary>A date in the form's <paramref name="format"/> (<c>yyyy-MM-dd</c>, or <c>yyyy-MM</c> for a month).</summary>
    public DateOnly Date(string field, string format = "yyyy-MM-dd") =>
        DateOnly.TryParseExact(Required(field), format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Fault(field, $"is not a {format} date.");

    /// <summary>A JSON number ≥ 0, read from its text (1234.56 stays 1234.56, never a double's neighbour).</summary>
    public decimal Number(string field)
    {
        if (form[field] is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !JsonNumber.TryDecimal(value, out var number))
        {
            throw Fault(field, "must be a number.");
        }

        return number >= 0 ? number : throw Fault(field, "must not be negative.");
    }

    /// <summary>The digits of a whole number ≥ 0. JSON Schema's "integer" admits 1600.0; departments want 1600.</summary>
    public string WholeNumber(string field)
    {
        var number = Number(field);
        return decimal.Truncate(number) == number
            ? number.ToString("0", CultureInfo.InvariantCulture)
            : throw Fault(field, "is not a whole number.");
    }

    public bool Boolean(string field) => form[field] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.True => true,
        JsonValue value when value.GetValueKind() == JsonValueKind.False => false,
        _ => throw Fault(field, "must be true or false."),
    };

    public FormReader<TFault> Object(string field) =>
        form[field] is JsonObject nested ? new FormReader<TFault>(nested, Path(field)) : throw Fault(field, "must be an object.");

    /// <summary>The items of a list of objects, each a reader of its own; <paramref name="min"/>..<paramref name="max"/> of them.</summary>
    public List<FormReader<TFault>> Objects(string field, int min, int max)
    {
        if (form[field] is not JsonArray list)
        {
            throw Fault(field, "must be a list.");
        }

        if (list.Count < min || list.Count > max)
        {
            throw Fault(field, $"takes {min} to {max} items.");
        }

        var items = new List<FormReader<TFault>>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            items.Add(list[i] is JsonObject item
                ? new FormReader<TFault>(item, Path(field), i)
                : throw TFault.ForField(string.Create(CultureInfo.InvariantCulture, $"{Path(field)}[{i}]"), "must be an object."));
        }

        return items;
    }

    /// <summary>The department's format exception for <paramref name="field"/> of this object.</summary>
    public TFault Fault(string field, string reason) => TFault.ForField(Path(field), reason);

    // Spelled only for an error, so a valid form costs no path strings.
    private string Path(string field) => index < 0
        ? $"{path}.{field}"
        : string.Create(CultureInfo.InvariantCulture, $"{path}[{index}].{field}");
}
