using Microsoft.AspNetCore.Http;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pbs;

/// <summary>The token of a request and its privileges (applied on every path: the Lab has no PBS ACL tree).</summary>
internal static class PbsAuth
{
    public static TokenSpec Token(HttpContext ctx) => (TokenSpec)ctx.Items["token"]!;

    public static bool Has(HttpContext ctx, string privilege) =>
        Token(ctx).Privileges is { } p
        && (
            p.Contains(privilege, StringComparer.Ordinal)
            || p.Contains("Admin", StringComparer.Ordinal)
            || p.Contains("Administrator", StringComparer.Ordinal)
        );
}
