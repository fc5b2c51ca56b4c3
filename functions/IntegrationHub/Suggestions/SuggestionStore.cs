using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using IntegrationHub.Privacy;

namespace IntegrationHub.Suggestions;

/// <summary>
/// Every key layout of the suggestion slice, in its own tables and blob container:
/// <list type="bullet">
/// <item><c>{prefix}suggestions</c>: one partition per suggestion, its main row and its steps; every change is one
/// transaction guarded by the main row's ETag (as for applications).</item>
/// <item><c>{prefix}suggestionindex</c>: idempotency claims (<c>idem-{platform}</c>/hash of the key) and due rows
/// (<c>due</c>/<c>{ticks:D19}-{id}-{kind}</c>), read by time range.</item>
/// <item><c>{prefix}-suggestion-photos</c> (lower case): the photos, sealed with the hub's key ring, named by a keyed hash
/// of the suggestion and index, so a name reveals nothing and a retried submission writes the same names again.</item>
/// </list>
/// </summary>
internal sealed class SuggestionStore(SuggestionStorage storage, EnvelopeCipher cipher, PhotoKeys keys, TimeProvider time)
{
    public const string DuePartition = "due";
    private const int MaxConflicts = 20;

    private readonly Lazy<Task> _created = new(async () =>
    {
        await Create(() => storage.Tables.CreateTableIfNotExistsAsync(storage.Prefix + "suggestions"));
        await Create(() => storage.Tables.CreateTableIfNotExistsAsync(storage.Prefix + "suggestionindex"));
        await Create(() => storage.Blobs.GetBlobContainerClient(ContainerName(storage.Prefix)).CreateIfNotExistsAsync());
    });

    public static string ContainerName(string prefix) => prefix.ToLowerInvariant() + "-suggestion-photos";

    private async Task<TableClient> Suggestions()
    {
        await _created.Value;
        return storage.Tables.GetTableClient(storage.Prefix + "suggestions");
    }

    private async Task<TableClient> Index()
    {
        await _created.Value;
        return storage.Tables.GetTableClient(storage.Prefix + "suggestionindex");
    }

    private async Task<BlobContainerClient> Photos()
    {
        await _created.Value;
        return storage.Blobs.GetBlobContainerClient(ContainerName(storage.Prefix));
    }

    /// <summary>Claims an idempotency key: one call, one more when the key was used before.</summary>
    public async Task<(string Id, bool Replayed, bool Conflict)> ClaimAsync(string platform, string key, string bodyHash, CancellationToken cancellationToken)
    {
        var index = await Index();
        var claim = new SuggestionIndexEntity
        {
            PartitionKey = $"idem-{platform}",
            RowKey = System.Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
            SuggestionId = Guid.CreateVersion7(time.GetUtcNow()).ToString("N"),
            BodyHash = bodyHash,
        };
        try
        {
            await index.AddEntityAsync(claim, cancellationToken);
            return (claim.SuggestionId, false, false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var first = (await index.GetEntityAsync<SuggestionIndexEntity>(claim.PartitionKey, claim.RowKey, cancellationToken: cancellationToken)).Value;
            return (first.SuggestionId, true, first.BodyHash != bodyHash);
        }
    }

    /// <summary>
    /// Seals and uploads the photos (one call each) and answers how the suggestion records them. A retry of the same
    /// submission overwrites the same names.
    /// </summary>
    public async Task<string> PutPhotosAsync(string id, IReadOnlyList<CleanPhoto> photos, CancellationToken cancellationToken)
    {
        var container = await Photos();
        var recorded = new List<string>();
        for (var i = 0; i < photos.Count; i++)
        {
            var name = keys.Name(string.Create(CultureInfo.InvariantCulture, $"{id}/{i}"));
            var sealedPhoto = cipher.Seal(photos[i].Jpeg, PhotoContext(id, i));
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(sealedPhoto), overwrite: true, cancellationToken);
            recorded.Add(string.Create(CultureInfo.InvariantCulture, $"{name}:{photos[i].Width}:{photos[i].Height}"));
        }

        return string.Join(';', recorded);
    }

