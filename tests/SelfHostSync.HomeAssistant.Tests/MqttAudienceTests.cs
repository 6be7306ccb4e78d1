using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.HomeAssistant.Mqtt;
using SelfHostSync.HomeAssistant.Settings;
using static SelfHostSync.HomeAssistant.Tests.Reports;

namespace SelfHostSync.HomeAssistant.Tests;

/// <summary>The audience against a real broker (plain MQTT, user and password): what goes out after each pass, and across restarts.</summary>
public sealed class MqttAudienceTests
{
    [Fact]
    public async Task RunAsync_SecondPassChangesOneGuest_PublishesOnlyWhatChanged()
    {
        await using var broker = await Mosquitto.StartAsync(tls: false);
        var memory = new Memory();
        await using var view = await RetainedView.ConnectAsync(broker);
        await using (var audience = Running(broker, memory))
        {
            audience.Show(Of([Guest("home", 100, Level.Production, CheckStatus.Fail), Guest("home", 101, Level.Vps, CheckStatus.Pass)], []));
            await memory.WaitForBatchesAsync(1);
            await view.WaitAsync("the first pass", r => r.ContainsKey("selfhostsync/guest/home/101") && r.ContainsKey("selfhostsync/pass"));

            audience.Show(
                Of([Guest("home", 100, Level.Production, CheckStatus.Pass), Guest("home", 101, Level.Vps, CheckStatus.Pass)], [], minute: 5)
            );
            var second = await memory.WaitForBatchesAsync(2);

            // The guest that recovered, the failing count of its level, and the pass.
            Assert.Equal(["selfhostsync/guest/home/100", "selfhostsync/levels", "selfhostsync/pass"], second.Select(c => c.Key));
            await view.WaitAsync("home/100 recovered", r => r["selfhostsync/guest/home/100"].Contains("\"state\":\"OFF\"", StringComparison.Ordinal));
            Assert.Equal(1, view.CountOf("homeassistant/binary_sensor/selfhostsync/home_100/config"));
        }

        await view.WaitAsync("offline after a clean stop", r => r.GetValueOrDefault("selfhostsync/status") == "offline");
    }

