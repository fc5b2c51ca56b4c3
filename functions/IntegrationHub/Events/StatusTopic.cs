using System.Text.Json;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Events;

/// <summary>
/// On Azure, every status event also goes to a Service Bus topic (sender only, managed identity). The message id
/// is the event id, so the topic's duplicate detection absorbs the republishing the sweep may do.
/// </summary>
public sealed class StatusTopic(ServiceBusSender sender)
{
    public const string Section = "Events:ServiceBus";

    public Task SendAsync(ApplicationStatusChanged statusChanged, string platform, CancellationToken cancellationToken) =>
        sender.SendMessageAsync(ToMessage(statusChanged, platform), cancellationToken);

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

public static class StatusTopicRegistration
{
    /// <summary>Registers the topic only where a namespace is configured (Azure); the local run has none.</summary>
    public static IServiceCollection AddStatusTopic(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(StatusTopic.Section);
        if (section["FullyQualifiedNamespace"] is not { Length: > 0 } fullyQualifiedNamespace)
        {
            return services;
        }

        var topic = section["Topic"] ?? "application-status";
        services.AddSingleton(_ => new ServiceBusClient(fullyQualifiedNamespace, new DefaultAzureCredential()));
        services.AddSingleton(sp => new StatusTopic(sp.GetRequiredService<ServiceBusClient>().CreateSender(topic)));
        return services;
    }
}
