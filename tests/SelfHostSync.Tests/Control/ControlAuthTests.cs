using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using SelfHostSync.Control;

namespace SelfHostSync.Tests.Control;

/// <summary>The dashboard's session cookie (reliability review L7): signed with the token, and it expires.</summary>
public sealed class ControlAuthTests
{
    private static DefaultHttpContext WithCookie(string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = $"{ControlAuth.CookieName}={value}";
        return context;
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(11.9, true)]
    [InlineData(12.1, false)]
    [InlineData(24 * 30, false)]
    public void IsAuthenticated_SessionOfAGivenAge_OnlyWithinItsLifetime(double hours, bool accepted)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        var auth = new ControlAuth("a-long-control-token-0123456789", time);
        var cookie = auth.NewSession();

        time.Advance(TimeSpan.FromHours(hours));

        Assert.Equal(accepted, auth.IsAuthenticated(WithCookie(cookie)));
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("1764662400.00")]
    [InlineData("")]
    public void IsAuthenticated_ForgedOrForeignCookie_Refused(string value)
    {
        var auth = new ControlAuth("a-long-control-token-0123456789");

        Assert.False(auth.IsAuthenticated(WithCookie(value)));
        Assert.False(
            new ControlAuth("another-token-9876543210").IsAuthenticated(WithCookie(new ControlAuth("a-long-control-token-0123456789").NewSession()))
        );
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("same-origin", "http://127.0.0.1:8785", true)]
    [InlineData("none", null, true)]
    [InlineData(null, "http://127.0.0.1:8785", true)]
    [InlineData(null, "http://LOCALHOST:8785", false)] // another host name: another origin
    [InlineData("cross-site", "http://evil.example", false)]
    [InlineData("same-site", "http://127.0.0.1:3000", false)]
    [InlineData(null, "http://127.0.0.1:3000", false)]
    [InlineData(null, "null", false)]
    [InlineData("cross-site", null, false)]
    public void CrossSiteRefusal_BrowserHeaders_OnlySameOriginOrNoBrowserPasses(string? site, string? origin, bool passes)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("127.0.0.1:8785");
        if (site is not null)
        {
            context.Request.Headers["Sec-Fetch-Site"] = site;
        }

        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        Assert.Equal(passes, ControlAuth.CrossSiteRefusal(context) is null);
    }
}