    [Fact]
    public async Task RunAsync_GuestGoneWhileStopped_TakenAwayAfterTheRestart()
    {
        await using var broker = await Mosquitto.StartAsync(tls: false);
        var memory = new Memory();
        await using var view = await RetainedView.ConnectAsync(broker);
        await using (var first = Running(broker, memory))
        {
            first.Show(Of(Guest("home", 100, Level.Production, CheckStatus.Fail), Guest("home", 101, Level.Production, CheckStatus.Fail)));
            await view.WaitAsync("both guests retained", r => r.ContainsKey("homeassistant/binary_sensor/selfhostsync/home_101/config"));
        }

        await view.WaitAsync("offline while stopped", r => r.GetValueOrDefault("selfhostsync/status") == "offline");
        await using (var second = Running(broker, memory))
        {
            second.Show(Of(Guest("home", 100, Level.Production, CheckStatus.Fail)));
            await view.WaitAsync("home/101 taken away, home/100 kept", r =>
                !r.ContainsKey("homeassistant/binary_sensor/selfhostsync/home_101/config")
                && !r.ContainsKey("selfhostsync/guest/home/101")
                && r.ContainsKey("homeassistant/binary_sensor/selfhostsync/home_100/config")
                && r.GetValueOrDefault("selfhostsync/status") == "online"
            );
        }

        Assert.DoesNotContain(memory.Topics, t => t.Contains("101", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_WrongPassword_KeepsTryingWithoutPublishing()
    {
        await using var broker = await Mosquitto.StartAsync(tls: false);
        var memory = new Memory();
        var log = new Lines();
        await using (var audience = Running(broker, memory, password: "not-the-password", log: log))
        {
            audience.Show(Of(Guest("home", 100, Level.Production, CheckStatus.Fail)));
            await broker.WaitForLogAsync("not authorised", 2);
        }

        // Said once for the outage, not at every attempt (the broker saw two: at once and after 1 s).
        // mosquitto answers NotAuthorized or BadUserNameOrPassword depending on the protocol step that failed.
        Assert.Matches(
            $"^Warning: Home Assistant: MQTT broker mqtt://127.0.0.1:{broker.Port} not reachable: the broker refused the login: (BadUserNameOrPassword|NotAuthorized); trying again with back-off up to 1 min$",
            Assert.Single(log)
        );

        await using var view = await RetainedView.ConnectAsync(broker);
        await Task.Delay(200);
        Assert.Empty(view.Retained);
        Assert.Empty(memory.Topics);
    }

    [Fact]
    public async Task RunAsync_AclRefusesDiscovery_StatesStandConfigsAreTriedAgainLater()
    {
        await using var broker = await Mosquitto.StartAsync(tls: false, $"user {Mosquitto.Username}", "topic write selfhostsync/#", "topic read #");
        var memory = new Memory();
        var log = new Lines();
        await using (var audience = Running(broker, memory, log: log))
        {
            audience.Show(Of(Guest("home", 100, Level.Production, CheckStatus.Fail)));
            var sent = await memory.WaitForBatchesAsync(1);
            Assert.Contains(sent, c => c.Key == "selfhostsync/guest/home/100");
            var takenBack = await memory.WaitForBatchesAsync(2);
            Assert.Equal(13, takenBack.Count(c => c.Key.EndsWith("/config", StringComparison.Ordinal) && c.Value is null));
            Assert.DoesNotContain(memory.Topics, t => t.EndsWith("/config", StringComparison.Ordinal));
            Assert.Contains("selfhostsync/guest/home/100", memory.Topics);

            // The configs were taken back, so the next pass tries them again beside the pass topic (the only change).
            audience.Show(Of([Guest("home", 100, Level.Production, CheckStatus.Fail)], [], minute: 5));
            var next = await memory.WaitForBatchesAsync(3);
            Assert.Equal(["selfhostsync/pass"], next.Where(c => !c.Key.EndsWith("/config", StringComparison.Ordinal)).Select(c => c.Key));
            Assert.Equal(13, next.Count(c => c.Key.EndsWith("/config", StringComparison.Ordinal)));
            await memory.WaitForBatchesAsync(4);
            Assert.DoesNotContain(memory.Topics, t => t.EndsWith("/config", StringComparison.Ordinal));
        }

        Assert.Equal(
            2,
            log.Count(l => l.StartsWith("Warning: Home Assistant: the broker refused 13 messages (first homeassistant/", StringComparison.Ordinal))
        );
    }

    [Fact]
    public async Task RunAsync_BrokerGoesAwayAsAPassIsHandedOver_ShowsItOnceTheBrokerIsBack()
    {
        await using var broker = await Mosquitto.StartAsync(tls: false);
        var memory = new Memory();
        var log = new Lines();
        await using (var audience = Running(broker, memory, log: log))
        {
            audience.Show(Of(Guest("home", 100, Level.Production, CheckStatus.Fail)));
            await memory.WaitForBatchesAsync(1);
            for (var minute = 1; minute <= 3; minute++)
            {
                // Handed over while the client is still tearing the dropped connection down.
                await broker.StopAsync();
                audience.Show(Of([Guest("home", 100, Level.Production, CheckStatus.Fail)], [], minute));
                await broker.StartAgainAsync();
                await using var view = await RetainedView.ConnectAsync(broker);
                await view.WaitAsync($"the pass of minute {minute} after the broker came back", r =>
                    r.GetValueOrDefault("selfhostsync/pass")
                        ?.Contains($"\"finished_at\":\"2026-12-03T08:0{minute}:05+00:00\"", StringComparison.Ordinal) == true
                    && r.ContainsKey("homeassistant/binary_sensor/selfhostsync/home_100/config")
                );
            }
        }

        // Each drop is a plain reconnect: nothing errs, and nothing falls through to the catch-all.
        Assert.DoesNotContain(log, l => l.StartsWith("Error", StringComparison.Ordinal) || l.EndsWith("; trying again", StringComparison.Ordinal));
    }

    private static RunningAudience Running(Mosquitto broker, Memory memory, string password = Mosquitto.Password, Lines? log = null)
    {
        var settings = new HomeAssistantSettings
        {
            Host = "127.0.0.1",
            Port = broker.Port,
            Tls = false,
            Username = Mosquitto.Username,
            Password = password,
        };
        return new RunningAudience(
            new MqttAudience(settings, memory, TimeProvider.System, (ILogger<MqttAudience>?)log ?? NullLogger<MqttAudience>.Instance)
        );
    }

    /// <summary>An audience running until disposed (then it says offline and stops).</summary>
    private sealed class RunningAudience : IAsyncDisposable
    {
        private readonly MqttAudience _audience;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        public RunningAudience(MqttAudience audience)
        {
            _audience = audience;
            _running = audience.RunAsync(_stop.Token);
        }

        public void Show(RunReport report) => _audience.Show(report);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
            _audience.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>What the audience logged, as "Level: message".</summary>
    private sealed class Lines : ConcurrentQueue<string>, ILogger<MqttAudience>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Enqueue($"{logLevel}: {formatter(state, exception)}");
    }

    /// <summary>The state store's part: what stands on the broker, and each batch recorded.</summary>
    private sealed class Memory : IAudienceMemory
    {
        private readonly ConcurrentDictionary<string, string> _retained = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<IReadOnlyList<KeyValuePair<string, string?>>> _batches = new();

        public IEnumerable<string> Topics => _retained.Keys;

        public Task<IReadOnlyDictionary<string, string>> LoadAsync(string audience, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(_retained, StringComparer.Ordinal));

        public Task SaveAsync(string audience, IReadOnlyList<KeyValuePair<string, string?>> changes, CancellationToken cancellationToken)
        {
            foreach (var (topic, payload) in changes)
            {
                if (payload is null)
                {
                    _retained.TryRemove(topic, out _);
                }
                else
                {
                    _retained[topic] = payload;
                }
            }

            // The audience records what it is about to send, then what was cleared or refused: empty records are no news.
            if (changes.Count > 0)
            {
                _batches.Enqueue([.. changes]);
            }

            return Task.CompletedTask;
        }

        /// <summary>The <paramref name="count"/>th batch, once recorded.</summary>
        public async Task<IReadOnlyList<KeyValuePair<string, string?>>> WaitForBatchesAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (_batches.Count < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"batch {count} not recorded within 20 s");
                await Task.Delay(20);
            }

            return _batches.ElementAt(count - 1);
        }
    }
}
