using System.Text.Json;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.HomeAssistant.Discovery;
using SelfHostSync.HomeAssistant.Settings;
using static SelfHostSync.HomeAssistant.Tests.Reports;

namespace SelfHostSync.HomeAssistant.Tests;

public sealed class EstateMessagesTests
{
    private static readonly HomeAssistantSettings Settings = new()
    {
        Host = "broker",
        Port = 1883,
        Tls = false,
    };

    private static readonly EstateMessages Messages = new(Settings);
    private static readonly Dictionary<string, string> Nothing = [];

    private const CheckStatus P = CheckStatus.Pass;
    private const CheckStatus F = CheckStatus.Fail;
    private const CheckStatus U = CheckStatus.Unknown;
    private const CheckStatus W = CheckStatus.Warn;

    public static TheoryData<CheckStatus[], string?, string> States =>
        new()
        {
            { [P, P, P], null, "OFF" },
            { [P, W, P], null, "OFF" },
            { [P, F, P], null, "ON" },
            { [U, F, P], "OFF", "ON" },
            { [P, U, P], "ON", "ON" },
            { [P, U, P], "OFF", "OFF" },
            { [P, U, P], null, "None" },
            { [U, U, U], "{not json", "None" },
        };

    [Theory]
    [MemberData(nameof(States))]
    public void GuestState_Checks_FailIsOnPassIsOffUnknownKeepsWhatWasShown(CheckStatus[] checks, string? before, string expected)
    {
        var previous = before is null or "{not json" ? before : $$"""{"state":"{{before}}"}""";

        var state = Parse(EstateMessages.GuestState(Guest("home", 100, Level.Production, checks), previous));

        Assert.Equal(expected, state.GetProperty("state").GetString());
        Assert.Equal(
            [.. checks.Select((s, i) => (s, i)).Where(x => x.s == F).Select(x => CheckIds.GuestChecks[x.i])],
            state.GetProperty("attributes").GetProperty("failing_checks").EnumerateArray().Select(e => e.GetString()!)
        );
    }

    [Fact]
    public void GuestState_FailingCheck_DetailIsAnAttribute()
    {
        var state = Parse(EstateMessages.GuestState(Guest("home", 100, Level.Production, P, F), null));

        var attributes = state.GetProperty("attributes");
        Assert.Equal("backup.fresh is Fail", attributes.GetProperty("failing").GetProperty(CheckIds.BackupFresh).GetString());
        Assert.Equal(
            ("3b", "home", 100),
            (attributes.GetProperty("level").GetString(), attributes.GetProperty("cluster").GetString(), attributes.GetProperty("vmid").GetInt32())
        );
    }

    [Fact]
    public void Of_ConfiguredLevels_OneProblemSensorPerGuestOfThoseLevelsOnly()
    {
        var desired = Messages.Of(
            Of(Guest("home", 100, Level.Production, F), Guest("home", 101, Level.Vps, P), Guest("home", 102, Level.Homelab, F)),
            Nothing
        );

        Assert.Contains("homeassistant/binary_sensor/selfhostsync/home_100/config", desired.Keys);
        Assert.Contains("homeassistant/binary_sensor/selfhostsync/home_101/config", desired.Keys);
        Assert.Contains("selfhostsync/guest/home/101", desired.Keys);
        Assert.DoesNotContain(desired.Keys, t => t.Contains("102", StringComparison.Ordinal));
        var levels = Parse(desired["selfhostsync/levels"]);
        Assert.Equal((1, 1), (levels.GetProperty("3a").GetProperty("guests").GetInt32(), levels.GetProperty("3a").GetProperty("failing").GetInt32()));
        Assert.Equal((1, 0), (levels.GetProperty("2").GetProperty("guests").GetInt32(), levels.GetProperty("2").GetProperty("failing").GetInt32()));
    }

    [Fact]
    public void Of_InventorySystems_CountedAtTheirLevel()
    {
        var report = Of(Guest("home", 100, Level.Production, P)) with { Inventory = [Inventory(Level.Saas, F)] };

        var levels = Parse(Messages.Of(report, Nothing)["selfhostsync/levels"]);

        Assert.Equal((1, 1), (levels.GetProperty("0").GetProperty("guests").GetInt32(), levels.GetProperty("0").GetProperty("failing").GetInt32()));
    }