    /// <summary>The photos a suggestion records: blob name and size, by index.</summary>
    public static IReadOnlyList<(string Name, int Width, int Height)> PhotosOf(SuggestionEntity suggestion) =>
    [
        .. suggestion.Photos.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(':')).Select(p =>
            (p[0], int.Parse(p[1], CultureInfo.InvariantCulture), int.Parse(p[2], CultureInfo.InvariantCulture))),
    ];

    /// <summary>The photo's JPEG bytes, or null when there is none: one call.</summary>
    public async Task<byte[]?> OpenPhotoAsync(SuggestionEntity suggestion, int index, CancellationToken cancellationToken)
    {
        var photos = PhotosOf(suggestion);
        if (index < 0 || index >= photos.Count)
        {
            return null;
        }

        var container = await Photos();
        try
        {
            var content = await container.GetBlobClient(photos[index].Name).DownloadContentAsync(cancellationToken);
            return cipher.Open(content.Value.Content.ToArray(), PhotoContext(suggestion.PartitionKey, index));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Writes "look at it at this time" rows in one transaction (they share the due partition).</summary>
    public async Task MarkDueAsync(IEnumerable<(DateTimeOffset At, string Id, string Kind)> rows, CancellationToken cancellationToken)
    {
        var index = await Index();
        var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new SuggestionIndexEntity { PartitionKey = DuePartition, RowKey = DueKey(r.At, r.Id, r.Kind), SuggestionId = r.Id })).ToList();
        if (actions.Count > 0)
        {
            await index.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    /// <summary>Deletes a due row and writes the next ones, in one transaction; a row already gone is no fault.</summary>
    public async Task MoveDueAsync(SuggestionIndexEntity done, IEnumerable<(DateTimeOffset At, string Id, string Kind)> next, CancellationToken cancellationToken)
    {
        var index = await Index();
        var added = next.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new SuggestionIndexEntity { PartitionKey = DuePartition, RowKey = DueKey(r.At, r.Id, r.Kind), SuggestionId = r.Id })).ToList();
        try
        {
            await index.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Delete, done, ETag.All), .. added], cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404)
        {
            // Another instance handled the row meanwhile: what it wrote stands.
        }
    }

    /// <summary>Due rows at or before <paramref name="now"/>, oldest first: one range read of the due partition.</summary>
    public async Task<IReadOnlyList<SuggestionIndexEntity>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var index = await Index();
        var below = $"{now.UtcTicks + 1:D19}";
        var due = new List<SuggestionIndexEntity>();
        await foreach (var row in index.QueryAsync<SuggestionIndexEntity>(e => e.PartitionKey == DuePartition && e.RowKey.CompareTo(below) < 0,
            maxPerPage: max, cancellationToken: cancellationToken))
        {
            due.Add(row);
            if (due.Count == max)
            {
                break;
            }
        }

        return due;
    }

    public static string DueKind(SuggestionIndexEntity row) => row.RowKey[(row.RowKey.LastIndexOf('-') + 1)..];

    public async Task CreateAsync(SuggestionEntity suggestion, SuggestionStepEntity first, CancellationToken cancellationToken)
    {
        var table = await Suggestions();
        first.Sequence = suggestion.TimelineCount = 1;
        Place(suggestion.PartitionKey, first);
        await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, suggestion),
            new TableTransactionAction(TableTransactionActionType.Add, first),
        ], cancellationToken);
    }

    public async Task<SuggestionEntity?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsKey(id))
        {
            return null;
        }

        var table = await Suggestions();
        var found = await table.GetEntityIfExistsAsync<SuggestionEntity>(id, SuggestionEntity.Row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>The suggestion and its steps, oldest first: one query of its partition.</summary>
    public async Task<(SuggestionEntity? Suggestion, IReadOnlyList<SuggestionStepEntity> Steps)> ReadAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsKey(id))
        {
            return (null, []);
        }

        var table = await Suggestions();
        SuggestionEntity? suggestion = null;
        var steps = new List<SuggestionStepEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == id, cancellationToken: cancellationToken))
        {
            if (row.RowKey == SuggestionEntity.Row)
            {
                suggestion = Convert<SuggestionEntity>(row);
            }
            else
            {
                steps.Add(Convert<SuggestionStepEntity>(row));
            }
        }

        return (suggestion, [.. steps.OrderBy(s => s.Sequence)]);
    }

    /// <summary>Main rows matching a server-side filter: a scan of the table, fine at a pilot's volume (see docs/suggestions.md).</summary>
    public async Task<List<SuggestionEntity>> ListAsync(string? filter, CancellationToken cancellationToken)
    {
        var table = await Suggestions();
        var where = TableClient.CreateQueryFilter($"RowKey eq {SuggestionEntity.Row}") + (filter is null ? "" : $" and ({filter})");
        var found = new List<SuggestionEntity>();
        await foreach (var row in table.QueryAsync<SuggestionEntity>(where, cancellationToken: cancellationToken))
        {
            found.Add(row);
        }

        return found;
    }

    /// <summary>
    /// Reads the suggestion, lets <paramref name="change"/> modify it and name the steps it adds, and commits both at once
    /// (one read, one transaction). <paramref name="change"/> returns null to write nothing; it may run again when another
    /// writer got there first.
    /// </summary>
    public async Task<(SuggestionEntity Suggestion, IReadOnlyList<SuggestionStepEntity> Added)?> UpdateAsync(
        string id, Func<SuggestionEntity, IReadOnlyList<SuggestionStepEntity>?> change, CancellationToken cancellationToken)
    {
        var table = await Suggestions();
        for (var conflict = 0; ; conflict++)
        {
            var current = await FindAsync(id, cancellationToken);
            if (current is null)
            {
                return null;
            }

            var added = change(current);
            if (added is null || added.Count == 0)
            {
                return (current, []);
            }

            current.UpdatedAt = time.GetUtcNow();
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, current, current.ETag) };
            foreach (var step in added)
            {
                step.Sequence = ++current.TimelineCount;
                Place(id, step);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, step));
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return (current, added);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 412 or 409 && conflict < MaxConflicts)
            {
                // Someone else changed the suggestion meanwhile: read again and decide again.
            }
        }
    }

    /// <summary>
    /// Erases what the resident gave of a suggestion closed at or before <paramref name="cutoff"/>: the photo blobs (one call
    /// each), the sealed words and contact with an <c>erased</c> step (one read, one transaction), the rating comments (one
    /// query, one transaction when there are any). The masks, the status and the timeline stay. Answers the close time when
    /// it is not due yet (closed later than the row said), or no time when there is nothing (more) to erase.
    /// </summary>
    public async Task<(bool Erased, DateTimeOffset? ClosedAt)> EraseAsync(string id, DateTimeOffset cutoff, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var suggestion = await FindAsync(id, cancellationToken);
        if (suggestion is null || suggestion.ErasedAt is not null || suggestion.Status != Contracts.SuggestionStatus.Closed)
        {
            return (false, null);
        }

        if (suggestion.UpdatedAt > cutoff)
        {
            return (false, suggestion.UpdatedAt);
        }

        // Blobs first: a crash after them leaves the row to be erased on the next run, never a photo without its row.
        var container = await Photos();
        foreach (var photo in PhotosOf(suggestion))
        {
            await container.GetBlobClient(photo.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }

        var done = await UpdateAsync(id, s =>
        {
            if (s.ErasedAt is not null)
            {
                return null;
            }

            s.SealedResident = null;
            s.Photos = "";
            s.ErasedAt = now;
            return [new SuggestionStepEntity
            {
                Step = SuggestionSteps.Erased,
                Status = s.Status,
                PreviousStatus = s.Status,
                Summary = "居民个人信息（内容、地址、位置、联系方式、照片、评价意见）已按保存期限删除",
                At = now,
            }];
        }, cancellationToken);

        // Steps are written once and never changed after, so clearing their comments cannot overwrite another writer.
        var (_, steps) = await ReadAsync(id, cancellationToken);
        var comments = steps.Where(s => s.SealedComment is not null).Select(step =>
        {
            step.SealedComment = null;
            return new TableTransactionAction(TableTransactionActionType.UpdateReplace, step, ETag.All);
        }).ToList();
        if (comments.Count > 0)
        {
            await (await Suggestions()).SubmitTransactionAsync(comments, cancellationToken);
        }

        // Another run may have erased it meanwhile (two sweeps at once): then there is nothing more to do, nothing to reschedule.
        return (done is { Added.Count: > 0 }, null);
    }

    public ResidentPart OpenResident(SuggestionEntity suggestion) =>
        System.Text.Json.JsonSerializer.Deserialize(cipher.Open(suggestion.SealedResident!, ResidentContext(suggestion.PartitionKey)), SuggestionJsonContext.Default.ResidentPart)
            ?? throw new SealedDataException("The sealed suggestion is empty.");

    public void SealResident(SuggestionEntity suggestion, ResidentPart resident) =>
        suggestion.SealedResident = cipher.Seal(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(resident, SuggestionJsonContext.Default.ResidentPart),
            ResidentContext(suggestion.PartitionKey));

    public byte[] SealComment(string id, int sequence, string comment) =>
        cipher.Seal(Encoding.UTF8.GetBytes(comment), $"suggestions/{id}/comment/{sequence.ToString(CultureInfo.InvariantCulture)}");

    public string OpenComment(SuggestionStepEntity step) =>
        Encoding.UTF8.GetString(cipher.Open(step.SealedComment!, $"suggestions/{step.PartitionKey}/comment/{step.Sequence.ToString(CultureInfo.InvariantCulture)}"));

    private static string ResidentContext(string id) => $"suggestions/{id}/resident";

    private static string PhotoContext(string id, int index) => $"suggestions/{id}/photos/{index.ToString(CultureInfo.InvariantCulture)}";

    // Ticks as 19 digits sort as time; the id and kind make the key unique.
    public static string DueKey(DateTimeOffset at, string id, string kind) => $"{at.UtcTicks:D19}-{id}-{kind}";

    private void Place(string id, SuggestionStepEntity step)
    {
        step.PartitionKey = id;
        step.RowKey = SuggestionStepEntity.RowFor(step.Sequence);
        if (step.At == default)
        {
            step.At = time.GetUtcNow();
        }
    }

    private static T Convert<T>(TableEntity row) where T : class, ITableEntity, new()
    {
        var entity = new T { PartitionKey = row.PartitionKey, RowKey = row.RowKey, Timestamp = row.Timestamp, ETag = row.ETag };
        // Both row types hold strings, numbers, booleans, times and bytes, which the table returns as the same types, and
        // states, which it stores by name (as the SDK writes an enum): parsed here, at the storage boundary, once.
        foreach (var property in typeof(T).GetProperties())
        {
            if (property.CanWrite && property.Name is not (nameof(ITableEntity.PartitionKey) or nameof(ITableEntity.RowKey) or nameof(ITableEntity.Timestamp) or nameof(ITableEntity.ETag))
                && row.TryGetValue(property.Name, out var value))
            {
                property.SetValue(entity, property.PropertyType.IsEnum && value is string name ? Enum.Parse(property.PropertyType, name) : value);
            }
        }

        return entity;
    }

    /// <summary>Only ids the hub could have issued reach storage queries.</summary>
    private static bool IsKey(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private static async Task Create(Func<Task> create)
    {
        try
        {
            await create();
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another instance created it a moment ago.
        }
    }
}
