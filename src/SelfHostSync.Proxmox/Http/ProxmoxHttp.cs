using System.Net;
using System.Security.Authentication;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;
using Refit;
using SelfHostSync.Http;

namespace SelfHostSync.Proxmox.Http;

/// <summary>Resilience settings shared by every Proxmox endpoint.</summary>
public sealed record ResilienceSettings
{
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Per attempt, for backup listings: PBS builds a datastore's whole snapshot list (reading every manifest) before it
    /// sends a byte, and PVE waits up to 120 s for PBS on a pbs storage's content (PBSPlugin <c>list_volumes</c>).
    /// </summary>
    public TimeSpan ListingTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public int MaxRetries { get; init; } = 3;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public static ResilienceSettings Default { get; } = new();
}

/// <summary>
/// The HTTP client of one endpoint, registered with <see cref="IHttpClientFactory"/>: error mapping → resilience
/// (bounded concurrency → total timeout → retries with jitter for GET only → circuit breaker → attempt timeout) →
/// buffered body → token or ticket auth → metering → TLS-checking socket handler.
/// </summary>
public static partial class ProxmoxHttp
{
    /// <summary>The factory name of an endpoint's client.</summary>
    public static string ClientName(ProxmoxEndpoint endpoint, string? purpose = null) =>
        purpose is null ? $"{endpoint.Kind}:{endpoint.Name}" : $"{endpoint.Kind}:{endpoint.Name}:{purpose}";

    /// <summary>
    /// Registers the named client of <paramref name="endpoint"/> (and, for ticket login, the plain client its logins
    /// go through). <paramref name="purpose"/> tells apart two clients of one endpoint (the drills' own token).
    /// </summary>
    public static string AddProxmoxClient(
        this IServiceCollection services,
        ProxmoxEndpoint endpoint,
        ResilienceSettings? resilience = null,
        string? purpose = null
    )
    {
        var settings = resilience ?? ResilienceSettings.Default;
        var name = ClientName(endpoint, purpose);
        var tls = new TlsPolicy(endpoint.Fingerprint, endpoint.InsecureSkipVerify, endpoint.MaxConcurrentRequests);
        var baseAddress = new Uri(endpoint.BaseUrl.GetLeftPart(UriPartial.Authority) + "/api2/json");
        var meterName = $"{endpoint.Kind}:{endpoint.Name}";
        // The endpoint's Refit client (and the login client's), keyed by the client's name: ProxmoxClients.Pve/Pbs and
        // the ticket handler resolve them. Registered before the clients are configured, so that the TLS-checking handler
        // below stays the primary one (Refit's registration sets one too; its settings carry the same).
        var refit = ProxmoxJson.Settings(tls.CreatePrimaryHandler);
        _ =
            endpoint.Product == ProxmoxProduct.Pve
                ? services.AddKeyedRefitGeneratedClient<Pve.IPveApi>(name, ProxmoxJsonContext.Default, _ => refit, name, false)
                : services.AddKeyedRefitGeneratedClient<Pbs.IPbsApi>(name, ProxmoxJsonContext.Default, _ => refit, name, false);
        if (endpoint.UsesTicket)
        {
            services.AddKeyedRefitGeneratedClient<IAccessApi>(name + ":login", ProxmoxJsonContext.Default, _ => refit, name + ":login", false);
            // Logins go around the pipeline (their failures are answers, not glitches) but through the same TLS check.
            services
                .AddHttpClient(name + ":login", c => (c.BaseAddress, c.Timeout) = (baseAddress, settings.TotalTimeout))
                .ConfigurePrimaryHttpMessageHandler(tls.CreatePrimaryHandler)
                .AddHttpMessageHandler(sp => new MeteringHandler(sp.GetRequiredService<RequestMeter>(), meterName))
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
                .RemoveAllLoggers();
        }

        var client = services
            .AddHttpClient(name, c => (c.BaseAddress, c.Timeout) = (baseAddress, Timeout.InfiniteTimeSpan))
            .ConfigurePrimaryHttpMessageHandler(tls.CreatePrimaryHandler)
            .AddHttpMessageHandler(() => new ErrorMappingHandler(endpoint, tls));
        client.AddResilienceHandler(name, b =>
        {
            // Timeouts and back-off run on the wall clock, whatever TimeProvider the container holds (a test's fake
            // clock must not freeze a retry or a timeout against a real server).
            b.TimeProvider = TimeProvider.System;
            ConfigurePipeline(b, endpoint, settings);
        });
        client
            // Inside the pipeline: each attempt's timeout covers its body, not just the headers (a stall is retried).
            .AddHttpMessageHandler(() => new BufferedBodyHandler(IsStreamed))
            .AddHttpMessageHandler(sp =>
                endpoint.UsesTicket
                    ? new TicketAuthHandler(endpoint, sp.GetRequiredService<TimeProvider>(), () =>
                        sp.GetRequiredKeyedService<IAccessApi>(name + ":login")
                    )
                    : new TokenAuthHandler(endpoint)
            )
            .AddHttpMessageHandler(sp => new MeteringHandler(sp.GetRequiredService<RequestMeter>(), meterName))
            // One handler chain for the process: the ticket, the circuit breaker and the connection limit live in it.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RequestMeter>();
        services.QuietResilienceTelemetry();
        return name;
    }

    /// <summary>
    /// Polly's telemetry would log each retry and timeout itself; our gateways report failures once, in their own
    /// words (a degraded source, a refused write), so the pipeline's events stay out of the log.
    /// </summary>
    internal static IServiceCollection QuietResilienceTelemetry(this IServiceCollection services)
    {
        services.AddQuietResilienceTelemetry();
        return services;
    }