    [Fact]
    public void Of_ClusterNotRead_KeepsItsGuestsAndTheLevelCounts()
    {
        var first = Messages.Of(Of(Guest("home", 100, Level.Production, F), Guest("away", 200, Level.Production, P)), Nothing);

        var second = Messages.Of(Of([Guest("home", 100, Level.Production, P)], [Unread("away")], minute: 5), first);

        Assert.Equal(
            first["homeassistant/binary_sensor/selfhostsync/away_200/config"],
            second["homeassistant/binary_sensor/selfhostsync/away_200/config"]
        );
        Assert.Equal(first["selfhostsync/guest/away/200"], second["selfhostsync/guest/away/200"]);
        Assert.Equal(first["selfhostsync/levels"], second["selfhostsync/levels"]);
        Assert.Equal("OFF", Parse(second["selfhostsync/guest/home/100"]).GetProperty("state").GetString());
        Assert.True(Parse(second["selfhostsync/pass"]).GetProperty("degraded").GetBoolean());
    }

    [Fact]
    public void Of_SourceWithGapsThatListedItsGuests_CountsAndRemovesAsUsual()
    {
        var first = Messages.Of(Of(Guest("home", 100, Level.Production, F), Guest("home", 101, Level.Production, F)), Nothing);
        var gaps = new SourceReport("pve", "home", false, "storage nas-dumps: offline");

        var second = Messages.Of(Of([Guest("home", 100, Level.Production, U)], [gaps], minute: 5), first);

        Assert.DoesNotContain("selfhostsync/guest/home/101", second.Keys);
        Assert.Equal(1, Parse(second["selfhostsync/levels"]).GetProperty("3b").GetProperty("guests").GetInt32());
        Assert.Equal("ON", Parse(second["selfhostsync/guest/home/100"]).GetProperty("state").GetString());
    }

    [Fact]
    public void Of_LevelUncertainAfterItWasShown_KeepsWhatItShowed()
    {
        var first = Messages.Of(Of(Guest("home", 100, Level.Production, F)), Nothing);

        var second = Messages.Of(Of(Guest("home", 100, Level.Homelab, U) with { LevelCertain = false }), first);

        Assert.Equal(first["selfhostsync/guest/home/100"], second["selfhostsync/guest/home/100"]);
        Assert.Equal(
            first["homeassistant/binary_sensor/selfhostsync/home_100/config"],
            second["homeassistant/binary_sensor/selfhostsync/home_100/config"]
        );
    }

    [Fact]
    public void Of_LevelUncertainNeverShown_NotShownYet()
    {
        var desired = Messages.Of(Of(Guest("home", 100, Level.Production, F) with { LevelCertain = false }), Nothing);

        Assert.DoesNotContain(desired.Keys, t =>
            t.Contains("home_100", StringComparison.Ordinal) || t.Contains("home/100", StringComparison.Ordinal)
        );
    }

    public static TheoryData<CheckStatus[][], int, int> FailingCounts =>
        new()
        {
            // Members' checks now, the failing count shown before, the count shown now.
            {
                [
                    [P],
                    [P],
                ],
                2,
                0
            },
            {
                [
                    [F],
                    [U],
                ],
                2,
                2
            },
            {
                [
                    [F],
                    [U],
                ],
                0,
                1
            },
            {
                [
                    [U],
                    [U],
                ],
                5,
                2
            },
            {
                [
                    [U, F],
                    [P],
                ],
                0,
                1
            },
        };

    [Theory]
    [MemberData(nameof(FailingCounts))]
    public void LevelCounts_MembersWithUnknownChecks_FailingCountKeptWithinWhatIsKnown(CheckStatus[][] members, int before, int expected)
    {
        var report = Of([.. members.Select((checks, i) => Guest("home", 100 + i, Level.Homelab, checks))], []);

        var counts = Parse(EstateMessages.LevelCounts(report, $$$"""{"3a":{"guests":2,"failing":{{{before}}}}}"""));

        Assert.Equal(
            (members.Length, expected),
            (counts.GetProperty("3a").GetProperty("guests").GetInt32(), counts.GetProperty("3a").GetProperty("failing").GetInt32())
        );
    }

    [Fact]
    public void Of_FailingGuestTurnsUnknown_LevelKeepsCountingItAsFailing()
    {
        var first = Messages.Of(Of(Guest("home", 100, Level.Homelab, F), Guest("home", 101, Level.Homelab, P)), Nothing);

        var second = Messages.Of(Of(Guest("home", 100, Level.Homelab, U), Guest("home", 101, Level.Homelab, P)), first);

        Assert.Equal(1, Parse(second["selfhostsync/levels"]).GetProperty("3a").GetProperty("failing").GetInt32());
    }

