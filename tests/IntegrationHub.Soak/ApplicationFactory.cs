using System.Globalization;
using System.Text.Json.Nodes;

namespace IntegrationHub.Soak;

/// <summary>One application the soak submits: the platform's idempotency key, its item, and the applicant's ID number,
/// which is unique per application so the departments' records can be grouped by person.</summary>
internal sealed record SoakApplication(int Index, string IdempotencyKey, string ItemCode, string IdNumber, JsonObject Body);

/// <summary>
/// Valid applications for the 19 online items, varied from a seeded <see cref="Random"/>: GB 11643 ID numbers with
/// their check character, code-table values, and dates relative to today in Xuzhou (+08:00), never in the future.
/// </summary>
internal sealed class ApplicationFactory(int seed, string runId, DateOnly today)
{
    public static readonly string[] OnlineItems =
    [
        "GA-001", "GA-002", "GA-003", "GA-004", "GA-005", "GA-006",
        "FG-001", "FG-002", "FG-003", "FG-004", "FG-005",
        "RS-001", "RS-002", "RS-003", "RS-004", "RS-005", "RS-006", "RS-007", "RS-008",
    ];

    private static readonly string[] Districts = ["320300", "320302", "320303", "320305", "320311", "320312", "320321", "320322", "320324", "320381", "320382"];
    private static readonly string[] DistrictNames = ["徐州市", "鼓楼区", "云龙区", "贾汪区", "泉山区", "铜山区", "丰县", "沛县", "睢宁县", "新沂市", "邳州市"];
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "欧阳"];
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "志勇", "梦瑶", "浩轩"];
    private static readonly string[] Streets = ["中山北路", "淮海东路", "解放南路", "彭城路", "和平路", "湖北路", "民主南路", "建国西路", "复兴北路", "黄河南路"];
    private static readonly string[] Relations = ["spouse", "child", "parent", "other"];
    private static readonly int[] ContributionLevels = [300, 500, 700, 900, 1100, 1300, 1500, 2000, 2500, 3000];

    private readonly Random _random = new(seed);
    private readonly HashSet<string> _issued = new(StringComparer.Ordinal);

    public SoakApplication Create(int index) => Create(index, OnlineItems[index % OnlineItems.Length]);

    /// <summary>Application number <paramref name="index"/> for one chosen item (the bench loads a single item at a time).</summary>
    public SoakApplication Create(int index, string item)
    {

        // 养老金资格认证 is for retirees; everyone else is an adult of working age.
        var (from, to) = item == "RS-002" ? (1938, 1964) : (1950, 2004);
        var birth = RandomDate(new DateOnly(from, 1, 1), new DateOnly(to, 12, 31));
        var idNumber = UniqueId(birth);
        var name = Name();
        var district = Pick(Districts);
        var body = new JsonObject
        {
            ["itemCode"] = item,
            ["applicant"] = new JsonObject
            {
                ["name"] = name,
                ["idNumber"] = idNumber,
                ["phone"] = Phone(),
                ["ethnicity"] = _random.NextDouble() < 0.9 ? "01" : Pick(["02", "03", "05", "08", "11", "97"]),
                ["district"] = district,
            },
            ["form"] = Form(item, name, idNumber, birth, district),
        };
        return new SoakApplication(index, $"soak-{runId}-{index.ToString(CultureInfo.InvariantCulture)}", item, idNumber, body);
    }

    private JsonObject Form(string item, string name, string idNumber, DateOnly birth, string district) => item switch
    {
        "GA-001" => GaResidence(birth, district),
        "GA-002" => Optional(new JsonObject
        {
            ["currentAddress"] = Address(district),
            ["residenceReason"] = Pick(["01", "02", "03", "04", "05", "99"]),
            ["residenceRegistrationNo"] = $"JZDJ{district}{Digits(10)}",
            ["photoId"] = $"ZP{district}{Digits(14)}",
        }, "employerOrSchool", "徐州工程机械集团有限公司"),
        "GA-003" => new JsonObject { ["residencePermitNo"] = $"JS{district}{Digits(12)}", ["currentAddress"] = Address(district) },
        "GA-004" => Pick(["01", "02", "03", "04"]) is var purpose && purpose == "04"
            ? new JsonObject { ["purpose"] = purpose, ["purposeDescription"] = "办理子女入园的户籍核实" }
            : new JsonObject { ["purpose"] = purpose },
        "GA-005" => new JsonObject { ["receiptNo"] = $"SL{district}{Digits(13)}" },
        "GA-006" => GaRental(district),
        "FG-001" => Optional(new JsonObject
        {
            ["householdMembers"] = Household(name, idNumber),
            ["monthlyIncomeYuan"] = Yuan(1500, 9000),
            ["currentHousingAreaSqm"] = Math.Round((decimal)(_random.NextDouble() * 40), 2),
        }, "employer", "徐州市云龙区环境卫生管理所"),
        "FG-002" => FgLease(district),
        "FG-003" => new JsonObject { ["purpose"] = Pick(["loan", "school", "subsidy", "other"]), ["includeFamily"] = _random.Next(2) == 0 },
        "FG-004" => new JsonObject { ["houseCode"] = $"{district}{Digits(16)}" },
        "FG-005" => Optional(new JsonObject
        {
            ["contractNo"] = $"XZGZ-{today.Year - 1}-{Digits(6)}",
            ["monthlyIncomeYuan"] = Yuan(1500, 9000),
            ["householdMembers"] = Household(name, idNumber),
        }, "changes", "配偶2026年起在本市就业，家庭月收入增加约2300元。"),
        "RS-001" => new JsonObject { ["address"] = Address(district), ["hukouType"] = Pick(["10", "20"]), ["contributionLevel"] = Pick(ContributionLevels) },
        "RS-002" => RsCertification(),
        "RS-003" => RsCertificate(),
        "RS-004" => Pick(["1", "2"]) == "1"
            ? new JsonObject { ["registrationType"] = "1", ["registrationDate"] = Day(RecentDay(birth)), ["employerName"] = "徐州徐工挖掘机械有限公司" }
            : new JsonObject { ["registrationType"] = "2", ["registrationDate"] = Day(RecentDay(birth)), ["unemploymentReason"] = Pick(["01", "02", "03", "99"]) },
        "RS-005" => new JsonObject { ["cardNo"] = $"A{Digits(8)}" },
        "RS-006" => new JsonObject { ["address"] = Address(district), ["year"] = today.Year, ["category"] = Pick(["11", "12", "13", "14"]) },
        "RS-007" => new JsonObject
        {
            ["address"] = Address(district),
            ["insuranceTypes"] = _random.Next(2) == 0 ? new JsonArray("110", "310") : new JsonArray(Pick(["110", "310"])),
            ["contributionBaseYuan"] = _random.Next(3000, 20000),
            ["startMonth"] = today.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        },
        "RS-008" => new JsonObject { ["courseCode"] = $"PX{today.Year}-{Digits(4)}", ["education"] = Pick(["11", "21", "31", "41", "61", "71", "81", "90"]) },
        _ => throw new ArgumentOutOfRangeException(nameof(item), item, "Not an online item."),
    };

    private JsonObject GaResidence(DateOnly birth, string district)
    {
        var dwelling = Pick(["01", "02", "03", "04", "99"]);
        var form = new JsonObject
        {
            ["currentAddress"] = Address(district),
            ["arrivalDate"] = Day(RecentDay(birth)),
            ["residenceReason"] = Pick(["01", "02", "03", "04", "05", "99"]),
            ["dwellingType"] = dwelling,
        };
        if (dwelling == "02")
        {
            form["landlordIdNumber"] = OtherId();
            form["landlordName"] = Name();
        }

        return form;
    }

    private JsonObject GaRental(string district)
    {
        var start = today.AddDays(-_random.Next(0, 60));
        var tenants = new JsonArray();
        for (var i = 0; i < _random.Next(1, 4); i++)
        {
            tenants.Add(new JsonObject { ["idNumber"] = OtherId(), ["name"] = Name(), ["phone"] = Phone() });
        }

        return Optional(new JsonObject
        {
            ["propertyAddress"] = Address(district),
            ["leaseStart"] = Day(start),
            ["leaseEnd"] = Day(start.AddYears(1).AddDays(-1)),
            ["monthlyRentYuan"] = _random.Next(600, 4000),
            ["tenants"] = tenants,
        }, "propertyCertificateNo", $"苏({today.Year - 3})徐州市不动产权第{Digits(7)}号");
    }

    private JsonObject FgLease(string district)
    {
        var start = today.AddDays(-_random.Next(0, 60));
        return new JsonObject
        {
            ["landlord"] = new JsonObject { ["name"] = Name(), ["idNumber"] = OtherId() },
            ["propertyCertificateNo"] = $"苏({today.Year - 3})徐州市不动产权第{Digits(7)}号",
            ["address"] = Address(district),
            ["areaSqm"] = Math.Round((decimal)(30 + _random.NextDouble() * 100), 2),
            ["monthlyRentYuan"] = Yuan(600, 4000),
            ["leaseStart"] = Day(start),
            ["leaseEnd"] = Day(start.AddYears(1).AddDays(-1)),
        };
    }

    private JsonObject RsCertification()
    {
        var method = Pick(["1", "2", "3"]);
        // From yesterday back: a certification later today could still lie ahead of the hub's clock (refused as future).
        var at = today.AddDays(-_random.Next(1, 30)).ToDateTime(new TimeOnly(_random.Next(8, 18), _random.Next(60), 0));
        var form = new JsonObject
        {
            ["method"] = method,
            ["certifiedAt"] = new DateTimeOffset(at, TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        };

        if (method == "1")
        {
            form["evidenceRef"] = $"FACE-{Digits(8)}-{Digits(8)}";
        }

        return form;
    }

    private JsonObject RsCertificate()
    {
        var end = today.AddMonths(-_random.Next(0, 12));
        var start = end.AddMonths(-_random.Next(0, 60));
        var types = new JsonArray();
        foreach (var type in new[] { "110", "170", "210", "310", "390", "410", "510" }.Where(_ => _random.Next(3) == 0).DefaultIfEmpty("110"))
        {
            types.Add(type);
        }

        return new JsonObject
        {
            ["insuranceTypes"] = types,
            ["startMonth"] = start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            ["endMonth"] = end.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        };
    }

    private JsonArray Household(string name, string idNumber)
    {
        var members = new JsonArray(new JsonObject { ["name"] = name, ["idNumber"] = idNumber, ["relation"] = "self" });
        for (var i = 0; i < _random.Next(0, 4); i++)
        {
            members.Add(new JsonObject { ["name"] = Name(), ["idNumber"] = OtherId(), ["relation"] = Pick(Relations) });
        }

        return members;
    }

    // Optional fields are sometimes left out, never sent empty or null.
    private JsonObject Optional(JsonObject form, string field, string value)
    {
        if (_random.Next(2) == 0)
        {
            form[field] = value;
        }

        return form;
    }

    /// <summary>GB 11643-1999: area code, birth date, a sequence (odd male, even female), then the check character.</summary>
    public static string CitizenId(string area, DateOnly birth, int sequence)
    {
        var body = $"{area}{birth:yyyyMMdd}{sequence:D3}";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (body[i] - '0') * weights[i];
        }

        return body + "10X98765432"[sum % 11];
    }

    private string UniqueId(DateOnly birth)
    {
        while (true)
        {
            var id = CitizenId(Pick(Districts), birth, _random.Next(1, 1000));
            if (_issued.Add(id))
            {
                return id;
            }

            birth = birth.AddDays(1);
        }
    }

    // Household members, landlords and tenants: valid numbers that may repeat across applications.
    private string OtherId() => CitizenId(Pick(Districts), RandomDate(new DateOnly(1945, 1, 1), new DateOnly(2015, 12, 31)), _random.Next(1, 1000));

    private string Name() => Pick(Surnames) + Pick(GivenNames);

    private string Phone() => $"1{Pick(["3", "5", "7", "8", "9"])}{Digits(9)}";

    private string Address(string district) =>
        $"江苏省徐州市{DistrictNames[Array.IndexOf(Districts, district)]}{Pick(Streets)}{_random.Next(1, 300)}号{_random.Next(1, 20)}号楼{_random.Next(1, 6)}单元{_random.Next(1, 30)}0{_random.Next(1, 5)}室";

    private decimal Yuan(int min, int max) => Math.Round((decimal)(min + _random.NextDouble() * (max - min)), 2);

    // A day in the last year, not before the person's birth.
    private DateOnly RecentDay(DateOnly birth)
    {
        var day = today.AddDays(-_random.Next(0, 365));
        return day < birth ? birth : day;
    }

    private DateOnly RandomDate(DateOnly from, DateOnly to) => from.AddDays(_random.Next(to.DayNumber - from.DayNumber + 1));

    private string Digits(int count) => string.Concat(Enumerable.Range(0, count).Select(_ => (char)('0' + _random.Next(10))));

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];
}
