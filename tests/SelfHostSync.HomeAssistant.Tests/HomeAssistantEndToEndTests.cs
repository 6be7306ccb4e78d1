using System.Net.Http.Json;
using System.Text.Json;

namespace SelfHostSync.HomeAssistant.Tests;

/// <summary>
/// The daemon against the demo lab and Debian's mosquitto (TLS, user and password from a secret file): what Home
/// Assistant's MQTT integration would find on the broker, how it follows the estate, and a broker restart.
/// </summary>
public sealed class HomeAssistantEndToEndTests
{
    private const string Status = "selfhostsync/status";
    private const string Levels = "selfhostsync/levels";

    [Fact]
    public async Task Daemon_DemoLab_PublishesDiscoveryFollowsTheEstateAndSurvivesABrokerRestart()
    {
        await using var broker = await Mosquitto.StartAsync(tls: true);
        await using var daemon = await DaemonProcess.StartAsync(editConfig: text =>
            text.Replace(
                "\"StateDirectory\":",
                $$"""
                "HomeAssistant": { "Broker": "{{broker.Url}}", "Username": "{{Mosquitto.Username}}", "PasswordFile": "{{broker.PasswordFile}}", "Fingerprint": "{{broker.Fingerprint}}" }, "StateDirectory":
                """,
                StringComparison.Ordinal
            )
        );
        await using (var view = await RetainedView.ConnectAsync(broker))
        {
            await view.WaitAsync("the first pass", r => r.GetValueOrDefault(Status) == "online" && r.ContainsKey("selfhostsync/pass"));
            var guests = await GuestsAsync(daemon);
            await view.WaitAsync("every level-3b and level-2 guest of the demo lab", r => Shown(r).SetEquals(Expected(guests)));
            AssertGuestsAsReported(view, guests);
            AssertDeviceEntities(view);
            // The level sensors count as the dashboard's matrix does: guests and inventory systems.
            var levels = view.Json(Levels);
            using (var status = await daemon.Http.GetFromJsonAsync<JsonDocument>("api/status"))
            {
                foreach (var level in status!.RootElement.GetProperty("levels").EnumerateObject())
                {
                    Assert.Equal(level.Value.GetInt32(), levels.GetProperty(level.Name).GetProperty("guests").GetInt32());
                }
            }

            Assert.Equal(guests.Count(g => g.Level == "3b" && g.Failing.Count > 0), levels.GetProperty("3b").GetProperty("failing").GetInt32());

            // doctor checks the same broker with the same login, TLS pin and ACL.
            var (_, doctor, _) = await Executable.RunAsync("doctor", "--config", daemon.Run.ConfigPath);
            Assert.Contains($"ok      HomeAssistant mqtts://127.0.0.1:{broker.Port}: connected as selfhostsync;", doctor, StringComparison.Ordinal);

            // An operator tags the scratch host prod instead of wipe: it becomes production, and Home Assistant gets its problem sensor.
            daemon.Run.Lab.Cluster("homelab").SetTags(110, "prod");
            await SyncAsync(daemon);
            var production = levels.GetProperty("3b").GetProperty("guests").GetInt32();
            var was = guests.Single(g => g.Cluster == "homelab" && g.Vmid == 110).Level;
            Assert.NotEqual("3b", was);
            await view.WaitAsync("homelab/110 shown at level 3b", r =>
                r.ContainsKey(Config("homelab_110")) && view.Json(Levels).GetProperty("3b").GetProperty("guests").GetInt32() == production + 1
            );
            Assert.Equal("ON", view.Json(State("homelab", 110)).GetProperty("state").GetString());
            Assert.Equal("3b", view.Json(State("homelab", 110)).GetProperty("attributes").GetProperty("level").GetString());
            Assert.Equal(
                levels.GetProperty(was).GetProperty("guests").GetInt32() - 1,
                view.Json(Levels).GetProperty(was).GetProperty("guests").GetInt32()
            );

            // A guest is destroyed: its entity is taken away (an empty retained config), and its state with it.
            daemon.Run.Lab.Cluster("rented").Destroy(101);
            await SyncAsync(daemon);
            await view.WaitAsync("rented/101 taken away", r => !r.ContainsKey(Config("rented_101")) && !r.ContainsKey(State("rented", 101)));
            Assert.Contains(view.Received, m => m.Topic == Config("rented_101") && m.Payload.Length == 0);

            // One more pass, and its pass topic: every round before it has ended (rounds go one at a time).
            var before = view.Json("selfhostsync/pass").GetProperty("run_id").GetString();
            await SyncAsync(daemon);
            await view.WaitAsync("one more pass", r => view.Json("selfhostsync/pass").GetProperty("run_id").GetString() != before);

            // Only what changed was published after the first pass: an unchanged guest's config and state came once.
            Assert.Equal(1, view.CountOf(Config("rented_100")));
            Assert.Equal(1, view.CountOf(State("rented", 100)));
        }

        // The broker restarts without a persistence file and forgets every retained message; the daemon reconnects
        // and publishes everything that stands again, and nothing that was taken away.
        await broker.StopAsync();
        await broker.StartAgainAsync();
        await using var after = await RetainedView.ConnectAsync(broker);
        await after.WaitAsync(
            "everything again after the broker restart",
            r =>
                r.GetValueOrDefault(Status) == "online"
                && r.ContainsKey(Config("homelab_110"))
                && r.ContainsKey(Config("homelab_100"))
                && r.ContainsKey(Levels),
            seconds: 60
        );
        Assert.False(after.Retained.ContainsKey(Config("rented_101")));
        Assert.Equal("ON", after.Json(State("homelab", 110)).GetProperty("state").GetString());

        // The daemon dies without a word: the broker publishes its last will, and Home Assistant marks every entity unavailable.
        daemon.Process.Kill();
        await after.WaitAsync("the last will", r => r.GetValueOrDefault(Status) == "offline");
    }

