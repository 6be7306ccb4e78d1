using System.Net;
using System.Security.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;
using SelfHostSync.Http;

namespace SelfHostSync.Synology.Http;

/// <summary>
/// The client of one NAS, registered with <see cref="IHttpClientFactory"/>: resilience (total timeout → retries
/// with jitter on transport failures and 408/429/5xx → attempt timeout) → buffered body → metering → TLS-checking
/// socket handler. Every DSM call is a POST, reads included; a retried login only opens a second session, which
/// DSM expires on its own. The two-factor enrolment has a client without retries (decision 014).
/// </summary>
public static class DsmHttp
{
    /// <summary>The purpose of the enrolment client.</summary>
    public const string Enrolment = "enrol";

    public static string ClientName(SynologyEndpoint endpoint, string? purpose = null) =>
        purpose is null ? $"dsm:{endpoint.Name}" : $"dsm:{endpoint.Name}:{purpose}";

    /// <summary>Registers the NAS's named clients (reads, and the enrolment without retries); gives the TLS check they use.</summary>
    public static TlsPolicy AddDsmClient(this IServiceCollection services, SynologyEndpoint endpoint, DsmResilience? resilience = null)
    {
        var settings = resilience ?? DsmResilience.Default;
        var tls = new TlsPolicy(endpoint.Fingerprint, endpoint.InsecureSkipVerify, 2);
        var baseAddress = new Uri(endpoint.BaseUrl.GetLeftPart(UriPartial.Authority));
        var meterName = $"dsm:{endpoint.Name}";
        var client = services
            .AddHttpClient(ClientName(endpoint), c => (c.BaseAddress, c.Timeout) = (baseAddress, Timeout.InfiniteTimeSpan))
            .ConfigurePrimaryHttpMessageHandler(tls.CreatePrimaryHandler);
        client.AddResilienceHandler(ClientName(endpoint), b =>
        {
            // Timeouts and back-off run on the wall clock, whatever TimeProvider the container holds (a test's fake
            // clock must not freeze a retry or a timeout against a real server).
            b.TimeProvider = TimeProvider.System;
            ConfigurePipeline(b, endpoint, settings);
        });
        client
            .AddHttpMessageHandler(() => new BufferedBodyHandler())
            .AddHttpMessageHandler(sp => new MeteringHandler(sp.GetRequiredService<RequestMeter>(), meterName))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services
            .AddHttpClient(ClientName(endpoint, Enrolment), c => (c.BaseAddress, c.Timeout) = (baseAddress, endpoint.Timeout))
            .ConfigurePrimaryHttpMessageHandler(tls.CreatePrimaryHandler)
            .AddHttpMessageHandler(() => new BufferedBodyHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.TryAddSingleton<RequestMeter>();
        services.AddQuietResilienceTelemetry();
        return tls;
    }

    internal static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> builder, SynologyEndpoint endpoint, DsmResilience settings)
    {
        builder.AddTimeout(
            new TimeoutStrategyOptions
            {
                Timeout = (endpoint.Timeout * (settings.MaxRetries + 1)) + (settings.RetryDelay * Math.Pow(2, settings.MaxRetries + 2)),
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
                    ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                }
            );
        }

        builder.AddTimeout(endpoint.Timeout);
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome switch
        {
            { Exception: HttpRequestException { InnerException: AuthenticationException } } => false,
            { Exception: HttpRequestException or TimeoutRejectedException } => true,
            { Result: { } r } => r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500,
            _ => false,
        };
}

/// <summary>Retries of DSM calls.</summary>
public sealed record DsmResilience
{
    public int MaxRetries { get; init; } = 2;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public static DsmResilience Default { get; } = new();
}