    [Fact]
    public void LevelCounts_UnknownAndNothingShownBefore_KnownFailuresOnly()
    {
        var counts = Parse(EstateMessages.LevelCounts(Of(Guest("home", 100, Level.Homelab, U), Guest("home", 101, Level.Homelab, F)), null));

        Assert.Equal(1, counts.GetProperty("3a").GetProperty("failing").GetInt32());
    }

    [Fact]
    public void Of_LevelLeftTheConfiguredOnes_GuestIsNotShown()
    {
        var first = Messages.Of(Of(Guest("home", 100, Level.Production, F)), Nothing);

        var second = Messages.Of(Of(Guest("home", 100, Level.Homelab, F)), first);

        Assert.DoesNotContain(second.Keys, t => t.Contains("home_100", StringComparison.Ordinal) || t.Contains("home/100", StringComparison.Ordinal));
    }

    [Fact]
    public void Of_SameReportTwice_SamePayloads()
    {
        var report = Of(Guest("home", 100, Level.Production, F), Guest("away", 7, Level.Vps, P, U));

        Assert.Equal(Messages.Of(report, Nothing), Messages.Of(report, Nothing));
    }

    [Theory]
    [InlineData("mqtt://broker.lan", "broker.lan", 1883, "mqtt://broker.lan:1883")]
    [InlineData("mqtts://broker.lan", "broker.lan", 8883, "mqtts://broker.lan:8883")]
    [InlineData("mqtts://10.0.0.5:9883", "10.0.0.5", 9883, "mqtts://10.0.0.5:9883")]
    [InlineData("mqtt://[::1]:1884", "::1", 1884, "mqtt://[::1]:1884")]
    public void From_BrokerUrl_HostPortAndHowLogsNameIt(string url, string host, int port, string broker)
    {
        var options = new HomeAssistantAreaOptions { HomeAssistant = new HomeAssistantOptions { Broker = url } };

        var settings = HomeAssistantSettings.From(options, new Http.Settings.SecretFiles("/nonexistent"), [])!;

        Assert.Equal((host, port, broker, broker), (settings.Host, settings.Port, settings.Broker, settings.ToString()));
    }

    [Fact]
    public void ToString_WithPassword_NamesOnlyTheBroker()
    {
        var settings = Settings with { Username = "u", Password = "mqtt-secret" };

        Assert.DoesNotContain("mqtt-secret", settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("homelab", "homelab")]
    [InlineData("home_lab", "home_lab")]
    [InlineData("Home Lab", "home_lab_")]
    [InlineData("home.lab", "home_lab_")]
    public void Slug_ClusterName_SafeForTopicsAndChangedNamesHashed(string cluster, string prefix)
    {
        var slug = HomeAssistantTopics.Slug(cluster);

        Assert.StartsWith(prefix, slug, StringComparison.Ordinal);
        Assert.Equal(prefix.EndsWith('_') ? prefix.Length + 6 : prefix.Length, slug.Length);
        Assert.All(slug, c => Assert.True(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'));
    }

    [Fact]
    public void Slug_TwoNamesThatLookAlike_NeverMeet()
    {
        Assert.NotEqual(HomeAssistantTopics.Slug("home.lab"), HomeAssistantTopics.Slug("home lab"));
        Assert.NotEqual(HomeAssistantTopics.Slug("home.lab"), HomeAssistantTopics.Slug("home_lab"));
    }

    [Theory]
    [InlineData("selfhostsync/guest/home/100", "home", true)]
    [InlineData("homeassistant/binary_sensor/selfhostsync/home_100/config", "home", true)]
    [InlineData("homeassistant/binary_sensor/selfhostsync/home_lab_100/config", "home", false)]
    [InlineData("selfhostsync/guest/home_lab/100", "home", false)]
    [InlineData("homeassistant/binary_sensor/selfhostsync/sources/config", "home", false)]
    [InlineData("homeassistant/binary_sensor/selfhostsync/home_lab_100/config", "home_lab", true)]
    public void IsGuestTopicOf_Topic_OnlyThatClustersGuests(string topic, string cluster, bool expected) =>
        Assert.Equal(expected, Messages.Topics.IsGuestTopicOf(topic, cluster));

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
