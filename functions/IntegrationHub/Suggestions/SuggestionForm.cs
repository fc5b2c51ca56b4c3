using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Applications;
using IntegrationHub.Communities;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace IntegrationHub.Suggestions;

/// <summary>A submission read and checked in full, before anything is stored.</summary>
internal sealed record SuggestionSubmission(Community Community, string Category, ResidentPart Resident, IReadOnlyList<CleanPhoto> Photos, string BodyHash);

/// <summary>
/// Reads <c>POST /api/v1/suggestions</c>: <c>multipart/form-data</c> with one JSON part named <c>suggestion</c> and up to
/// four parts named <c>photo</c>. Every part is read and checked (each photo decoded and re-encoded) before anything is
/// stored, and every bad part is named in one problem: <c>suggestion</c>, <c>suggestion.text</c>, <c>photo[1]</c>, <c>part[3]</c>.
/// </summary>
internal static class SuggestionForm
{
    public const string JsonPart = "suggestion";
    public const string PhotoPart = "photo";
    public const int MaxJsonBytes = 16 * 1024;
    public const int MaxTextLength = 500;
    public const int MaxAddressLength = 200;
    public const int MaxParts = 1 + SuggestionPhotos.MaxPhotos;

    /// <summary>Four photos at their limit, the JSON part, and room for the parts' headers.</summary>
    public const int MaxBodyBytes = (SuggestionPhotos.MaxPhotos * SuggestionPhotos.MaxBytes) + MaxJsonBytes + (64 * 1024);

    private static readonly string[] Known = ["communityCode", "category", "text", "address", "location", "contact"];

    public static async Task<(SuggestionSubmission? Submission, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CommunityRegistry communities, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
        {
            return (null, Problems.Field("body", "must be sent as multipart/form-data (with a boundary): a part 'suggestion' (JSON) and up to 4 parts 'photo'.",
                StatusCodes.Status415UnsupportedMediaType));
        }

        // The server's own limit is set for JSON bodies; this route reads more, and enforces its own limit below.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes + 1;
        }

        var (body, tooLarge) = await RequestBody.ReadBytesAsync(request, MaxBodyBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }

