using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SelfHostSync.Configuration;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Sync;
using SelfHostSync.Notifications;
using SelfHostSync.Notifications.Settings;
using SelfHostSync.State;
using SelfHostSync.Tests.State;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace SelfHostSync.Tests.Notifications;

/// <summary>The notifier against WireMock (ntfy, Gotify, webhook, heartbeat) and a fake SMTP server.</summary>
public sealed class NotifierTests : IDisposable
{
    private const string GotifyToken = "AbCdEf-gotify-app-token";
    private readonly WireMockServer _http = WireMockServer.Start();
    private readonly FakeSmtpServer _smtp = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "shs-notify-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly OpenState _store;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly List<LogEvent> _logs = [];
    private readonly Logger _log;

    public NotifierTests()
    {
        _store = OpenState.In(_dir);
        _log = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(new ListSink(_logs)).CreateLogger();
        foreach (var path in new[] { "/topic", "/message", "/hook", "/ping" })
        {
            _http.Given(Request.Create().WithPath(path)).RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
        }
    }

    public void Dispose()
    {
        _store.Dispose();
        _log.Dispose();
        _http.Stop();
        _http.Dispose();
        _smtp.Dispose();
        Directory.Delete(_dir, true);
    }

    private NotificationSettings Settings(TimeSpan? reminder = null) =>
        new()
        {
            Ntfy = [new NtfyTarget(new Uri(_http.Url + "/topic"), null, 4)],
            Gotify = [new GotifyTarget(new Uri(_http.Url + "/"), GotifyToken, 5)],
            Webhooks = [new WebhookTarget(new Uri(_http.Url + "/hook"), new Dictionary<string, string> { ["X-Team"] = "ops" })],
            Smtp = new SmtpTarget("127.0.0.1", _smtp.Port, SmtpSecurity.None, null, null, "selfhostsync@lab.lan", ["ops@lab.lan"]),
            HeartbeatUrl = new Uri(_http.Url + "/ping"),
            ReminderInterval = reminder,
        };

    private static RunReport Run(CheckStatus restore, bool degraded = false) =>
        new()
        {
            RunId = Guid.NewGuid().ToString(),
            StartedAt = DateTimeOffset.UnixEpoch,
            FinishedAt = DateTimeOffset.UnixEpoch,
            DryRun = false,
            Degraded = degraded,
            Sources = [new SourceReport("pbs", "pbs", !degraded, degraded ? "HTTP 503" : null)],
            Guests =
            [
                new GuestReport
                {
                    Cluster = "homelab",
                    Vmid = 100,
                    Node = "pve1",
                    Type = "qemu",
                    Name = "inference",
                    Level = SelfHostSync.Core.Matrix.Level.Production,
                    LevelReasons = [],
                    Checks =
                    [
                        new CheckResult(CheckIds.RestoreTested, restore, "never restored"),
                        new CheckResult(CheckIds.OffsitePresent, CheckStatus.Fail, "no offsite copy"),
                    ],
                    TagsBefore = [],
                    TagsAfter = [],
                    Written = false,
                    WriteStatus = GuestWriteStatus.None,
                },
            ],
            Writes = 0,
        };

    /// <summary>The notifications client as the executable registers it.</summary>
    private static IHttpClientFactory Http { get; } =
        new ServiceCollection().AddHttpClient(Notifier.HttpClientName).Services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();

    private int Hits(string path) => _http.LogEntries.Count(e => e.RequestMessage.Path == path);

