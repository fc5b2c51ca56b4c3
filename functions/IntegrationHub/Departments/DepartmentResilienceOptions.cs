using System.Diagnostics;
using System.ComponentModel.DataAnnotations;
using IntegrationHub.Composition;
using IntegrationHub.Handoff;
using IntegrationHub.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using IntegrationHub.Departments.SharedState;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace IntegrationHub.Departments;

/// <summary>
/// One department's retry, timeout and circuit-breaker budget (bound under <c>Departments:{Name}:Resilience</c>).
/// The defaults suit a slow government system: a few retries seconds apart, never longer than a queue
/// visibility window, and a breaker that stops hammering a department that is plainly down.
/// </summary>
internal sealed record DepartmentResilienceOptions : IValidatableObject
{
    [Range(1, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    // Polly refuses fewer than two: one failed call would open the breaker.
    [Range(2, 10_000)]
    public int MinimumThroughput { get; set; } = 10;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The same rule as the standard handler: a window shorter than two attempts cannot judge a failure ratio.
        if (SamplingDuration < 2 * AttemptTimeout)
        {
            yield return new ValidationResult(
                $"SamplingDuration ({SamplingDuration}) must be at least twice AttemptTimeout ({AttemptTimeout}).",
                [nameof(SamplingDuration), nameof(AttemptTimeout)]);
        }

        if (TotalTimeout < AttemptTimeout)
        {
            yield return new ValidationResult(
                $"TotalTimeout ({TotalTimeout}) must not be shorter than AttemptTimeout ({AttemptTimeout}).",
                [nameof(TotalTimeout), nameof(AttemptTimeout)]);
        }
    }

    /// <summary>
    /// Validates this instance as a member of a department's options: DataAnnotations does not descend into
    /// nested objects on its own, so the owner calls this from its own <see cref="IValidatableObject.Validate"/>.
    /// </summary>
    public IEnumerable<ValidationResult> ValidateAsMember(string memberName) => Settings.ValidateMember(this, memberName);
}

/// <summary>What every department's options carry: where it is, and its resilience budget.</summary>
internal interface IDepartmentEndpoint
{
    /// <summary>The department's base address as configured.</summary>
    Uri? BaseUrl { get; }

    DepartmentResilienceOptions Resilience { get; }
}

internal static class DepartmentEndpoint
{
    /// <summary>The base with a trailing slash, so relative paths append to it instead of replacing its last segment.</summary>
    public static Uri BaseAddress(this IDepartmentEndpoint endpoint) =>
        endpoint.BaseUrl!.AbsoluteUri.EndsWith('/') ? endpoint.BaseUrl : new Uri(endpoint.BaseUrl.AbsoluteUri + "/");