        var errors = new Dictionary<string, string[]>();
        byte[]? json = null;
        var photos = new List<byte[]>();
        var reader = new MultipartReader(boundary, new MemoryStream(body!)) { HeadersCountLimit = 8, HeadersLengthLimit = 2048, BodyLengthLimit = null };
        try
        {
            for (var position = 0; await reader.ReadNextSectionAsync(cancellationToken) is { } section; position++)
            {
                var bytes = await RequestBody.ReadAtMostAsync(section.Body, Math.Max(MaxJsonBytes, SuggestionPhotos.MaxBytes), cancellationToken);
                var name = ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase) ? HeaderUtilities.RemoveQuotes(disposition.Name).Value : null;
                if (position >= MaxParts + 4)
                {
                    errors["body"] = [$"has more than {MaxParts} parts."];
                    break;
                }

                switch (name)
                {
                    case JsonPart when json is null:
                        json = bytes ?? [];
                        if (bytes is null || bytes.Length > MaxJsonBytes)
                        {
                            errors[JsonPart] = [$"must be at most {MaxJsonBytes} bytes of JSON."];
                        }

                        break;
                    case JsonPart:
                        errors[JsonPart] = ["must be sent once."];
                        break;
                    case PhotoPart when photos.Count < SuggestionPhotos.MaxPhotos:
                        photos.Add(bytes ?? []);
                        if (bytes is null)
                        {
                            errors[PhotoName(photos.Count - 1)] = [$"is larger than {SuggestionPhotos.MaxBytes} bytes; a photo may have at most {SuggestionPhotos.MaxBytes / 1024 / 1024} MiB."];
                        }

                        break;
                    case PhotoPart:
                        errors[PhotoName(photos.Count)] = [$"is one photo too many: at most {SuggestionPhotos.MaxPhotos}."];
                        break;
                    default:
                        errors[name is { Length: > 0 and <= 40 } && name.All(char.IsAsciiLetterOrDigit) ? name : Part(position)] =
                            [$"is not a part of a suggestion: send '{JsonPart}' (JSON) and up to {SuggestionPhotos.MaxPhotos} '{PhotoPart}' parts as form-data."];
                        break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            return (null, Problems.Field("body", "is not valid multipart/form-data (broken boundary, part headers or framing)."));
        }

        if (json is null && !errors.ContainsKey(JsonPart))
        {
            errors[JsonPart] = ["is required: a form-data part named 'suggestion' holding the JSON."];
        }

        var (community, category, resident) = json is null || errors.ContainsKey(JsonPart) ? (null, null, null) : ReadJson(json, communities, errors);
        var clean = new List<CleanPhoto>();
        for (var i = 0; i < photos.Count; i++)
        {
            if (errors.ContainsKey(PhotoName(i)))
            {
                continue;
            }

            var (photo, refusal) = SuggestionPhotos.Clean(photos[i]);
            if (refusal is not null)
            {
                errors[PhotoName(i)] = [refusal];
            }
            else
            {
                clean.Add(photo!);
            }
        }

        if (errors.Count > 0)
        {
            return (null, Problems.Fields(errors, StatusCodes.Status422UnprocessableEntity));
        }

        // The same JSON (in any key order) and the same photo bytes are the same submission.
        var fingerprint = new StringBuilder(CanonicalJson.Fingerprint(JsonNode.Parse(json!)));
        foreach (var photo in photos)
        {
            fingerprint.Append(':').Append(Convert.ToHexStringLower(SHA256.HashData(photo)));
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(fingerprint.ToString())));
        return (new SuggestionSubmission(community!, category!, resident!, clean, hash), null);
    }

    private static string PhotoName(int index) => $"{PhotoPart}[{index.ToString(CultureInfo.InvariantCulture)}]";

    private static string Part(int position) => $"part[{position.ToString(CultureInfo.InvariantCulture)}]";

    private static (Community?, string?, ResidentPart?) ReadJson(byte[] bytes, CommunityRegistry communities, Dictionary<string, string[]> errors)
    {
        if (!StrictJson.TryParse(bytes, out var node, out var broken))
        {
            errors[broken.Field == "body" ? JsonPart : $"{JsonPart}.{broken.Field}"] = [broken.Message];
            return (null, null, null);
        }

        if (node is not JsonObject body)
        {
            errors[JsonPart] = ["must be a JSON object."];
            return (null, null, null);
        }

        foreach (var unknown in body.Select(p => p.Key).Except(Known))
        {
            errors[Field(unknown.Length <= 40 ? unknown : unknown[..40])] = [$"is not a field of a suggestion ({string.Join(", ", Known)})."];
        }

        var code = Text(body, "communityCode", 32, errors, required: true);
        var community = code is null ? null : communities.Find(code);
        if (code is not null && community is null)
        {
            errors[Field("communityCode")] = [$"'{code}' is not a community of GET /{HubRoutes.Prefix}/{HubRoutes.Communities}."];
        }

        var category = Text(body, "category", 10, errors, required: true);
        if (category is not null && !SuggestionSteps.Categories.Contains(category))
        {
            errors[Field("category")] = [$"must be one of {string.Join("、", SuggestionSteps.Categories)}."];
        }

        var text = Text(body, "text", MaxTextLength, errors, required: true, lines: true);
        var address = Text(body, "address", MaxAddressLength, errors, required: false);
        double? latitude = null, longitude = null;
        if (body["location"] is { } location)
        {
            if (location is not JsonObject point || point.Count != 2
                || !Coordinate(point["latitude"], 90, out var lat) || !Coordinate(point["longitude"], 180, out var lon))
            {
                errors[Field("location")] = ["must be {\"latitude\": -90..90, \"longitude\": -180..180} and nothing else."];
            }
            else
            {
                (latitude, longitude) = (lat, lon);
            }
        }

        string? name = null, phone = null;
        if (body["contact"] is not JsonObject contact)
        {
            errors[Field("contact")] = ["is required: {\"phone\": 11 digits, \"name\": optional}."];
        }
        else
        {
            foreach (var unknown in contact.Select(p => p.Key).Except(["name", "phone"]))
            {
                errors[Field("contact." + (unknown.Length <= 40 ? unknown : unknown[..40]))] = ["is not a field of a contact (name, phone)."];
            }

            name = Text(contact, "name", 50, errors, required: false, parent: "contact");
            phone = Text(contact, "phone", 11, errors, required: true, parent: "contact");
            if (phone is not null && (phone.Length != 11 || phone[0] != '1' || !phone.All(char.IsAsciiDigit)))
            {
                errors[Field("contact.phone")] = ["must be a mobile number: 11 digits starting with 1."];
            }
        }

        return errors.Count > 0 ? (null, null, null)
            : (community, category, new ResidentPart(text!, address, latitude, longitude, name, phone!));
    }

    private static string Field(string name) => $"{JsonPart}.{name}";

    private static string? Text(JsonObject body, string name, int max, Dictionary<string, string[]> errors, bool required, bool lines = false, string? parent = null)
    {
        var field = Field(parent is null ? name : $"{parent}.{name}");
        if (body[name] is null)
        {
            if (required)
            {
                errors[field] = ["is required."];
            }

            return null;
        }

        if (body[name] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            errors[field] = ["must be a string."];
            return null;
        }

        var raw = value.GetValue<string>();

        // Assumption: a resident's description may run over several lines (a phone's text box allows it); every other
        // field is one line. Line breaks are kept as \n.
        var problem = lines
            ? raw.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Trim().Length == 0 ? null : ApplicationText.Check(l, out _)).FirstOrDefault(p => p is not null)
                ?? (string.IsNullOrWhiteSpace(raw) ? "must not be empty or only white space." : null)
            : ApplicationText.Check(raw, out _);
        var kept = lines ? raw.Replace("\r\n", "\n", StringComparison.Ordinal).Trim() : raw.Trim();
        if (problem is not null)
        {
            errors[field] = [problem];
            return null;
        }

        if (kept.EnumerateRunes().Count() > max)
        {
            errors[field] = [$"must be at most {max.ToString(CultureInfo.InvariantCulture)} characters."];
            return null;
        }

        return kept;
    }

    private static bool Coordinate(JsonNode? node, double limit, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value) && double.IsFinite(value) && Math.Abs(value) <= limit;
    }
}
