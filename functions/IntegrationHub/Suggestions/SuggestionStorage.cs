using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using IntegrationHub.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Suggestions;

/// <summary>
/// The suggestion slice's own storage clients (tables and blobs, on the hub's account), each carrying a policy that
/// counts the calls it makes, so the cost of every operation can be measured (docs/suggestions.md lists them).
/// </summary>
internal sealed class SuggestionStorage
{
    private readonly CallCounter _counter = new();

    public SuggestionStorage(IOptions<StorageOptions> options)
    {
        var settings = options.Value;
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(_counter, HttpPipelinePosition.PerCall);
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(_counter, HttpPipelinePosition.PerCall);
        if (settings.ConnectionString is { Length: > 0 } connection)
        {
            Tables = new TableServiceClient(connection, tableOptions);
            Blobs = new BlobServiceClient(connection, blobOptions);
        }
        else
        {
            Tables = new TableServiceClient(new Uri($"https://{settings.AccountName}.table.core.windows.net"), new DefaultAzureCredential(), tableOptions);
            Blobs = new BlobServiceClient(new Uri($"https://{settings.AccountName}.blob.core.windows.net"), new DefaultAzureCredential(), blobOptions);
        }

        Prefix = settings.TablePrefix;
    }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public string Prefix { get; }

    /// <summary>Storage calls made through these clients since the start (requests, not retries of one request).</summary>
    public long Calls => Interlocked.Read(ref _counter.Count);

    private sealed class CallCounter : HttpPipelineSynchronousPolicy
    {
        public long Count;

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref Count);
    }
}
