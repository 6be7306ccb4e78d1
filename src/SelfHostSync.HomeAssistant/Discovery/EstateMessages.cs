using System.Text.Json;
using System.Text.Json.Nodes;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.HomeAssistant.Settings;

namespace SelfHostSync.HomeAssistant.Discovery;

/// <summary>
/// Every retained message one pass stands for (topic → payload). What the pass could not read is not shown as gone
/// (DESIGN §8): the guests of a cluster that was not read keep their entities and states, the level counts stay as
/// they were while a cluster's guest list is unread, a level's failing count does not drop for members whose checks are
/// unknown, a guest whose level is uncertain keeps what it showed (and is not shown for the first time), and a guest
/// whose checks pass except some that are unknown keeps the state it showed (or none, the first time).
/// </summary>
internal sealed class EstateMessages
{
    private readonly HomeAssistantSettings _settings;
    private readonly HomeAssistantTopics _topics;
    private readonly DiscoveryConfigs _configs;

    public EstateMessages(HomeAssistantSettings settings)
    {
        _settings = settings;
        _topics = new HomeAssistantTopics(settings);
        _configs = new DiscoveryConfigs(_topics);
    }

    public HomeAssistantTopics Topics => _topics;

    /// <param name="report">The newest pass.</param>
    /// <param name="published">What stands on the broker now (from earlier passes and processes).</param>
    public Dictionary<string, string> Of(RunReport report, IReadOnlyDictionary<string, string> published)
    {
        var desired = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (topic, payload) in _configs.DeviceEntities())
        {
            desired[topic] = payload;
        }

        desired[_topics.Pass] = PassState(report);
        var unread = UnreadClusters(report);
        if (unread.Count == 0)
        {
            desired[_topics.Levels] = LevelCounts(report, published.GetValueOrDefault(_topics.Levels));
        }
        else
        {
            Keep(_topics.Levels);
        }

        foreach (var guest in report.Guests)
        {
            var state = _topics.GuestState(guest.Cluster, guest.Vmid);
            var config = _topics.GuestConfig(guest.Cluster, guest.Vmid);
            if (!guest.LevelCertain)
            {
                // Its level may change once the unread signals are read: it keeps what it showed, or stays unshown.
                Keep(config);
                Keep(state);
            }
            else if (_settings.Levels.Contains(guest.Level))
            {
                desired[config] = _configs.Guest(guest.Cluster, guest.Vmid, guest.Name);
                desired[state] = GuestState(guest, published.GetValueOrDefault(state));
            }
        }

        foreach (var topic in published.Keys.Where(t => unread.Any(cluster => _topics.IsGuestTopicOf(t, cluster))))
        {
            Keep(topic);
        }

        return desired;

        void Keep(string topic)
        {
            if (published.TryGetValue(topic, out var payload))
            {
                desired[topic] = payload;
            }
        }
    }

    /// <summary>
    /// Clusters whose guest list was not read: a failed PVE source that gave no guest. A source with gaps (a storage
    /// offline) still lists its guests, and their checks say what is unknown.
    /// </summary>
    internal static List<string> UnreadClusters(RunReport report) =>
        [
            .. report
                .Sources.Where(s => s.Kind == "pve" && !s.Ok)
                .Select(s => s.Name)
                .Where(name => !report.Guests.Any(g => g.Cluster == name) && !report.Skipped.Any(g => g.Cluster == name)),
        ];

    /// <summary>ON when a check fails, OFF when all pass, else the state shown before ("None", unknown to Home Assistant, the first time).</summary>
    internal static string GuestState(GuestReport guest, string? before)
    {
        var failing = guest.Checks.Where(c => c.Status == CheckStatus.Fail).ToList();
        var unknown = guest.Checks.Where(c => c.Status == CheckStatus.Unknown).Select(c => c.Id).ToList();
        var state =
            failing.Count > 0 ? "ON"
            : unknown.Count == 0 ? "OFF"
            : StateIn(before) ?? "None";
        var details = new JsonObject();
        foreach (var check in failing)
        {
            details[check.Id] = check.Detail;
        }

        return new JsonObject
        {
            ["state"] = state,
            ["attributes"] = new JsonObject
            {
                ["level"] = guest.Level.ToCode(),
                ["cluster"] = guest.Cluster,
                ["vmid"] = guest.Vmid,
                ["node"] = guest.Node,
                ["type"] = guest.Type,
                ["failing_checks"] = new JsonArray([.. failing.Select(c => (JsonNode)c.Id)]),
                ["failing"] = details,
                ["unknown_checks"] = new JsonArray([.. unknown.Select(id => (JsonNode)id)]),
            },
        }.ToJsonString(MqttPayloads.Json);
    }

    private static string? StateIn(string? payload) =>
        Shown(payload, node => node["state"]?.GetValue<string>()) is { } state && state is "ON" or "OFF" ? state : null;

    /// <summary>A value of a payload shown before; null when there is none or it cannot be read.</summary>
    private static T? Shown<T>(string? payload, Func<JsonNode, T?> read)
    {
        if (payload is null)
        {
            return default;
        }

        try
        {
            return JsonNode.Parse(payload) is { } node ? read(node) : default;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return default;
        }
    }

    /// <summary>
    /// Guests and inventory systems per level, and how many fail. A member with unknown checks and none failing may be
    /// failing: the level's count then keeps what it showed, within what is known (at least the known failures, at most
    /// those plus the unknown ones).
    /// </summary>
    internal static string LevelCounts(RunReport report, string? before)
    {
        var counts = new JsonObject();
        foreach (var level in LevelCodes.All)
        {
            var members = report
                .Guests.Where(g => g.Level == level)
                .Select(g => g.Checks)
                .Concat(report.Inventory.Where(i => i.Level == level).Select(i => i.Checks))
                .ToList();
            var failing = members.Count(checks => checks.Any(c => c.Status == CheckStatus.Fail));
            var unsure = members.Count(checks => checks.All(c => c.Status != CheckStatus.Fail) && checks.Any(c => c.Status == CheckStatus.Unknown));
            if (unsure > 0)
            {
                failing = Math.Clamp(FailingIn(before, level.ToCode()) ?? failing, failing, failing + unsure);
            }

            counts[level.ToCode()] = new JsonObject { ["guests"] = members.Count, ["failing"] = failing };
        }

        return counts.ToJsonString(MqttPayloads.Json);
    }

    private static int? FailingIn(string? levels, string code) => Shown(levels, node => node[code]?["failing"]?.GetValue<int>());

    private static string PassState(RunReport report)
    {
        var failed = new JsonObject();
        foreach (var source in report.Sources.Where(s => !s.Ok))
        {
            failed[$"{source.Kind}:{source.Name}"] = source.Error;
        }

        return new JsonObject
        {
            ["run_id"] = report.RunId,
            ["degraded"] = report.Degraded,
            ["finished_at"] = report
                .FinishedAt.ToUniversalTime()
                .ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", System.Globalization.CultureInfo.InvariantCulture),
            ["guests"] = report.Guests.Count,
            ["failed"] = failed,
        }.ToJsonString(MqttPayloads.Json);
    }
}