    private static string Config(string objectId) => $"homeassistant/binary_sensor/selfhostsync/{objectId}/config";

    private static string State(string cluster, int vmid) => $"selfhostsync/guest/{cluster}/{vmid}";

    private static HashSet<string> Shown(IReadOnlyDictionary<string, string> retained) =>
        [
            .. retained.Keys.Where(t =>
                t.StartsWith("homeassistant/binary_sensor/selfhostsync/", StringComparison.Ordinal)
                && !t.EndsWith("/sources/config", StringComparison.Ordinal)
            ),
        ];

    private static HashSet<string> Expected(IEnumerable<ReportedGuest> guests) =>
        [.. guests.Where(g => g.Level is "3b" or "2").Select(g => Config($"{g.Cluster}_{g.Vmid}"))];

    private static void AssertGuestsAsReported(RetainedView view, IReadOnlyList<ReportedGuest> guests)
    {
        foreach (var guest in guests.Where(g => g.Level is "3b" or "2"))
        {
            var config = view.Json(Config($"{guest.Cluster}_{guest.Vmid}"));
            Assert.Equal("problem", config.GetProperty("device_class").GetString());
            Assert.Equal($"selfhostsync_{guest.Cluster}_{guest.Vmid}", config.GetProperty("unique_id").GetString());
            Assert.Equal(State(guest.Cluster, guest.Vmid), config.GetProperty("state_topic").GetString());
            Assert.Equal(Status, config.GetProperty("availability_topic").GetString());
            Assert.Equal("selfhostsync", config.GetProperty("device").GetProperty("identifiers")[0].GetString());
            Assert.StartsWith(guest.Name ?? "VM", config.GetProperty("name").GetString(), StringComparison.Ordinal);

            var state = view.Json(State(guest.Cluster, guest.Vmid));
            Assert.Equal(guest.Failing.Count > 0 ? "ON" : "OFF", state.GetProperty("state").GetString());
            var attributes = state.GetProperty("attributes");
            Assert.Equal(guest.Failing, [.. attributes.GetProperty("failing_checks").EnumerateArray().Select(c => c.GetString()!)]);
            foreach (var id in guest.Failing)
            {
                Assert.False(string.IsNullOrEmpty(attributes.GetProperty("failing").GetProperty(id).GetString()));
            }

            Assert.Equal(guest.Level, attributes.GetProperty("level").GetString());
        }
    }

    private static void AssertDeviceEntities(RetainedView view)
    {
        foreach (var level in new[] { "0", "1", "2", "3a", "3b" })
        {
            foreach (var kind in new[] { "guests", "failing" })
            {
                var config = view.Json($"homeassistant/sensor/selfhostsync/level_{level}_{kind}/config");
                Assert.Equal(Levels, config.GetProperty("state_topic").GetString());
                Assert.Equal($"{{{{ value_json['{level}'].{kind} }}}}", config.GetProperty("value_template").GetString());
            }
        }

        Assert.Equal("problem", view.Json("homeassistant/binary_sensor/selfhostsync/sources/config").GetProperty("device_class").GetString());
        Assert.Equal("timestamp", view.Json("homeassistant/sensor/selfhostsync/last_pass/config").GetProperty("device_class").GetString());
        Assert.False(view.Json("selfhostsync/pass").GetProperty("degraded").GetBoolean());
    }

    private static async Task SyncAsync(DaemonProcess daemon)
    {
        using var response = await daemon.Http.PostAsync("api/sync", null);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<List<ReportedGuest>> GuestsAsync(DaemonProcess daemon)
    {
        using var document = await daemon.Http.GetFromJsonAsync<JsonDocument>("api/guests");
        return
        [
            .. document!
                .RootElement.EnumerateArray()
                .Select(g => new ReportedGuest(
                    g.GetProperty("cluster").GetString()!,
                    g.GetProperty("vmid").GetInt32(),
                    g.TryGetProperty("name", out var name) ? name.GetString() : null,
                    g.GetProperty("level").GetString()!,
                    [
                        .. g.GetProperty("checks")
                            .EnumerateArray()
                            .Where(c => c.GetProperty("status").GetString() == "fail")
                            .Select(c => c.GetProperty("id").GetString()!),
                    ]
                )),
        ];
    }

    private sealed record ReportedGuest(string Cluster, int Vmid, string? Name, string Level, List<string> Failing);
}
