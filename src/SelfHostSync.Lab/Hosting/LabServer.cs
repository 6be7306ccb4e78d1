using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SelfHostSync.Lab.Hosting;

/// <summary>One request as the lab saw it: parameter names only.</summary>
/// <summary>One request: the names of its query and form fields (values may be secrets) and, from the form, the VMID it names.</summary>
public sealed record LabCall(string Method, string Path, IReadOnlyList<string> Query, IReadOnlyList<string> Form, string? FormVmid = null);

/// <summary>Switches to break a simulator on purpose.</summary>
public sealed class LabFaults
{
    /// <summary>Answer every request with 503 (the server is "down").</summary>
    public bool Down { get; set; }

    /// <summary>Answer this many of the next requests with 503, then serve again (a reverse proxy's hiccup).</summary>
    public int Hiccups
    {
        get => _hiccups;
        set => _hiccups = value;
    }

    private int _hiccups;

    internal bool TakeHiccup()
    {
        for (var left = Volatile.Read(ref _hiccups); left > 0; left = Volatile.Read(ref _hiccups))
        {
            if (Interlocked.CompareExchange(ref _hiccups, left - 1, left) == left)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Delay added to every request (stands in for the network).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Answer with 401 as if the token were revoked.</summary>
    public bool RevokeTokens { get; set; }

    /// <summary>Requests to these paths (e.g. <c>/api2/json/nodes</c>) fail with the given status and server message.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, (int Status, string Message)> FailPaths { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Requests to these paths get their status and headers, then a body that stalls after its first bytes (a network
    /// partition, a pveproxy worker stuck on pmxcfs): forever when the value is null, else one more byte per interval
    /// (a slow drip that defeats a per-read watchdog).
    /// </summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan?> StallBodyPaths { get; } = new(StringComparer.Ordinal);
}

/// <summary>One simulator: Kestrel on 127.0.0.1 with a freshly generated self-signed certificate.</summary>
public sealed class LabServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LabServer(WebApplication app, X509Certificate2 certificate, LabFaults faults)
    {
        _app = app;
        Certificate = certificate;
        Faults = faults;
    }

    public X509Certificate2 Certificate { get; }

    public string Fingerprint => LabCertificate.Fingerprint(Certificate);

    public LabFaults Faults { get; }

    public Uri Url { get; private set; } = null!;

    /// <summary>Every request seen: method and path with query.</summary>
    public IReadOnlyList<string> Requests => RequestLog.ToArray();

    internal System.Collections.Concurrent.ConcurrentQueue<string> RequestLog { get; } = new();

    private int _inFlight;
    private int _maxInFlight;

    /// <summary>The most requests this server ever had in flight at once (politeness is measured here).</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Every request seen, with the names of its query and form parameters (values are not kept: they may be secrets).</summary>
    public IReadOnlyList<LabCall> Calls => CallLog.ToArray();

    internal System.Collections.Concurrent.ConcurrentQueue<LabCall> CallLog { get; } = new();

    /// <summary>Every route the simulator serves: method and pattern (e.g. <c>GET /api2/json/nodes/{node}/tasks</c>).</summary>
    public IReadOnlyList<(string Method, string Pattern)> Routes =>
        _app
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e =>
                (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => (m, e.RoutePattern.RawText ?? string.Empty))
            )
            .ToList();

    public static async Task<LabServer> StartAsync(
        string name,
        int port,
        Action<WebApplication, LabServer> map,
        CancellationToken cancellationToken,
        bool pbsErrors = false
    )
    {
        var certificate = LabCertificate.Create(name);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(certificate));
        });
        var app = builder.Build();
        var faults = new LabFaults();
        var server = new LabServer(app, certificate, faults);
        app.Use(
            async (context, next) =>
            {
                if (pbsErrors)
                {
                    LabResults.UsePbsErrors(context);
                }

                server.RequestLog.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
                var fields = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
                server.CallLog.Enqueue(
                    new LabCall(
                        context.Request.Method,
                        context.Request.Path.Value ?? string.Empty,
                        [.. context.Request.Query.Keys],
                        fields is null ? [] : [.. fields.Keys],
                        fields?["vmid"].ToString() is { Length: > 0 } vmid ? vmid : null
                    )
                );
                var now = Interlocked.Increment(ref server._inFlight);
                for (var max = Volatile.Read(ref server._maxInFlight); now > max; max = Volatile.Read(ref server._maxInFlight))
                {
                    Interlocked.CompareExchange(ref server._maxInFlight, now, max);
                }

                try
                {
                    if (faults.Latency > TimeSpan.Zero)
                    {
                        await Task.Delay(faults.Latency, context.RequestAborted);
                    }

                    if (faults.Down || faults.TakeHiccup())
                    {
                        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                        return;
                    }

                    if (faults.FailPaths.TryGetValue(context.Request.Path.Value ?? string.Empty, out var failure))
                    {
                        LabResults.Error(context, failure.Status, failure.Message);
                        return;
                    }

                    if (faults.StallBodyPaths.TryGetValue(context.Request.Path.Value ?? string.Empty, out var drip))
                    {
                        await StallAsync(context, drip);
                        return;
                    }

                    await next(context);
                }
                finally
                {
                    Interlocked.Decrement(ref server._inFlight);
                }
            }
        );
        map(app, server);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    private static async Task StallAsync(HttpContext context, TimeSpan? drip)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json;charset=UTF-8";
        await context.Response.WriteAsync("{\"data\":[", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        try
        {
            while (true)
            {
                await Task.Delay(drip ?? Timeout.InfiniteTimeSpan, context.RequestAborted);
                await context.Response.WriteAsync(" ", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client gave up: what a stalled server sees.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}
