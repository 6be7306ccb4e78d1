using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Daemon;
using SelfHostSync.Http;
using SelfHostSync.Output;
using SelfHostSync.State;

namespace SelfHostSync.Control;

/// <summary>The control API of DESIGN §7: status, guests, runs, manual resync, manual restore tests, health.</summary>
internal static class ControlApi
{
    public static void UseControlAuth(this WebApplication app, ControlAuth auth)
    {
        app.Use(
            async (context, next) =>
            {
                var path = context.Request.Path.Value ?? "/";

                // The webhook has its own secret (HookApi); health answers everyone.
                if (path is "/healthz" or HookApi.Path)
                {
                    await next(context);
                    return;
                }

                if (auth.RequiresToken && path == "/" && auth.IsValidToken(context.Request.Query["token"]))
                {
                    context.Response.Cookies.Append(
                        ControlAuth.CookieName,
                        auth.NewSession(),
                        new CookieOptions
                        {
                            HttpOnly = true,
                            SameSite = SameSiteMode.Strict,
                            Path = "/",
                            MaxAge = ControlAuth.SessionLifetime,
                        }
                    );
                    context.Response.Redirect("/");
                    return;
                }

                if (!auth.IsAuthenticated(context))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await context.Response.WriteAsJsonAsync(new { error = "a bearer token is required (ControlApi.Token)" });
                    return;
                }

                // A bearer header is never sent by a page of another site (that would need CORS, which is not offered).
                if (
                    !HttpMethods.IsGet(context.Request.Method)
                    && !HttpMethods.IsHead(context.Request.Method)
                    && !auth.HasBearer(context)
                    && ControlAuth.CrossSiteRefusal(context) is { } refusal
                )
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await context.Response.WriteAsJsonAsync(new { error = refusal });
                    return;
                }

                await next(context);
            }
        );
    }

    public static void MapControlApi(
        this IEndpointRouteBuilder app,
        SyncCoordinator coordinator,
        Daemon.DaemonHealth health,
        IReadOnlySet<string> clusters,
        RunStore store,
        DrillStore drillStore,
        RequestMeter meter,
        ControlAuth auth,
        DaemonDrills drills,
        HookStore hooks,
        TimeProvider time
    )
    {
        app.MapDrillApi(drills, drillStore);

        // 503 when passes stopped completing (a hang, a crashed loop): what a monitor or a systemd watchdog script acts on.
        app.MapGet("/healthz", () => health.Problem(time.GetUtcNow()) is { } problem
                ? Results.Json(
                    new
                    {
                        status = "unhealthy",
                        reason = problem,
                        lastRun = coordinator.Last?.FinishedAt,
                    },
                    statusCode: StatusCodes.Status503ServiceUnavailable
                )
            : coordinator.Last is null ? Results.Json(new { status = "starting" })
            : Results.Json(new { status = coordinator.Last.Degraded ? "degraded" : "ok", lastRun = coordinator.Last.FinishedAt }));

        app.MapGet("/api/status", async (CancellationToken ct) => Json(StatusOf(coordinator, await hooks.RecentAsync(10, ct))));

        app.MapGet("/api/openapi.json", () =>
            Results.Stream(typeof(ControlApi).Assembly.GetManifestResourceStream("SelfHostSync.Control.openapi.json")!, "application/json")
        );

        app.MapGet("/", async (HttpContext context, string? run, CancellationToken ct) =>
        {
            var nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            context.Response.Headers.ContentSecurityPolicy =
                $"default-src 'none'; style-src 'nonce-{nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            // same-origin, not no-referrer: with no-referrer a browser without Fetch Metadata sends "Origin: null" on the
            // page's own form posts, which the cross-site check must refuse.
            context.Response.Headers["Referrer-Policy"] = "same-origin";
            var pending = run is not null && coordinator.StateOf(run) is not null ? run : null;
            var model = new Dashboard.DashboardModel(
                coordinator.Last,
                await store.RecentRunsAsync(10, ct),
                coordinator.IsRunning,
                pending,
                coordinator.Progress,
                nonce,
                time.GetUtcNow()
            )
            {
                Drills = drills.Configured ? await drillStore.RecentDrillsAsync(100, null, ct) : null,
                DrillRunning = drills.Running,
                Hooks = await hooks.RecentAsync(10, ct),
                Filter = Dashboard.GuestFilter.From(context.Request.Query),
            };
            await TextResponse.WriteAsync(context.Response, "text/html; charset=utf-8", w => Dashboard.DashboardPage.WriteAsync(w, model, ct), ct);
        });

        app.MapGet("/metrics", async (HttpContext context, CancellationToken ct) =>
        {
            var recent = drills.Configured ? await drillStore.RecentDrillsAsync(500, null, ct) : [];
            await TextResponse.WriteAsync(
                context.Response,
                "text/plain; version=0.0.4; charset=utf-8",
                w => Metrics.WriteAsync(w, coordinator.Last, meter, time.GetUtcNow(), recent, ct),
                ct
            );
        });

        app.MapGet("/api/guests", () => Json(coordinator.Last?.Guests ?? []));

        app.MapGet("/api/guests/{cluster}/{vmid:int}", (string cluster, int vmid) =>
            coordinator.Last?.Guests.FirstOrDefault(g => g.Cluster == cluster && g.Vmid == vmid) is { } g
                ? Json(g)
                : Results.Json(new { error = $"no guest {cluster}/{vmid} in the last run" }, statusCode: 404)
        );

        app.MapPost("/api/sync", (HttpContext context) =>
        {
            var ticket = coordinator.Request("api");
            var state = coordinator.StateOf(ticket.RunId) ?? "queued";
            if (context.Request.HasFormContentType)
            {
                // The dashboard's button (works without JavaScript): back to the page, which shows the pass.
                return Results.Redirect("/?run=" + Uri.EscapeDataString(ticket.RunId));
            }

            return Results.Json(new { runId = ticket.RunId, state }, statusCode: 202, contentType: null);
        });

        app.MapGet("/api/runs/{id}", async (string id, CancellationToken ct) =>
        {
            if (coordinator.StateOf(id) is { } live)
            {
                return Json(
                    new
                    {
                        runId = id,
                        state = live,
                        report = (RunReport?)null,
                    }
                );
            }

            if (coordinator.FailureOf(id) is { } error)
            {
                return Json(
                    new
                    {
                        runId = id,
                        state = "failed",
                        error,
                        report = (RunReport?)null,
                    }
                );
            }

            var run = await store.GetRunAsync(id, ct);
            return run is null
                ? Results.Json(new { error = $"no run {id}" }, statusCode: 404)
                : Json(
                    new
                    {
                        runId = id,
                        state = run.Value.Summary.State,
                        report = run.Value.Report,
                    }
                );
        });

        app.MapPost("/api/restore-tests", async (HttpContext context, CancellationToken ct) =>
        {
            if (!context.Request.HasJsonContentType())
            {
                return Results.Json(new { error = "send the body as application/json" }, statusCode: 415);
            }

            ManualRestoreTest? body;
            try
            {
                body = await context.Request.ReadFromJsonAsync<ManualRestoreTest>(ReportJson.Options, ct);
            }
            catch (JsonException ex)
            {
                return Results.Json(new { error = $"body is not JSON: {ex.Message}" }, statusCode: 400);
            }

            if (body is null)
            {
                return Results.Json(new { error = "body required" }, statusCode: 400);
            }

            if (body.ToRestoreTest(time.GetUtcNow(), out var error) is not { } test)
            {
                return Results.Json(new { error }, statusCode: 400);
            }

            // Only guests of configured clusters: a record for anything else would be kept and loaded on every pass.
            if (!clusters.Contains(test.Guest.Cluster))
            {
                return Results.Json(new { error = $"no cluster '{test.Guest.Cluster}' in the configuration" }, statusCode: 400);
            }

            await store.RecordRestoreTestsAsync([test], ct);
            return Results.Json(new { id = test.Id }, statusCode: 201);
        });
    }

    private static IResult Json(object value) => Results.Json(value, ReportJson.Options);

    private static object StatusOf(SyncCoordinator coordinator, IReadOnlyList<HookEvent> hooks)
    {
        var last = coordinator.Last;
        var levels = new SortedDictionary<string, int>(StringComparer.Ordinal)
        {
            ["0"] = 0,
            ["1"] = 0,
            ["2"] = 0,
            ["3a"] = 0,
            ["3b"] = 0,
        };
        foreach (var level in (last?.Guests.Select(g => g.Level) ?? []).Concat(last?.Inventory.Select(i => i.Level) ?? []))
        {
            levels[level.ToCode()] = levels.GetValueOrDefault(level.ToCode()) + 1;
        }

        return new
        {
            running = coordinator.IsRunning,
            progress = coordinator.Progress,
            levels,
            guests = last?.Guests.Count ?? 0,
            failing = (last?.Guests.Count(g => g.Checks.Any(c => c.Status == Core.Checks.CheckStatus.Fail)) ?? 0)
                + (last?.Inventory.Count(i => i.Checks.Any(c => c.Status == Core.Checks.CheckStatus.Fail)) ?? 0),
            lastRun = last is null
                ? null
                : new
                {
                    last.RunId,
                    last.StartedAt,
                    last.FinishedAt,
                    last.Degraded,
                    last.Writes,
                    last.WriteFailures,
                    last.Sources,
                },
            hooks,
        };
    }
}
