using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Appointments;

/// <summary>How a booking attempt ended.</summary>
internal enum BookOutcome
{
    Booked,

    /// <summary>The slot has no place left.</summary>
    Full,

    /// <summary>The resident already holds an active booking of this item on this day.</summary>
    Duplicate,

    /// <summary>A booking with this id exists already (a retry of the same submission got there first).</summary>
    Exists,
}

/// <summary>
/// Every key layout of the appointment slice, in one table <c>{prefix}appointments</c>:
/// <list type="bullet">
/// <item><c>{COMMUNITY}_{yyyyMMdd}</c>: one partition per hall and day, holding its slots' counts (<c>slot-{HHmm}</c>),
/// its bookings (<c>a-{id}</c>) and the residents' per-item claims (<c>r-{hash}-{item}</c>). A booking writes all three in
/// one entity-group transaction, the count under its ETag: capacity holds across every instance of the hub without a
/// lock, and the slots of a day are one partition read.</item>
/// <item><c>idem-{platform}</c>/hash of the Idempotency-Key: the booking id the key was first used for.</item>
/// <item><c>resident-{hash}</c>/<c>noshow</c>: a resident's no-shows and any block.</item>
/// </list>
/// Storage calls (docs/appointments.md): a booking is 4 calls (claim, no-show read, slot read, transaction) plus 1 per lost
/// race for the last places, then the event (1 transaction); a cancellation 3 (booking, slot, transaction) plus the event.
/// </summary>
internal sealed class AppointmentStore(TableServiceClient service, IOptions<StorageOptions> options, EnvelopeCipher cipher, TimeProvider time)
{
    public const string BookingPrefix = "a-";
    public const string SlotPrefix = "slot-";
    public const string NoShowRow = "noshow";

    // Each lost race means another booking committed, so with N places a caller loses at most N times before it sees
    // the slot full; the bound only stops a pathological loop.
    private const int MaxRaces = 64;

    private readonly Lazy<Task<TableClient>> _table = new(async () =>
    {
        var table = service.GetTableClient(options.Value.TablePrefix + "appointments");
        try
        {
            await table.CreateIfNotExistsAsync();
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Created by another instance meanwhile.
        }

        return table;
    });

    private Task<TableClient> Table() => _table.Value;

    /// <summary>A new booking id: the day, the community, and randomness (<c>20261201-DIEMENG-3f9a0c1b2d</c>).</summary>
    public static string NewId(string community, DateOnly date) =>
        $"{date:yyyyMMdd}-{community}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}";

