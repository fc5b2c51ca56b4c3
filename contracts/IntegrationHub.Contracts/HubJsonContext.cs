using System.Text.Json;
using System.Text.Json.Serialization;

namespace IntegrationHub.Contracts;

/// <summary>Source-generated JSON metadata for every public contract: camelCase, web defaults.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ServiceItemList))]
[JsonSerializable(typeof(ServiceItemDetail))]
[JsonSerializable(typeof(ProcedureGuide))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(SubmitApplication))]
[JsonSerializable(typeof(ApplicationAccepted))]
[JsonSerializable(typeof(ApplicationView))]
[JsonSerializable(typeof(ApplicationStatusChanged))]
[JsonSerializable(typeof(EventPage))]
[JsonSerializable(typeof(HubEvent))]
[JsonSerializable(typeof(CommunityList))]
[JsonSerializable(typeof(Community))]
[JsonSerializable(typeof(SubmitSuggestion))]
[JsonSerializable(typeof(SuggestionAccepted))]
[JsonSerializable(typeof(SuggestionView))]
[JsonSerializable(typeof(RateSuggestion))]
[JsonSerializable(typeof(SuggestionChanged))]
[JsonSerializable(typeof(ApplicationStep))]
[JsonSerializable(typeof(AppointmentSlots))]
[JsonSerializable(typeof(BookAppointment))]
[JsonSerializable(typeof(AppointmentView))]
[JsonSerializable(typeof(AppointmentChanged))]
[JsonSerializable(typeof(MaterialAccepted))]
[JsonSerializable(typeof(SubmitSupplement))]
[JsonSerializable(typeof(SubmitWithdrawal))]
[JsonSerializable(typeof(CaseRequestAccepted))]
public sealed partial class HubJsonContext : JsonSerializerContext;
