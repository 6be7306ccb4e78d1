using SelfHostSync.Http;
using System.Net;
using System.Security.Authentication;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

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
/// Builds the HttpClient for one endpoint: error mapping → bounded concurrency → total timeout → retries with
/// jitter for GET only → circuit breaker → attempt timeout → token or ticket auth → metering → TLS-checking socket handler.
/// </summary>
public static partial class ProxmoxHttp
{
    public static HttpClient CreateClient(ProxmoxEndpoint endpoint, RequestMeter? meter = null, ResilienceSettings? resilience = null, TimeProvider? time = null)
    {
        var settings = resilience ?? ResilienceSettings.Default;
        var tls = new TlsPolicy(endpoint.Fingerprint, endpoint.InsecureSkipVerify, endpoint.MaxConcurrentRequests);
        HttpMessageHandler inner = tls.CreatePrimaryHandler();
        if (meter is not null)
        {
            inner = new MeteringHandler(meter, $"{endpoint.Kind}:{endpoint.Name}") { InnerHandler = inner };
        }

        DelegatingHandler auth = endpoint.UsesTicket
            ? new TicketAuthHandler(endpoint, time ?? TimeProvider.System) { InnerHandler = inner }
            : new TokenAuthHandler(endpoint) { InnerHandler = inner };
        // Inside the pipeline: each attempt's timeout covers its body, not just the headers (a stall is retried).
        var body = new BufferedBodyHandler(IsStreamed) { InnerHandler = auth };
        var resilient = new ResilienceHandler(BuildPipeline(endpoint, settings)) { InnerHandler = body };
        var errors = new ErrorMappingHandler(endpoint, tls) { InnerHandler = resilient };
        return new HttpClient(errors)
        {
            BaseAddress = new Uri(endpoint.BaseUrl.GetLeftPart(UriPartial.Authority) + "/api2/json"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    internal static ResiliencePipeline<HttpResponseMessage> BuildPipeline(ProxmoxEndpoint endpoint, ResilienceSettings settings)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = Math.Max(1, endpoint.MaxConcurrentRequests),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(IsListing(args.Context)
                    ? (AttemptTimeout(endpoint, settings, args.Context) * (settings.MaxRetries + 1)) + BackoffBudget(settings)
                    : endpoint.Timeout is { } t ? (t * (settings.MaxRetries + 1)) + BackoffBudget(settings) : settings.TotalTimeout),
            });
        if (settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxRetries,
                Delay = settings.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = async args => IsIdempotent(args.Context) && IsTransient(args.Outcome)
                    && !(args.Outcome.Result is { StatusCode: HttpStatusCode.InternalServerError } r && await IsDefinitiveAsync(r, args.Context.CancellationToken)),
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = 0.9,
                MinimumThroughput = 20,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(15),
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(AttemptTimeout(endpoint, settings, args.Context)),
            })
            .Build();
    }

    private static TimeSpan AttemptTimeout(ProxmoxEndpoint endpoint, ResilienceSettings settings, ResilienceContext context)
    {
        var attempt = endpoint.Timeout ?? settings.AttemptTimeout;
        return IsListing(context) && settings.ListingTimeout > attempt ? settings.ListingTimeout : attempt;
    }

    /// <summary>The PBS snapshot listing is read as a stream, one element at a time (<c>DataArrayReader</c>), not buffered.</summary>
    private static bool IsStreamed(HttpRequestMessage request) =>
        request.RequestUri?.AbsolutePath is { } path && path.EndsWith("/snapshots", StringComparison.Ordinal) && path.Contains("/admin/datastore/", StringComparison.Ordinal);

    /// <summary>A PBS snapshot listing, or a PVE storage content listing (which may wait on a PBS behind it).</summary>
    internal static bool IsListing(ResilienceContext context) =>
        context.GetRequestMessage()?.RequestUri?.AbsolutePath is { } path
        && (ListingPath().IsMatch(path));

    [System.Text.RegularExpressions.GeneratedRegex(@"/api2/json/(admin/datastore/[^/]+/snapshots|nodes/[^/]+/storage/[^/]+/content)$")]
    private static partial System.Text.RegularExpressions.Regex ListingPath();

    /// <summary>
    /// What the waits between attempts may add (exponential, jitter up to about twice the nominal delay) plus a second of
    /// slack, so a configured per-attempt <c>Timeout</c> always leaves room for every retry.
    /// </summary>
    private static TimeSpan BackoffBudget(ResilienceSettings settings) =>
        settings.MaxRetries <= 0 ? TimeSpan.Zero : (settings.RetryDelay * (Math.Pow(2, settings.MaxRetries + 1) - 1) * 2) + TimeSpan.FromSeconds(1);

    private static bool IsIdempotent(ResilienceContext context) =>
        context.GetRequestMessage()?.Method == HttpMethod.Get;

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException { InnerException: AuthenticationException } } => false,
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        // 595/596: pveproxy passes on AnyEvent::HTTP's codes when the node it proxies to cannot be reached or times out.
        { Result: { } r } => r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            || r.StatusCode == HttpStatusCode.InternalServerError || (int)r.StatusCode is 595 or 596,
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
