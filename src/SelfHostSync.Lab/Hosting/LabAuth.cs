using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Hosting;

/// <summary>Token authentication as PVE/PBS parse it, and per-token privileges.</summary>
internal static class LabAuth
{
    /// <summary>Every route of the group needs a valid token; the token is kept in <c>HttpContext.Items["token"]</c>.</summary>
    public static RouteGroupBuilder RequireToken(this RouteGroupBuilder group, IReadOnlyList<TokenSpec> tokens, string scheme, char separator, LabFaults faults)
    {
        group.AddEndpointFilter(async (ctx, next) =>
        {
            var token = Authenticate(ctx.HttpContext, tokens, scheme, separator, faults);
            if (token is null)
            {
                return Results.Empty;
            }

            ctx.HttpContext.Items["token"] = token;
            return await next(ctx);
        });
        return group;
    }

    /// <summary>Returns the token, or null after writing 401.</summary>
    public static TokenSpec? Authenticate(HttpContext context, IReadOnlyList<TokenSpec> tokens, string scheme, char separator, LabFaults faults)
    {
        var header = context.Request.Headers.Authorization.ToString();
        TokenSpec? token = null;
        if (!faults.RevokeTokens && header.StartsWith(scheme, StringComparison.Ordinal) && header.Length > scheme.Length + 1
            && (header[scheme.Length] == '=' || header[scheme.Length] == ' '))
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
            LabResults.Error(context, StatusCodes.Status401Unauthorized, "authentication failure");
        }

        return token;
    }

    public static bool Require(HttpContext context, TokenSpec token, string privilege, string path)
    {
        if (token.Privileges.Contains(privilege, StringComparer.Ordinal) || token.Privileges.Contains("Administrator", StringComparer.Ordinal))
        {
            return true;
        }

        LabResults.Error(context, StatusCodes.Status403Forbidden, $"Permission check failed ({path}, {privilege})");
        return false;
    }
}

internal static class LabResults
{
    public static void Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>();
        if (feature is not null)
        {
            feature.ReasonPhrase = message;
        }

        context.Response.ContentType = "application/json;charset=UTF-8";
        context.Response.WriteAsJsonAsync(new { data = (object?)null, message = message + "\n" }).GetAwaiter().GetResult();
    }

    public static IResult Data(object? data) => Results.Json(new { data });
}
