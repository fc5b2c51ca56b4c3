using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using CsCheck;
using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Departments.SocialSecurity;
using IntegrationHub.Tests.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace IntegrationHub.Tests.Applications;

/// <summary>
/// Accept only what departments accept: every application intake accepts translates without error for its department
/// (公安 GB18030 XML, 人社 JSON string body, 房管 JSON), and its applicant's name reaches the wire unchanged.
/// </summary>
public sealed class IntakeTranslationPropertyTests(ITestOutputHelper output)
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.FromHours(8)));
    private static readonly ApplicationValidator Validator = new(new FormSchemas(ServiceCatalog.LoadEmbedded()), Clock);
    private static readonly string[] Items = RequestSweep.Items.Split(' ');

    [Fact]
    public void Intake_AnyGeneratedApplication_AcceptedOnesTranslateForTheirDepartment()
    {
        var accepted = new ConcurrentDictionary<string, int>();
        var refused = new ConcurrentDictionary<string, int>();

        Applications.Sample(body =>
        {
            var (valid, errors) = Validator.Validate(body);
            var item = body["itemCode"]!.GetValue<string>();
            if (valid is null)
            {
                Assert.NotEmpty(errors);
                refused.AddOrUpdate(item, 1, (_, n) => n + 1);
                return;
            }

            accepted.AddOrUpdate(item, 1, (_, n) => n + 1);
            var application = new CanonicalApplication(Guid.NewGuid().ToString("N"), valid.ItemCode, Guid.NewGuid().ToString("N"),
                Clock.GetUtcNow(), valid.Applicant, valid.Form, valid.Attachments, null);
            Assert.Equal(valid.Applicant.Name, NameOnTheWire(application));
        }, iter: 4000, print: body => body.ToJsonString(HubJsonPrint));

        output.WriteLine($"accepted {accepted.Values.Sum()}, refused {refused.Values.Sum()}");
        output.WriteLine(string.Join(", ", Items.Select(i => $"{i} {accepted.GetValueOrDefault(i)}/{refused.GetValueOrDefault(i)}")));

        // Not vacuous: every item had applications accepted, and refused ones, among the generated.
        Assert.All(Items, i => Assert.True(accepted.GetValueOrDefault(i) > 0 && refused.GetValueOrDefault(i) > 0, $"{i} was not exercised both ways"));
    }

    /// <summary>Translates for the item's department and reads the applicant's name back from the bytes sent.</summary>
    private static string NameOnTheWire(CanonicalApplication application)
    {
        switch (application.ItemCode[..2])
        {
            case "GA":
                var bytes = PublicSecurityTranslator.ToRequest(application);
                return XElement.Parse(PublicSecurityTranslator.Decode(bytes)).Element("Body")!.Element("SQR")!.Element("XM")!.Value;
            case "RS":
                var request = SocialSecurityTranslator.ToRequest(application);
                return JsonNode.Parse(request.Body)!["AAC003"]!.GetValue<string>();
            default:
                return JsonNode.Parse(HousingTranslator.ToRequest(application))!["applicant"]!["name"]!.GetValue<string>();
        }
    }

    private static readonly JsonSerializerOptions HubJsonPrint = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// A sample application of one of the 19 items (full or minimal), with up to four values replaced by generated ones of
    /// every kind: texts of any characters, numbers of any size, dates and times of any spelling, codes, ID numbers.
    /// </summary>
    internal static Gen<JsonObject> Applications =>
        Gen.Select(Gen.Int[0, Items.Length - 1], Gen.Bool, Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Value.Array[4])
            .Select(t => Mutate(Items[t.Item1], t.Item2 ? "valid" : "validMinimal", t.Item3, t.Item4, t.Item5));

    private static JsonObject Mutate(string item, string variant, int changes, int seed, JsonNode?[] values)
    {
        var body = IntakeTests.Sample(item, variant);
        var random = new Random(seed);
        for (var i = 0; i < changes; i++)
        {
            var leaves = Leaves(body);
            var (parent, key) = leaves[random.Next(leaves.Count)];
            var value = values[i]?.DeepClone();
            if (key is string name)
            {
                parent[name] = value;
            }
            else
            {
                parent[(int)key] = value;
            }
        }

        return body;
    }

    private static List<(JsonNode Parent, object Key)> Leaves(JsonObject body)
    {
        var leaves = new List<(JsonNode, object)>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject json:
                    foreach (var (name, value) in json.ToList())
                    {
                        leaves.Add((json, name));
                        Walk(value);
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        leaves.Add((array, i));
                        Walk(array[i]);
                    }

                    break;
            }
        }

        Walk(body["applicant"]);
        Walk(body["form"]);
        return leaves;
    }

    // A value of any kind a form field can be given.
    private static Gen<JsonNode?> Value { get; } = Gen.Frequency(
        (20, ResidentText.Text(60).Select(s => (JsonNode?)s)),
        (15, ResidentText.Name.Select(s => (JsonNode?)s)),
        (6, ResidentText.Name.Select(s => (JsonNode?)$" {s}\u3000")),
        (10, Gen.Select(Gen.Long[-10_000_000_000_000, 10_000_000_000_000], Gen.Int[0, 4]).Select(t => (JsonNode?)JsonNode.Parse(
            (t.Item1 / (decimal)Math.Pow(10, t.Item2)).ToString(CultureInfo.InvariantCulture)))),
        (4, Gen.OneOf("0", "-0", "0.001", "1e-7", "1E2", "92233720368547758.07", "1600.0", "2027", "1999", "4800", "7.9e28").Select(s => JsonNode.Parse(s))),
        (12, Gen.Select(Gen.Int[1800, 2200], Gen.Int[1, 13], Gen.Int[1, 31]).Select(t => (JsonNode?)$"{t.Item1:0000}-{t.Item2:00}-{t.Item3:00}")),
        (6, Gen.Select(Gen.Int[1800, 2200], Gen.Int[0, 13]).Select(t => (JsonNode?)$"{t.Item1:0000}-{t.Item2:00}")),
        (6, Gen.Select(Gen.Int[1890, 2110], Gen.Int[0, 24], Gen.Int[0, 60], Gen.Int[0, 9]).Select(t => (JsonNode?)(
            $"{t.Item1:0000}-11-2{t.Item4}{(t.Item4 % 3 == 0 ? "t" : t.Item4 % 3 == 1 ? "T" : " ")}{t.Item2:00}:{t.Item3:00}:{t.Item3 % 61:00}"
            + (t.Item4 % 4) switch { 0 => "Z", 1 => "+08:00", 2 => ".123-05:30", _ => "" }))),
        (10, Gen.Select(Gen.Int[1880, 2030], Gen.Int[1, 365], Gen.Int[0, 999]).Select(t => (JsonNode?)CitizenIds.Valid(new DateOnly(t.Item1, 1, 1).AddDays(t.Item2 - 1), t.Item3))),
        (10, Gen.OneOf("01", "02", "04", "99", "1", "2", "3", "10", "11", "61", "110", "170", "310", "390", "self", "spouse", "child", "loan", "other", "320302", "97", "98", "00").Select(s => (JsonNode?)s)),
        (4, Gen.OneOf<JsonNode?>(null, true, false).Select(v => v?.DeepClone())),
        (3, Gen.Const(() => (JsonNode?)new JsonArray("110", "310"))));
}
