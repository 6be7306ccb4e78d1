using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Daemon;
using SelfHostSync.Output;
using SelfHostSync.State;

namespace SelfHostSync.Control;

/// <summary><c>GET /api/drills</c> (history) and <c>POST /api/drills</c> (run one now: the dashboard button, scripts).</summary>
internal static class DrillApi
{
    public static void MapDrillApi(this IEndpointRouteBuilder app, DaemonDrills drills, DrillStore store)
    {
        app.MapGet("/api/drills", async (string? guest, CancellationToken ct) =>
        {
            if (!drills.Configured)
            {
                return NotConfigured();
            }

            GuestKey? key = null;
            if (guest is not null)
            {
                if (!GuestKey.TryParse(guest, out var k))
                {
                    return Results.Json(new { error = $"guest '{guest}' is not <cluster>/<vmid>" }, statusCode: 400);
                }

                key = k;
            }

            return Results.Json(new { running = drills.Running, drills = await store.RecentDrillsAsync(100, key, ct) }, ReportJson.Options);
        });

        app.MapPost("/api/drills", async (HttpContext context, CancellationToken ct) =>
        {
            if (!drills.Configured)
            {
                return NotConfigured();
            }

            GuestKey? key = null;
            if (context.Request.HasJsonContentType())
            {
                string? text;
                try
                {
                    text = (await context.Request.ReadFromJsonAsync<DrillRequest>(ReportJson.Options, ct))?.Guest;
                }
                catch (JsonException ex)
                {
                    return Results.Json(new { error = $"body is not JSON: {ex.Message}" }, statusCode: 400);
                }

                if (text is not null)
                {
                    if (!GuestKey.TryParse(text, out var k))
                    {
                        return Results.Json(new { error = $"guest '{text}' is not <cluster>/<vmid>" }, statusCode: 400);
                    }

                    key = k;
                }
            }

            var started = drills.TryStart(key, "api");
            if (context.Request.HasFormContentType)
            {
                return Results.Redirect("/#drills");
            }

            return started
                ? Results.Json(new { state = "started" }, statusCode: 202)
                : Results.Json(new { error = "a drill (or the start-up sweep) is running; try again when it has finished" }, statusCode: 409);
        });
    }

    private static IResult NotConfigured() => Results.Json(new { error = "restore drills are not configured (RestoreDrills)" }, statusCode: 404);

    private sealed record DrillRequest(string? Guest);
}
