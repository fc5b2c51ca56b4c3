using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using IntegrationHub.Composition;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Platforms;
using IntegrationHub.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Events;

/// <summary>
/// On Azure, every status event also goes to a Service Bus topic (sender only, managed identity), through a feed pump of
/// its own (at least once, from its own cursor). The message id is the event id, so the topic's duplicate detection
/// absorbs what a pump sends again after a restart.
/// </summary>
internal sealed class StatusTopic(ServiceBusSender sender, IOptionsMonitor<PlatformOptions> platforms) : IFeedSink
{
    public const string Section = "Events:ServiceBus";

    public string Name => "topic";

    public IEnumerable<string> Platforms => platforms.CurrentValue.Clients.Select(c => c.Name);

    public async Task HandOffAsync(string platform, IReadOnlyList<EventEntity> events, CancellationToken cancellationToken)
    {
        // The sender retries transient faults itself; what still fails escapes, and the pump tries the batch again.
        // Issues 12 and 13: suggestion and appointment events share the feed but not the topic (application status events only).
        foreach (var chunk in events.Where(EventEntity.IsApplicationEvent).Chunk(50))
        {
            await sender.SendMessagesAsync(chunk.Select(e => ToMessage(EventsApi.ToEvent(e), platform)), cancellationToken);
        }
    }

    public static ServiceBusMessage ToMessage(ApplicationStatusChanged statusChanged, string platform)
    {
        var message = new ServiceBusMessage(JsonSerializer.SerializeToUtf8Bytes(statusChanged, HubJson.Info<ApplicationStatusChanged>()))
        {
            MessageId = statusChanged.EventId,
            Subject = statusChanged.Status.ToString(),
            ContentType = "application/json",
            CorrelationId = statusChanged.ApplicationId,
        };
        message.ApplicationProperties["platform"] = platform;
        message.ApplicationProperties["itemCode"] = statusChanged.ItemCode;
        message.ApplicationProperties["status"] = statusChanged.Status.ToString();
        return message;
    }
}

/// <summary>Azure only: the Service Bus topic status events also go to. Unset locally.</summary>
internal sealed class StatusTopicOptions : IValidatableObject
{
    /// <summary>The namespace's host name, <c>&lt;name&gt;.servicebus.windows.net</c> (no scheme), reached with the app's managed identity.</summary>
    [RegularExpression(@"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$",
        ErrorMessage = "must be the namespace's host name, e.g. sb-hub.servicebus.windows.net (no scheme, no path).")]
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>The topic's name (Service Bus: letters, digits, '.', '-', '_' and '/', up to 260 characters).</summary>
    [RegularExpression(@"^[A-Za-z0-9]([A-Za-z0-9._/-]{0,258}[A-Za-z0-9_])?$",
        ErrorMessage = "must be 1-260 letters, digits, '.', '-', '_' or '/', starting with a letter or digit.")]
    public string? Topic { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(FullyQualifiedNamespace) && !string.IsNullOrEmpty(Topic))
        {
            yield return new ValidationResult("is set without FullyQualifiedNamespace, so no event would reach it: set both or neither.", [nameof(Topic)]);
        }
    }
}

internal static class StatusTopicRegistration
{
    public const string DefaultTopic = "application-status";

    /// <summary>Registers the topic only where a namespace is configured (Azure); the local run has none.</summary>
    public static IServiceCollection AddStatusTopic(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StatusTopicOptions>(configuration, StatusTopic.Section);
        var section = configuration.GetSection(StatusTopic.Section);
        if (section[nameof(StatusTopicOptions.FullyQualifiedNamespace)] is not { Length: > 0 })
        {
            return services;
        }

        services.AddSingleton(sp => new ServiceBusClient(
            sp.GetRequiredService<IOptions<StatusTopicOptions>>().Value.FullyQualifiedNamespace, new DefaultAzureCredential()));
        services.AddSingleton(sp => new StatusTopic(sp.GetRequiredService<ServiceBusClient>().CreateSender(
            sp.GetRequiredService<IOptions<StatusTopicOptions>>().Value.Topic ?? DefaultTopic), sp.GetRequiredService<IOptionsMonitor<PlatformOptions>>()));
        services.AddSingleton<IFeedSink>(sp => sp.GetRequiredService<StatusTopic>());
        return services;
    }
}