    [Fact]
    public async Task AfterPass_NewFailures_SentOnceToEveryChannelUntestedRestoreFirst()
    {
        var notifier = new Notifier(Settings(), _store.Alerts, _time, _log, Http);

        await notifier.AfterPassAsync(Run(CheckStatus.Fail), CancellationToken.None);
        await notifier.AfterPassAsync(Run(CheckStatus.Fail), CancellationToken.None);

        Assert.Equal(1, Hits("/topic"));
        Assert.Equal(1, Hits("/message"));
        Assert.Equal(1, Hits("/hook"));
        Assert.Single(_smtp.Messages);
        Assert.Equal(2, Hits("/ping"));

        var ntfy = _http.LogEntries.Single(e => e.RequestMessage.Path == "/topic").RequestMessage;
        Assert.StartsWith("SelfHostSync: 1 untested restore", ntfy.Headers!["Title"].Single(), StringComparison.Ordinal);
        Assert.StartsWith("✗ homelab/100 inference [3b] restore.tested", ntfy.Body, StringComparison.Ordinal);
        var gotify = _http.LogEntries.Single(e => e.RequestMessage.Path == "/message").RequestMessage;
        Assert.Equal(GotifyToken, gotify.Headers!["X-Gotify-Key"].Single());
        using var hook = JsonDocument.Parse(_http.LogEntries.Single(e => e.RequestMessage.Path == "/hook").RequestMessage.Body!);
        Assert.Equal("transitions", hook.RootElement.GetProperty("kind").GetString());
        Assert.Equal(1, hook.RootElement.GetProperty("version").GetInt32());
        var first = hook.RootElement.GetProperty("events")[0];
        Assert.Equal("new-failure", first.GetProperty("kind").GetString());
        Assert.Equal("restore.tested", first.GetProperty("check").GetString());
        Assert.Contains("Subject: SelfHostSync: 1 untested restore", _smtp.Messages[0], StringComparison.Ordinal);
        Assert.Equal(4, _store.Count("notifications"));
        Assert.DoesNotContain(_logs, e =>
            e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Contains(GotifyToken, StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task SendOrKeep_NoChannelTakesIt_KeptAndSentAfterTheNextPass()
    {
        _http.Given(Request.Create().WithPath("/down")).RespondWith(Response.Create().WithStatusCode(503));
        var settings = new NotificationSettings { Webhooks = [new WebhookTarget(new Uri(_http.Url + "/down"), new Dictionary<string, string>())] };
        var notifier = new Notifier(settings, _store.Alerts, _time, _log, Http);
        var escalation = new NotificationMessage
        {
            Kind = "escalation",
            At = _time.GetUtcNow(),
            Title = "SelfHostSync: drills of homelab/100 failed 3 times in a row",
            Text = "failed",
            Html = "<p>failed</p>",
            Severity = 5,
            Events = [],
        };

        Assert.False(await notifier.SendOrKeepAsync(escalation, CancellationToken.None));
        Assert.Equal(1, _store.Count("outbox"));
        await notifier.AfterPassAsync(Run(CheckStatus.Fail), CancellationToken.None);
        Assert.Equal(1, _store.Count("outbox"));

        // The channel is back: the kept escalation goes out after the next pass, once.
        _http.ResetMappings();
        _http.Given(Request.Create().WithPath("/down")).RespondWith(Response.Create().WithStatusCode(200));
        await notifier.AfterPassAsync(Run(CheckStatus.Fail), CancellationToken.None);
        await notifier.AfterPassAsync(Run(CheckStatus.Fail), CancellationToken.None);

        Assert.Equal(0, _store.Count("outbox"));
        var sent = _http.LogEntries.Where(e => e.RequestMessage.Path == "/down" && e.ResponseMessage.StatusCode is 200).ToList();
        Assert.Single(sent, e => e.RequestMessage.Body!.Contains("\"kind\":\"escalation\"", StringComparison.Ordinal));
        Assert.Contains(_logs, l => l.Level == LogEventLevel.Warning && l.RenderMessage().Contains("kept, and sent again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AfterPass_KeptRowUnreadable_DroppedAndThePassGoesOn()
    {
        await _store.Alerts.KeepUndeliveredAsync("escalation", "{not json", null, _time.GetUtcNow(), CancellationToken.None);
        var notifier = new Notifier(Settings(), _store.Alerts, _time, _log, Http);

        await notifier.AfterPassAsync(Run(CheckStatus.Fail), CancellationToken.None);

        Assert.Equal(0, _store.Count("outbox"));
        Assert.Equal(1, Hits("/hook"));
        Assert.Contains(_logs, l =>
            l.Level == LogEventLevel.Warning && l.RenderMessage().Contains("cannot be read and is dropped", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task AfterPass_KeptLongerThanTwoWeeks_GivenUp()
    {
        _http.Given(Request.Create().WithPath("/down")).RespondWith(Response.Create().WithStatusCode(503));
        var notifier = new Notifier(
            new NotificationSettings { Webhooks = [new WebhookTarget(new Uri(_http.Url + "/down"), new Dictionary<string, string>())] },
            _store.Alerts,
            _time,
            _log,
            Http
        );
        await notifier.SendOrKeepAsync(
            new NotificationMessage
            {
                Kind = "escalation",
                At = _time.GetUtcNow(),
                Title = "escalated",
                Text = "x",
                Events = [],
            },
            CancellationToken.None
        );

        _time.Advance(Notifier.KeepFor + TimeSpan.FromMinutes(1));
        await notifier.AfterPassAsync(Run(CheckStatus.Pass), CancellationToken.None);

        Assert.Equal(0, _store.Count("outbox"));
        Assert.Contains(_logs, l => l.Level == LogEventLevel.Warning && l.RenderMessage().Contains("given up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AfterPass_Resolved_SentAsGoodNews()
    {
        var notifier = new Notifier(Settings(), _store.Alerts, _time, _log, Http);
        await notifier.AfterPassAsync(Run(CheckStatus.Fail), CancellationToken.None);

        await notifier.AfterPassAsync(Run(CheckStatus.Pass), CancellationToken.None);

        using var hook = JsonDocument.Parse(_http.LogEntries.Where(e => e.RequestMessage.Path == "/hook").Last().RequestMessage.Body!);
        Assert.Equal("resolved", hook.RootElement.GetProperty("events")[0].GetProperty("kind").GetString());
        Assert.Equal("SelfHostSync: 1 resolved", hook.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task AfterPass_Degraded_NoHeartbeatAndSourceAnnounced()
    {
        var notifier = new Notifier(Settings(), _store.Alerts, _time, _log, Http);

        await notifier.AfterPassAsync(Run(CheckStatus.Unknown, degraded: true), CancellationToken.None);

        Assert.Equal(0, Hits("/ping"));
        using var hook = JsonDocument.Parse(_http.LogEntries.Single(e => e.RequestMessage.Path == "/hook").RequestMessage.Body!);
        Assert.Contains(hook.RootElement.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "source-degraded");
    }

    [Fact]
    public async Task AfterPass_ReminderIntervalElapsed_ResendsOpenFailures()
    {
        var notifier = new Notifier(Settings(TimeSpan.FromDays(1)), _store.Alerts, _time, _log, Http);
        await notifier.AfterPassAsync(Run(CheckStatus.Fail), CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(23));
        await notifier.AfterPassAsync(Run(CheckStatus.Fail), CancellationToken.None);
        Assert.Equal(1, Hits("/hook"));

        _time.Advance(TimeSpan.FromHours(2));
        await notifier.AfterPassAsync(Run(CheckStatus.Fail), CancellationToken.None);

        Assert.Equal(2, Hits("/hook"));
        using var hook = JsonDocument.Parse(_http.LogEntries.Where(e => e.RequestMessage.Path == "/hook").Last().RequestMessage.Body!);
        Assert.Equal("reminder", hook.RootElement.GetProperty("kind").GetString());
        Assert.Equal(2, hook.RootElement.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task AfterPass_OneChannelDown_OthersStillSentAndFailureRecorded()
    {
        _http.Given(Request.Create().WithPath("/topic")).AtPriority(0).RespondWith(Response.Create().WithStatusCode(502));
        var notifier = new Notifier(Settings(), _store.Alerts, _time, _log, Http);

        await notifier.AfterPassAsync(Run(CheckStatus.Fail), CancellationToken.None);

        Assert.Equal(1, Hits("/hook"));
        var records = await _store.Alerts.RecentNotificationsAsync(10, CancellationToken.None);
        Assert.Contains(records, r =>
            r.Channel.StartsWith("ntfy:", StringComparison.Ordinal) && !r.Ok && r.Error!.Contains("502", StringComparison.Ordinal)
        );
        Assert.Equal(3, records.Count(r => r.Ok));
    }

    [Fact]
    public async Task AfterPass_DryRun_ChangesNothing()
    {
        var notifier = new Notifier(Settings(), _store.Alerts, _time, _log, Http);

        await notifier.AfterPassAsync(Run(CheckStatus.Fail) with { DryRun = true }, CancellationToken.None);

        Assert.Empty(_http.LogEntries);
        Assert.Equal(0, _store.Count("alerts"));
    }

    private sealed class ListSink(List<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
            lock (events)
            {
                events.Add(logEvent);
            }
        }
    }
}
