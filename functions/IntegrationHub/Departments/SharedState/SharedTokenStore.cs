using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using IntegrationHub.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.SharedState;

/// <summary>A department token as every instance shares it: the token and when to renew it.</summary>
internal sealed record SharedToken(string AccessToken, DateTimeOffset RenewAt);

/// <summary>
/// One access token per department client for the whole hub, kept sealed (the key ring's envelope cipher) in the
/// department-state table. One instance renews it under a lease written with the row's ETag; the others read the row
/// until the new token is there. The row also keeps the times of the last token requests, so the bureau's per-minute
/// limit holds hub-wide. Cost: nothing while an instance's own copy is valid; one read when it has none (start, expiry,
/// revocation); a renewal adds two conditional writes by the renewing instance and a read every
/// <see cref="PollEvery"/> by each waiting one.
/// </summary>
internal sealed class SharedTokenStore(
    DepartmentStateTable table,
    EnvelopeCipher cipher,
    IOptions<SharedStateOptions> options,
    TimeProvider time,
    ILogger<SharedTokenStore> logger)
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly string _instance = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// The stored token unless it is <paramref name="rejected"/> or due for renewal; otherwise renews it (one instance at a
    /// time) with <paramref name="request"/>. <paramref name="refuse"/> makes the exception for "not now": the hub-wide
    /// limit of <paramref name="perMinute"/> requests is used up, or another instance's renewal takes too long.
    /// </summary>
    public async Task<SharedToken> GetAsync(
        string department,
        string client,
        string? rejected,
        int perMinute,
        Func<CancellationToken, Task<SharedToken>> request,
        Func<string, string, TimeSpan, Exception> refuse,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var rows = await table.ClientAsync().ConfigureAwait(false);
        var key = $"{department}|{client}";
        var context = $"department-token|{key}";
        var giveUpAt = time.GetUtcNow() + settings.TokenRenewalWait;
        while (true)
        {
            var now = time.GetUtcNow();
            var row = await DepartmentStateTable.FindAsync<TokenRow>(rows, DepartmentStateTable.TokenPartition, key, cancellationToken).ConfigureAwait(false);
            if (row?.Sealed is { } sealedToken && row.RenewAt > now)
            {
                var stored = Encoding.UTF8.GetString(cipher.Open(sealedToken, context));
                if (stored != rejected)
                {
                    return new SharedToken(stored, row.RenewAt.Value);
                }
            }

            if (row?.RenewingUntil > now && row.RenewingBy != _instance)
            {
                // Another instance is asking the bureau right now: wait for its token instead of asking too.
                if (now >= giveUpAt)
                {
                    throw refuse("token_renewal_waiting", "Another hub instance is renewing the token and has not finished yet.", PollEvery);
                }

                await Task.Delay(PollEvery, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var requests = Requests(row?.Requests, now - Minute - settings.ClockSkew);
            if (requests.Count >= perMinute)
            {
                var wait = requests[0] + Minute + settings.ClockSkew - now;
                logger.LogWarning("{Department} token requests held back: {Limit} in the last minute across the hub already", department, perMinute);
                throw refuse("token_rate_guard", $"{perMinute} token requests in the last minute already; the bureau throttles beyond that.", wait);
            }

            requests.Add(now);
            var claim = row ?? new TokenRow { PartitionKey = DepartmentStateTable.TokenPartition, RowKey = key };
            claim.RenewingUntil = now + settings.TokenRenewalLease;
            claim.RenewingBy = _instance;
            claim.Requests = string.Join(',', requests.Select(r => r.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
            if (await DepartmentStateTable.TryWriteAsync(rows, claim, cancellationToken).ConfigureAwait(false) is not { } leased)
            {
                // Another instance claimed it between our read and our write: read again and wait for its token.
                continue;
            }

            claim.ETag = leased;
            SharedToken token;
            try
            {
                token = await request(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Let the next instance try at once rather than after the lease; the request still counts in the minute.
                claim.RenewingUntil = null;
                await TryWriteQuietlyAsync(rows, claim).ConfigureAwait(false);
                throw;
            }

            claim.Sealed = cipher.Seal(Encoding.UTF8.GetBytes(token.AccessToken), context);
            claim.RenewAt = token.RenewAt;
            claim.RenewingUntil = null;
            if (await DepartmentStateTable.TryWriteAsync(rows, claim, cancellationToken).ConfigureAwait(false) is null)
            {
                // Our lease ran out and another instance took over: this token is valid all the same, use it here.
                logger.LogWarning("{Department} token renewed after the renewal lease ran out; another instance may renew too", department);
            }

            return token;
        }
    }

    private async Task TryWriteQuietlyAsync(TableClient rows, TokenRow row)
    {
        try
        {
            await DepartmentStateTable.TryWriteAsync(rows, row, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            // The lease then ends on its own.
            logger.LogWarning("Token renewal lease not released: {Status}", e.Status);
        }
    }

    private static List<DateTimeOffset> Requests(string? stored, DateTimeOffset since) =>
        string.IsNullOrEmpty(stored)
            ? []
            : [.. stored.Split(',').Select(t => DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(t, CultureInfo.InvariantCulture))).Where(t => t > since).Order()];

    internal sealed class TokenRow : ITableEntity
    {
        public string PartitionKey { get; set; } = "";

        public string RowKey { get; set; } = "";

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        /// <summary>The access token, sealed by the key ring (AES-GCM envelope, bound to the row).</summary>
        public byte[]? Sealed { get; set; }

        public DateTimeOffset? RenewAt { get; set; }

        /// <summary>Set while one instance asks the bureau; the others wait until it is cleared or has passed.</summary>
        public DateTimeOffset? RenewingUntil { get; set; }

        public string? RenewingBy { get; set; }

        /// <summary>The token requests of the last minute, hub-wide, as Unix milliseconds.</summary>
        public string? Requests { get; set; }
    }
}
