using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using IntegrationHub.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Storage;

internal static class StorageRegistration
{
    public static IServiceCollection AddHubStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions>(configuration, StorageOptions.Section);

        services.AddSingleton<StorageCalls>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var tableOptions = new TableClientOptions();
            tableOptions.AddPolicy(sp.GetRequiredService<StorageCalls>().PolicyFor("tables"), HttpPipelinePosition.PerRetry);
            return options.ConnectionString is { Length: > 0 } connection
                ? new TableServiceClient(connection, tableOptions)
                : new TableServiceClient(new Uri($"https://{options.AccountName}.table.core.windows.net"), new DefaultAzureCredential(), tableOptions);
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            queueOptions.AddPolicy(sp.GetRequiredService<StorageCalls>().PolicyFor("queues"), HttpPipelinePosition.PerRetry);
            return options.ConnectionString is { Length: > 0 } connection
                ? new QueueServiceClient(connection, queueOptions)
                : new QueueServiceClient(new Uri($"https://{options.AccountName}.queue.core.windows.net"), new DefaultAzureCredential(), queueOptions);
        });
        services.AddSingleton<HubTables>();
        services.AddSingleton<GroupCommit>();
        services.AddSingleton<ApplicationCache>();
        services.AddSingleton<FeedNotifications>();
        services.AddSingleton<EventFeed>();
        services.AddSingleton<WorkIndex>();
        services.AddSingleton<Lookups>();
        services.AddSingleton<FollowUpStore>();
        services.AddSingleton<RetentionIndex>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<ApplicationStore>();
        services.AddHostedService<EffectsBehindAtStop>();
        services.AddSingleton<SeedWriter>();
        services.AddSingleton<HandoffQueue>();
        return services;
    }
}
