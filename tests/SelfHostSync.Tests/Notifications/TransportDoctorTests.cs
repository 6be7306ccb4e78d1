using SelfHostSync.Configuration;
using SelfHostSync.Notifications;
using SelfHostSync.Notifications.Settings;

namespace SelfHostSync.Tests.Notifications;

/// <summary><c>doctor</c> warns when a notification channel would send its credential in clear (reliability review L12).</summary>
public sealed class TransportDoctorTests
{
    private static NotificationSettings Of(string scenario) =>
        scenario switch
        {
            "smtp starttls" => new() { Smtp = new SmtpTarget("mail", 587, SmtpSecurity.StartTls, "u", "p", "a@b", ["c@d"]) },
            "smtp none with login" => new() { Smtp = new SmtpTarget("mail", 25, SmtpSecurity.None, "u", "p", "a@b", ["c@d"]) },
            "smtp auto with login" => new() { Smtp = new SmtpTarget("mail", 587, SmtpSecurity.Auto, "u", "p", "a@b", ["c@d"]) },
            "smtp none without login" => new() { Smtp = new SmtpTarget("relay", 25, SmtpSecurity.None, null, null, "a@b", ["c@d"]) },
            "gotify http" => new() { Gotify = [new GotifyTarget(new Uri("http://gotify.lan"), "t", 5)] },
            "gotify https" => new() { Gotify = [new GotifyTarget(new Uri("https://gotify.lan"), "t", 5)] },
            "gotify http loopback" => new() { Gotify = [new GotifyTarget(new Uri("http://127.0.0.1:8080"), "t", 5)] },
            "ntfy http without token" => new() { Ntfy = [new NtfyTarget(new Uri("http://ntfy.lan/topic"), null, 3)] },
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

    [Theory]
    [InlineData("smtp starttls", null)]
    [InlineData("smtp none with login", "Smtp.Security None with a Username")]
    [InlineData("smtp auto with login", "STARTTLS is stripped")]
    [InlineData("smtp none without login", null)]
    [InlineData("gotify http", "http://gotify.lan is plain http")]
    [InlineData("gotify https", null)]
    [InlineData("gotify http loopback", null)]
    [InlineData("ntfy http without token", null)]
    public void Diagnose_Channel_WarnsOnlyWhenACredentialWouldGoInClear(string scenario, string? expected)
    {
        var found = TransportDoctor.Diagnose(Of(scenario)).ToList();

        if (expected is null)
        {
            Assert.True(found.Count == 0, scenario);
        }
        else
        {
            Assert.Contains(found, d => d.Message.Contains(expected, StringComparison.Ordinal));
        }
    }
}