    internal static void ConfigurePipeline(
        ResiliencePipelineBuilder<HttpResponseMessage> builder,
        ProxmoxEndpoint endpoint,
        ResilienceSettings settings
    )
    {
        builder
            .AddConcurrencyLimiter(
                new ConcurrencyLimiterOptions
                {
                    PermitLimit = Math.Max(1, endpoint.MaxConcurrentRequests),
                    QueueLimit = int.MaxValue,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }
            )
            .AddTimeout(
                new TimeoutStrategyOptions
                {
                    TimeoutGenerator = args =>
                        ValueTask.FromResult(
                            IsListing(args.Context)
                                ? (AttemptTimeout(endpoint, settings, args.Context) * (settings.MaxRetries + 1)) + BackoffBudget(settings)
                            : endpoint.Timeout is { } t ? (t * (settings.MaxRetries + 1)) + BackoffBudget(settings)
                            : settings.TotalTimeout
                        ),
                }
            );
        if (settings.MaxRetries > 0)
        {
            builder.AddRetry(
                new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = settings.MaxRetries,
                    Delay = settings.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = async args =>
                        IsIdempotent(args.Context)
                        && IsTransient(args.Outcome)
                        && !(
                            args.Outcome.Result is { StatusCode: HttpStatusCode.InternalServerError } r
                            && await IsDefinitiveAsync(r, args.Context.CancellationToken)
                        ),
                }
            );
        }

        builder
            .AddCircuitBreaker(
                new CircuitBreakerStrategyOptions<HttpResponseMessage>
                {
                    FailureRatio = 0.9,
                    MinimumThroughput = 20,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(15),
                    ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                }
            )
            .AddTimeout(
                new TimeoutStrategyOptions { TimeoutGenerator = args => ValueTask.FromResult(AttemptTimeout(endpoint, settings, args.Context)) }
            );
    }

    private static TimeSpan AttemptTimeout(ProxmoxEndpoint endpoint, ResilienceSettings settings, ResilienceContext context)
    {
        var attempt = endpoint.Timeout ?? settings.AttemptTimeout;
        return IsListing(context) && settings.ListingTimeout > attempt ? settings.ListingTimeout : attempt;
    }

    /// <summary>The PBS snapshot listing is read as a stream, one element at a time (<c>DataArrayReader</c>), not buffered.</summary>
    private static bool IsStreamed(HttpRequestMessage request) =>
        request.RequestUri?.AbsolutePath is { } path
        && path.EndsWith("/snapshots", StringComparison.Ordinal)
        && path.Contains("/admin/datastore/", StringComparison.Ordinal);

    /// <summary>A PBS snapshot listing, or a PVE storage content listing (which may wait on a PBS behind it).</summary>
    internal static bool IsListing(ResilienceContext context) =>
        context.GetRequestMessage()?.RequestUri?.AbsolutePath is { } path && (ListingPath().IsMatch(path));

    [System.Text.RegularExpressions.GeneratedRegex(@"/api2/json/(admin/datastore/[^/]+/snapshots|nodes/[^/]+/storage/[^/]+/content)$")]
    private static partial System.Text.RegularExpressions.Regex ListingPath();

    /// <summary>
    /// What the waits between attempts may add (exponential, jitter up to about twice the nominal delay) plus a second of
    /// slack, so a configured per-attempt <c>Timeout</c> always leaves room for every retry.
    /// </summary>
    private static TimeSpan BackoffBudget(ResilienceSettings settings) =>
        settings.MaxRetries <= 0 ? TimeSpan.Zero : (settings.RetryDelay * (Math.Pow(2, settings.MaxRetries + 1) - 1) * 2) + TimeSpan.FromSeconds(1);

    private static bool IsIdempotent(ResilienceContext context) => context.GetRequestMessage()?.Method == HttpMethod.Get;

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome switch
        {
            { Exception: HttpRequestException { InnerException: AuthenticationException } } => false,
            { Exception: HttpRequestException or TimeoutRejectedException } => true,
            // 595/596: pveproxy passes on AnyEvent::HTTP's codes when the node it proxies to cannot be reached or times out.
            { Result: { } r } => r.StatusCode
                is HttpStatusCode.RequestTimeout
                    or HttpStatusCode.TooManyRequests
                    or HttpStatusCode.BadGateway
                    or HttpStatusCode.ServiceUnavailable
                    or HttpStatusCode.GatewayTimeout
                || r.StatusCode == HttpStatusCode.InternalServerError
                || (int)r.StatusCode is 595 or 596,
            _ => false,
        };

    // PVE answers 500 for plain die() messages; digest conflicts, locks and missing objects are answers, not glitches.
    // The message is in the reason phrase, and since libpve-http-server-perl 5.2 also in the body's "message".
    private static async ValueTask<bool> IsDefinitiveAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = response.ReasonPhrase ?? string.Empty;
        try
        {
            await response.Content.LoadIntoBufferAsync(64 * 1024, cancellationToken);
            text += " " + await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            // Body larger than 64 KiB or unreadable: decide on the reason phrase.
        }

        return text.Contains("checksum mismatch", StringComparison.OrdinalIgnoreCase)
            || text.Contains("modified configuration", StringComparison.OrdinalIgnoreCase)
            || text.Contains("is locked", StringComparison.OrdinalIgnoreCase)
            || text.Contains("does not exist", StringComparison.OrdinalIgnoreCase)
            || text.Contains("no such", StringComparison.OrdinalIgnoreCase);
    }
}
