using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Hosting;

/// <summary>Token authentication as PVE/PBS parse it, and per-token privileges.</summary>
internal static class LabAuth
{
    /// <summary>Every route of the group needs a valid token; the token is kept in <c>HttpContext.Items["token"]</c>.</summary>
    public static RouteGroupBuilder RequireToken(
        this RouteGroupBuilder group,
        IReadOnlyList<TokenSpec> tokens,
        string scheme,
        char separator,
        LabFaults faults,
        LabTickets? tickets = null,
        string? cookie = null
    )
    {
        group.AddEndpointFilter(
            async (ctx, next) =>
            {
                if (ctx.HttpContext.Request.Path.Value?.EndsWith("/access/ticket", StringComparison.Ordinal) == true)
                {
                    return await next(ctx);
                }

                var token =
                    tickets is not null && cookie is not null && ctx.HttpContext.Request.Cookies.TryGetValue(cookie, out var ticket)
                        ? FromTicket(ctx.HttpContext, tickets, ticket, faults)
                        : Authenticate(ctx.HttpContext, tokens, scheme, separator, faults);
                if (token is null)
                {
                    return Results.Empty;
                }

                ctx.HttpContext.Items["token"] = token;
                return await next(ctx);
            }
        );
        return group;
    }

    /// <summary>Ticket cookie auth: writes need the CSRF token bound to the ticket. Returns null after writing 401.</summary>
    private static TokenSpec? FromTicket(HttpContext context, LabTickets tickets, string ticket, LabFaults faults)
    {
        var session = faults.RevokeTokens ? null : tickets.Validate(ticket);
        if (session is null)
        {
            LabResults.AuthenticationFailed(context);
            return null;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && context.Request.Headers["CSRFPreventionToken"].ToString() != session.Value.Csrf)
        {
            LabResults.Error(context, StatusCodes.Status401Unauthorized, "Permission denied - invalid csrf token");
            return null;
        }

        return session.Value.Principal;
    }

    /// <summary>Maps <c>POST /access/ticket</c> (form: username, password — a password or a valid ticket).</summary>
    public static void MapTicketLogin(this RouteGroupBuilder api, LabTickets tickets)
    {
        api.MapPost("/access/ticket", async (HttpContext ctx) =>
        {
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var username = form["username"].ToString();
            var session = tickets.Login(username, form["password"].ToString());
            if (session is null)
            {
                LabResults.AuthenticationFailed(ctx);
                return Results.Empty;
            }

            // A dictionary: the JSON naming policy would camel-case the property name.
            var data = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["username"] = username,
                ["ticket"] = session.Value.Ticket,
                ["CSRFPreventionToken"] = session.Value.Csrf,
            };
            if (session.Value.NeedTfa)
            {
                data["NeedTFA"] = 1;
            }

            return LabResults.Data(data);
        });
    }

    /// <summary>Returns the token, or null after writing 401.</summary>
    public static TokenSpec? Authenticate(HttpContext context, IReadOnlyList<TokenSpec> tokens, string scheme, char separator, LabFaults faults)
    {
        var header = context.Request.Headers.Authorization.ToString();
        TokenSpec? token = null;
        if (
            !faults.RevokeTokens
            && header.StartsWith(scheme, StringComparison.Ordinal)
            && header.Length > scheme.Length + 1
            && (header[scheme.Length] == '=' || header[scheme.Length] == ' ')
        )
        {
            var value = Uri.UnescapeDataString(header[(scheme.Length + 1)..]);
            var split = separator == '=' ? value.LastIndexOf('=') : value.IndexOf(':', StringComparison.Ordinal);
            if (split > 0)
            {
                var id = value[..split];
                var secret = value[(split + 1)..];
                token = tokens.FirstOrDefault(t => t.Id == id && t.Secret == secret);
            }
        }

        if (token is null)
        {
            LabResults.AuthenticationFailed(context);
        }

        return token;
    }
}

internal static class LabResults
{
    private const string PbsDialect = "lab.pbs-errors";

    /// <summary>Answers on this request are PBS's: errors as plain text with the canonical reason phrase.</summary>
    public static void UsePbsErrors(HttpContext context) => context.Items[PbsDialect] = true;

    /// <summary>
    /// An error as the server writes it. PVE (pve-http-server): the message as reason phrase and, since 5.2, in a JSON
    /// body <c>{data:null, message}</c>. PBS (proxmox-rest-server <c>error_to_response</c>): the message as the plain
    /// text body, under a JSON content type, with hyper's canonical reason phrase.
    /// </summary>
    public static void Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json;charset=UTF-8";
        if (context.Items.ContainsKey(PbsDialect))
        {
            context.Response.WriteAsync(message).GetAwaiter().GetResult();
            return;
        }

        var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>();
        if (feature is not null)
        {
            feature.ReasonPhrase = message;
        }

        context.Response.WriteAsJsonAsync(new { data = (object?)null, message = message + "\n" }).GetAwaiter().GetResult();
    }

    /// <summary>A failed login or an unknown token: PVE says "authentication failure", PBS "authentication failed".</summary>
    public static void AuthenticationFailed(HttpContext context) =>
        Error(context, StatusCodes.Status401Unauthorized, context.Items.ContainsKey(PbsDialect) ? "authentication failed" : "authentication failure");

    public static IResult Data(object? data) => Results.Json(new { data });
}
