namespace IntegrationHub.Contracts;

/// <summary>A district (区/县) by its GB/T 2260 code.</summary>
/// <param name="Code">The six-digit GB/T 2260 code, e.g. <c>320303</c>.</param>
/// <param name="Name">Its name, e.g. <c>云龙区</c>.</param>
public sealed record DistrictRef(string Code, string Name);

/// <summary>The street office (街道办事处) a community belongs to.</summary>
/// <param name="Code">The hub's code of the street, used to group communities for street supervisors.</param>
/// <param name="Name">Its name.</param>
public sealed record StreetRef(string Code, string Name);

/// <summary>Opening hours of a service hall on some days of the week.</summary>
/// <param name="Days">ISO weekdays, 1 (Monday) to 7 (Sunday).</param>
/// <param name="Opens">Local time (+08:00) it opens, <c>HH:mm</c>.</param>
/// <param name="Closes">Local time (+08:00) it closes, <c>HH:mm</c>.</param>
public sealed record OpeningHours(IReadOnlyList<int> Days, string Opens, string Closes);

/// <summary>The community's service hall (社区党群服务中心 / 便民服务站).</summary>
/// <param name="Address">Its address.</param>
/// <param name="OpeningHours">When it is open.</param>
/// <param name="Counters">How many service counters (窗口) it has.</param>
public sealed record ServiceHall(string Address, IReadOnlyList<OpeningHours> OpeningHours, int Counters);

/// <summary>One community (社区) that takes residents' suggestions.</summary>
/// <param name="Code">The hub's community code, used in URLs and suggestions.</param>
/// <param name="Name">The community's name, e.g. <c>蝶梦社区</c>.</param>
/// <param name="District">Its district, GB/T 2260.</param>
/// <param name="Street">Its street office.</param>
/// <param name="ServiceHall">Its service hall.</param>
/// <param name="SampleData">The fields whose values are sample data, not facts the hub knows (paths such as <c>street</c>,
/// <c>serviceHall.address</c>); a platform must not present them as real.</param>
/// <param name="Source">Where the known facts come from.</param>
public sealed record Community(
    string Code,
    string Name,
    DistrictRef District,
    StreetRef Street,
    ServiceHall ServiceHall,
    IReadOnlyList<string> SampleData,
    string Source);

/// <summary>The community registry.</summary>
/// <param name="Total">How many communities.</param>
/// <param name="Communities">Every community, in registry order.</param>
public sealed record CommunityList(int Total, IReadOnlyList<Community> Communities);