    /// <summary>The checks every department's options share: an absolute http(s) BaseUrl and a sound resilience budget.</summary>
    public static IEnumerable<ValidationResult> ValidateEndpoint(this IDepartmentEndpoint endpoint)
    {
        if (endpoint.BaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("BaseUrl must be an absolute http or https URI.", [nameof(IDepartmentEndpoint.BaseUrl)]);
        }

        foreach (var result in endpoint.Resilience.ValidateAsMember(nameof(IDepartmentEndpoint.Resilience)))
        {
            yield return result;
        }
    }
}

internal static class DepartmentResilience
{
    /// <summary>
    /// A department's options (bound from <paramref name="section"/>, validated at start), its health check and the clock:
    /// what every department's registration starts with.
    /// </summary>
    public static IServiceCollection AddDepartmentOptions<TOptions>(this IServiceCollection services, IConfiguration configuration,
        string section, string department)
        where TOptions : class, IDepartmentEndpoint
    {
        services.AddValidatedOptions<TOptions>(configuration, section);
        services.AddDepartmentHealthCheck(department, sp => sp.GetRequiredService<IOptions<TOptions>>().Value.BaseUrl);
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// The department's typed client, the same for every department, outermost first: the resilience handler with the
    /// department's budget (<paramref name="isTransientAnswer"/> adds its well-formed "busy"), then
    /// <typeparamref name="THandler"/> (signing or the token), so every attempt is signed or authorised afresh, then
    /// <see cref="DepartmentCallHandler"/>, which sees exactly the requests that leave the hub.
    /// </summary>
    public static IHttpClientBuilder AddDepartmentClient<TClient, TOptions, THandler>(
        this IServiceCollection services,
        string department,
        Func<byte[], string?> codeOf,
        Func<HttpResponseMessage, CancellationToken, ValueTask<bool>>? isTransientAnswer = null)
        where TClient : class
        where TOptions : class, IDepartmentEndpoint
        where THandler : DelegatingHandler
    {
        services.TryAddTransient<THandler>();
        var client = services.AddHttpClient<TClient>((sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<TOptions>>().Value.BaseAddress();

            // The resilience pipeline owns every timeout; HttpClient's own 100 s would cut across it.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        client.AddDepartmentResilienceHandler(department.ToLowerInvariant(),
            sp => sp.GetRequiredService<IOptions<TOptions>>().Value.Resilience, isTransientAnswer);
        client.AddHttpMessageHandler<THandler>();
        return client.AddDepartmentCalls(department, codeOf);
    }

    /// <summary>
    /// <typeparamref name="TClient"/> as the department's <see cref="IDepartmentCaseRequests"/>: among all of them (as
    /// <see cref="IDepartmentAdapter"/> is) and keyed by <paramref name="department"/>, for the hub side to pick one.
    /// </summary>
    public static IServiceCollection AddDepartmentCaseRequests<TClient>(this IServiceCollection services, string department)
        where TClient : class, IDepartmentCaseRequests
    {
        services.AddTransient<IDepartmentCaseRequests>(sp => sp.GetRequiredService<TClient>());
        services.AddKeyedTransient<IDepartmentCaseRequests>(department, (sp, _) => sp.GetRequiredService<TClient>());
        return services;
    }

    /// <summary>
    /// The standard handler's shape (total timeout, retry with exponential backoff and jitter, circuit breaker,
    /// attempt timeout) with the department's own budget. <paramref name="isTransientAnswer"/> lets a department
    /// count a well-formed "busy" answer as transient too; the response is already buffered when it runs.
    /// </summary>
    public static IHttpResiliencePipelineBuilder AddDepartmentResilienceHandler(
        this IHttpClientBuilder builder,
        string pipelineName,
        Func<IServiceProvider, DepartmentResilienceOptions> options,
        Func<HttpResponseMessage, CancellationToken, ValueTask<bool>>? isTransientAnswer = null) =>
        builder.AddResilienceHandler(pipelineName, (pipeline, context) =>
        {
            var budget = options(context.ServiceProvider);
            var circuits = context.ServiceProvider.GetService<CircuitStates>();
            var time = context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
            var department = pipelineName.ToUpperInvariant();

            // What the standard handler retries (connection failures, timeouts, 408, 429, 5xx) plus the department's
            // own "busy". HttpClient.Timeout is left to the pipeline, so every timeout is a TimeoutRejectedException.
            // An answer with Retry-After is not counted against the breaker: the department said when it will answer
            // again, and DepartmentCallHandler has already held it until then. It is retried here, after that time, when
            // the wait is no longer than a call may wait in process (Departments:Shared:MaxWait: 房管's 429 asks for a
            // second), so the hand-off is not sent round the queue for it; a longer one (maintenance) returns the hold.
            // A request its client paced is never retried so (人社's query: its case's spacing was claimed for one question).
            // A refusal a client's handler turned into a DepartmentCallException (房管's 429) is retried so too. Nor is a
            // DepartmentHeldException retried: nothing was sent.
            async ValueTask<bool> IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken) =>
                outcome.Exception is HttpRequestException or TimeoutRejectedException
                || (outcome.Result is { } response
                    && DepartmentHolds.RetryAfter(response, time) is null
                    && ((int)response.StatusCode is >= 500 or 408 or 429
                        || (isTransientAnswer is not null && await isTransientAnswer(response, cancellationToken).ConfigureAwait(false))));
            var holds = context.ServiceProvider.GetRequiredService<DepartmentHolds>();
            TimeSpan? ShortWait(Outcome<HttpResponseMessage> outcome)
            {
                var wait = outcome switch
                {
                    { Result: { } response } when !DepartmentCallHandler.ClientPaced(response.RequestMessage) => DepartmentHolds.RetryAfter(response, time),
                    { Exception: DepartmentCallException { Kind: HandoffOutcomeKind.Transient } refused } => refused.RetryAfter,
                    _ => null,
                };
                return wait is { } w && holds.Fits(w, Stopwatch.GetTimestamp()) ? wait : null;
            }

            pipeline
                .AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = budget.TotalTimeout })
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = budget.MaxRetryAttempts,
                    Delay = budget.BaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    // An answer with a short Retry-After is retried after it, the others on the backoff: the header must
                    // not stretch the backoff of the others.
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = async args => ShortWait(args.Outcome) is not null || await IsTransient(args.Outcome, args.Context.CancellationToken).ConfigureAwait(false),
                    DelayGenerator = args => ValueTask.FromResult(ShortWait(args.Outcome)),
                })
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    BreakDuration = budget.BreakDuration,
                    SamplingDuration = budget.SamplingDuration,
                    FailureRatio = budget.FailureRatio,
                    MinimumThroughput = budget.MinimumThroughput,
                    ShouldHandle = args => IsTransient(args.Outcome, args.Context.CancellationToken),
                    OnOpened = _ => circuits?.OpenedAsync(department, budget.BreakDuration) ?? default,
                    OnHalfOpened = _ => circuits?.ClosedAsync(department) ?? default,
                    OnClosed = _ => circuits?.ClosedAsync(department) ?? default,
                })
                .AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = budget.AttemptTimeout });
        });

    /// <summary>
    /// Adds <see cref="DepartmentCallHandler"/> for <paramref name="department"/>. Call it last, so it is the innermost
    /// handler: it then sees exactly the requests that leave the hub, one per attempt of the resilience handler and one
    /// per repeat after a renewed token, signed and authorised as sent.
    /// </summary>
    public static IHttpClientBuilder AddDepartmentCalls(this IHttpClientBuilder builder, string department, Func<byte[], string?> codeOf)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<DepartmentHolds>();
        return builder.AddHttpMessageHandler(sp => new DepartmentCallHandler(
            department,
            codeOf,
            sp.GetRequiredService<DepartmentHolds>(),
            sp.GetService<DepartmentRateShares>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DepartmentCallHandler>>()));
    }
}