    /// <summary>The day partition an id belongs to, or null when it is no booking id.</summary>
    public static string? PartitionOf(string? id)
    {
        if (id is null || id.Length < 8 + 1 + 3 + 11 || id.Length > 64 || id[8] != '-' || id[^11] != '-'
            || !DateOnly.TryParseExact(id.AsSpan(0, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || !id[^10..].All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var community = id[9..^11];
        return community.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '-') ? DayPartition(community, date) : null;
    }

    public static string DayPartition(string community, DateOnly date) => $"{community}_{date:yyyyMMdd}";

    public static string ClaimRow(string residentHash, string itemCode) => $"r-{residentHash}-{itemCode}";

    public void Seal(AppointmentEntity appointment, ResidentOf resident) =>
        appointment.SealedResident = cipher.Seal(JsonSerializer.SerializeToUtf8Bytes(resident, AppointmentJsonContext.Default.ResidentOf), Context(appointment));

    public ResidentOf Open(AppointmentEntity appointment) =>
        JsonSerializer.Deserialize(cipher.Open(appointment.SealedResident!, Context(appointment)), AppointmentJsonContext.Default.ResidentOf)
            ?? throw new SealedDataException("The sealed resident is empty.");

    /// <summary>Claims an idempotency key for <paramref name="id"/>: one call, one more when the key was used before.</summary>
    public async Task<(string Id, bool Replayed, bool Conflict)> ClaimAsync(string platform, string key, string bodyHash, string id, CancellationToken cancellationToken)
    {
        var table = await Table();
        var claim = new AppointmentIndexEntity
        {
            PartitionKey = $"idem-{platform}",
            RowKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
            AppointmentId = id,
            BodyHash = bodyHash,
        };
        try
        {
            await table.AddEntityAsync(claim, cancellationToken);
            return (id, false, false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var first = (await table.GetEntityAsync<AppointmentIndexEntity>(claim.PartitionKey, claim.RowKey, cancellationToken: cancellationToken)).Value;
            return (first.AppointmentId!, true, first.BodyHash != bodyHash);
        }
    }

    /// <summary>One point read; null for an id that is no booking's.</summary>
    public async Task<AppointmentEntity?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (PartitionOf(id) is not { } partition)
        {
            return null;
        }

        var table = await Table();
        var found = await table.GetEntityIfExistsAsync<AppointmentEntity>(partition, BookingPrefix + id, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>The resident's no-show row, or null: one point read.</summary>
    public async Task<AppointmentIndexEntity?> NoShowsAsync(string residentHash, CancellationToken cancellationToken)
    {
        var table = await Table();
        var found = await table.GetEntityIfExistsAsync<AppointmentIndexEntity>($"resident-{residentHash}", NoShowRow, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Held places per slot of a hall's day: one range read of the day partition.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountsAsync(string community, DateOnly date, CancellationToken cancellationToken)
    {
        var table = await Table();
        var partition = DayPartition(community, date);
        var counts = new Dictionary<string, int>();
        await foreach (var slot in table.QueryAsync<SlotEntity>(
            e => e.PartitionKey == partition && e.RowKey.CompareTo(SlotPrefix) >= 0 && e.RowKey.CompareTo("slot.") < 0,
            select: ["RowKey", "Booked"], cancellationToken: cancellationToken))
        {
            counts[slot.RowKey[SlotPrefix.Length..]] = slot.Booked;
        }

        return counts;
    }

    /// <summary>The bookings of a hall's day, in slot order: one range read of the day partition.</summary>
    public async Task<IReadOnlyList<AppointmentEntity>> DayAsync(string community, DateOnly date, CancellationToken cancellationToken)
    {
        var table = await Table();
        var partition = DayPartition(community, date);
        var bookings = new List<AppointmentEntity>();
        await foreach (var booking in table.QueryAsync<AppointmentEntity>(
            e => e.PartitionKey == partition && e.RowKey.CompareTo(BookingPrefix) >= 0 && e.RowKey.CompareTo("a.") < 0, cancellationToken: cancellationToken))
        {
            bookings.Add(booking);
        }

        return [.. bookings.OrderBy(b => b.Start).ThenBy(b => b.BookedAt)];
    }

    /// <summary>
    /// Holds a place of the slot and writes the booking and the resident's claim, in one transaction of the day partition,
    /// the slot's count under its ETag (or inserted when it has none yet). A race lost to another booking reads the count
    /// again: 2 calls, plus 2 per race lost.
    /// </summary>
    public async Task<BookOutcome> BookAsync(AppointmentEntity appointment, int capacity, CancellationToken cancellationToken)
    {
        var table = await Table();
        appointment.RowKey = BookingPrefix + appointment.AppointmentId;
        var claim = new AppointmentIndexEntity
        {
            PartitionKey = appointment.PartitionKey,
            RowKey = ClaimRow(appointment.ResidentHash, appointment.ItemCode),
            AppointmentId = appointment.AppointmentId,
        };
        for (var race = 0; race < MaxRaces; race++)
        {
            var found = await table.GetEntityIfExistsAsync<SlotEntity>(appointment.PartitionKey, SlotPrefix + appointment.SlotId, cancellationToken: cancellationToken);
            var slot = found.HasValue ? found.Value! : new SlotEntity { PartitionKey = appointment.PartitionKey, RowKey = SlotPrefix + appointment.SlotId };
            if (slot.Booked >= capacity)
            {
                return BookOutcome.Full;
            }

            var counted = found.HasValue;
            slot.Booked++;
            TableTransactionAction[] actions =
            [
                counted ? new(TableTransactionActionType.UpdateReplace, slot, slot.ETag) : new(TableTransactionActionType.Add, slot),
                new(TableTransactionActionType.Add, appointment),
                new(TableTransactionActionType.Add, claim),
            ];
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return BookOutcome.Booked;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                var failed = FailedIndex(ex);
                if (failed < 0 && ex.Status == 409)
                {
                    // The service did not name the row: find out which insert met an existing one (2 reads, rare).
                    failed = await table.GetEntityIfExistsAsync<AppointmentIndexEntity>(appointment.PartitionKey, appointment.RowKey, select: ["RowKey"], cancellationToken: cancellationToken) is { HasValue: true } ? 1
                        : await table.GetEntityIfExistsAsync<AppointmentIndexEntity>(claim.PartitionKey, claim.RowKey, select: ["RowKey"], cancellationToken: cancellationToken) is { HasValue: true } ? 2
                        : 0;
                }

                if (failed == 2)
                {
                    return BookOutcome.Duplicate;
                }

                if (failed == 1)
                {
                    return BookOutcome.Exists;
                }

                // The count changed (or was created) since it was read: another booking or cancellation committed.
            }
        }

        throw new InvalidOperationException($"Booking a place of {appointment.PartitionKey}/{appointment.SlotId} lost {MaxRaces} races in a row.");
    }

    /// <summary>
    /// Writes a booking's new state under its ETag; with <paramref name="freePlace"/> also gives its place back and drops
    /// the resident's claim, in the same transaction. False when the booking changed meanwhile (read it again).
    /// </summary>
    public async Task<bool> ChangeAsync(AppointmentEntity appointment, bool freePlace, CancellationToken cancellationToken)
    {
        var table = await Table();
        if (!freePlace)
        {
            try
            {
                await table.UpdateEntityAsync(appointment, appointment.ETag, TableUpdateMode.Replace, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                return false;
            }
        }

        for (var race = 0; race < MaxRaces; race++)
        {
            var slot = (await table.GetEntityAsync<SlotEntity>(appointment.PartitionKey, SlotPrefix + appointment.SlotId, cancellationToken: cancellationToken)).Value;
            slot.Booked = Math.Max(0, slot.Booked - 1);
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.UpdateReplace, appointment, appointment.ETag),
                new(TableTransactionActionType.UpdateReplace, slot, slot.ETag),
                new(TableTransactionActionType.Delete, new TableEntity(appointment.PartitionKey, ClaimRow(appointment.ResidentHash, appointment.ItemCode)), ETag.All),
            ];
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return true;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
            {
                if (FailedIndex(ex) != 1)
                {
                    return false;
                }
            }
        }

        throw new InvalidOperationException($"Freeing a place of {appointment.PartitionKey}/{appointment.SlotId} lost {MaxRaces} races in a row.");
    }

    /// <summary>
    /// Counts a no-show and, at the limit, blocks the resident until <paramref name="blockFor"/> from now (the count starts
    /// again). Read and conditional write: 2 calls, 2 more per race lost.
    /// </summary>
    public async Task<AppointmentIndexEntity> CountNoShowAsync(string residentHash, int limit, TimeSpan blockFor, CancellationToken cancellationToken)
    {
        var table = await Table();
        for (var race = 0; race < MaxRaces; race++)
        {
            var row = await NoShowsAsync(residentHash, cancellationToken)
                ?? new AppointmentIndexEntity { PartitionKey = $"resident-{residentHash}", RowKey = NoShowRow };
            var isNew = row.ETag == default;
            row.NoShows++;
            if (row.NoShows >= limit)
            {
                row.NoShows = 0;
                row.BlockedUntil = time.GetUtcNow() + blockFor;
            }

            try
            {
                if (isNew)
                {
                    await table.AddEntityAsync(row, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return row;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another no-show of the same resident was counted meanwhile.
            }
        }

        throw new InvalidOperationException("Counting a no-show lost too many races in a row.");
    }

    // The index of the action that failed the transaction, or -1 when the service did not say.
    private static int FailedIndex(TableTransactionFailedException ex) => ex.FailedTransactionActionIndex ?? -1;

    private static string Context(AppointmentEntity appointment) => $"appointments/{appointment.AppointmentId}/resident";
}
