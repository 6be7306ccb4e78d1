using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Core.Hooks;
using SelfHostSync.Daemon;
using SelfHostSync.State;
using Serilog;

namespace SelfHostSync.Control;

/// <summary>
/// <c>POST /api/hooks/proxmox</c>: PVE (8.3+) and PBS (3.3+) webhook targets tell the daemon that a backup, verify,
/// sync or prune job ended, and a pass follows at once (coalesced like <c>resync</c>) instead of at the next scheduled
/// one (decision 019). The call must carry <see cref="SecretHeader"/> with <c>ControlApi.HookSecret</c>, compared in
/// constant time, on any bind address; the control token is not needed (the webhook target cannot send both safely).
/// </summary>
internal static class HookApi
{
    public const string Path = "/api/hooks/proxmox";
    public const string SecretHeader = "X-SelfHostSync-Secret";
    private const int MaxBody = 1024 * 1024;

    public static void MapHookApi(
        this IEndpointRouteBuilder app,
        string? secret,
        SyncCoordinator coordinator,
        HookStore store,
        TimeProvider time,
        ILogger log
    )
    {
        var expected = secret is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        app.MapPost(Path, async (HttpContext context, CancellationToken ct) =>
        {
            var presented = SHA256.HashData(Encoding.UTF8.GetBytes(context.Request.Headers[SecretHeader].ToString()));
            if (expected is null || !CryptographicOperations.FixedTimeEquals(presented, expected))
            {
                log.Warning(
                    "Webhook call refused from {Remote}: {Why}",
                    context.Connection.RemoteIpAddress,
                    expected is null ? "ControlApi.HookSecret is not set" : $"wrong or missing {SecretHeader}"
                );
                return Results.Json(
                    new { error = expected is null ? "webhooks are off: set ControlApi.HookSecret" : $"wrong or missing {SecretHeader} header" },
                    statusCode: StatusCodes.Status401Unauthorized
                );
            }

            if (context.Request.ContentLength > MaxBody)
            {
                return Results.Json(new { error = "body larger than 1 MiB" }, statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            var notice = ProxmoxNotice.Parse(await ReadAsync(context.Request.Body, ct));
            string? runId = null;
            string? state = null;
            if (notice.TriggersPass)
            {
                var ticket = coordinator.Request($"hook:{notice.Source} {notice.Type ?? "notification"}");
                runId = ticket.RunId;
                state = coordinator.StateOf(ticket.RunId) ?? "queued";
            }

            var recorded = new HookEvent(
                time.GetUtcNow(),
                notice.Source,
                notice.Type,
                notice.Host,
                notice.Datastore,
                notice.Severity,
                notice.Title,
                notice.Guests,
                runId is null ? "ignored" : "pass",
                runId
            );
            await store.RecordAsync(recorded, ct);
            log.Information(
                "Webhook from {Source} {Host}: {Type} {Title} (guests {Guests}, datastore {Datastore}): {Outcome} {RunId}",
                notice.Source,
                notice.Host,
                notice.Type ?? "(unknown body)",
                notice.Title,
                notice.Guests,
                notice.Datastore,
                recorded.Outcome,
                runId
            );
            return runId is null
                ? Results.Json(new { state = "ignored", reason = $"a {notice.Type} notification changes nothing SelfHostSync checks" })
                : Results.Json(new { runId, state }, statusCode: StatusCodes.Status202Accepted);
        });
    }

    /// <summary>The body as text, at most 1 MiB (proxmox-notify may send it chunked, without a length).</summary>
    private static async Task<string> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxBody];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
