using System.Reflection;
using System.Text.Json.Nodes;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.HomeAssistant.Discovery;

/// <summary>
/// The discovery configs Home Assistant's MQTT integration reads: one device "SelfHostSync"; per level a sensor of its
/// guests and one of the failing ones; a problem sensor for the sources and a timestamp of the last pass; one problem
/// sensor per guest of the configured levels. Every entity is unavailable while the daemon is not connected (the last will).
/// </summary>
internal sealed class DiscoveryConfigs(HomeAssistantTopics topics)
{
    private static readonly string Version = (
        typeof(DiscoveryConfigs).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0"
    ).Split('+')[0];

    public IEnumerable<KeyValuePair<string, string>> DeviceEntities()
    {
        foreach (var level in LevelCodes.All)
        {
            var code = level.ToCode();
            yield return Sensor($"level_{code}_guests", $"Level {code} guests", "guests", $"{{{{ value_json['{code}'].guests }}}}", "mdi:server");
            yield return Sensor(
                $"level_{code}_failing",
                $"Level {code} failing",
                "guests",
                $"{{{{ value_json['{code}'].failing }}}}",
                "mdi:server-off"
            );
        }

        var sources = Entity("sources", "Sources", topics.Pass);
        sources["device_class"] = "problem";
        sources["value_template"] = "{{ 'ON' if value_json.degraded else 'OFF' }}";
        sources["json_attributes_topic"] = topics.Pass;
        sources["json_attributes_template"] = "{{ {'failed': value_json.failed} | tojson }}";
        yield return KeyValuePair.Create(topics.Config("binary_sensor", "sources"), sources.ToJsonString(MqttPayloads.Json));

        var last = Entity("last_pass", "Last pass", topics.Pass);
        last["device_class"] = "timestamp";
        last["value_template"] = "{{ value_json.finished_at }}";
        last["entity_category"] = "diagnostic";
        yield return KeyValuePair.Create(topics.Config("sensor", "last_pass"), last.ToJsonString(MqttPayloads.Json));
    }

    public string Guest(string cluster, int vmid, string? name)
    {
        var entity = Entity(
            HomeAssistantTopics.GuestObjectId(cluster, vmid),
            $"{name ?? $"VM {vmid}"} ({cluster}/{vmid})",
            topics.GuestState(cluster, vmid)
        );
        entity["device_class"] = "problem";
        entity["value_template"] = "{{ value_json.state }}";
        entity["json_attributes_topic"] = topics.GuestState(cluster, vmid);
        entity["json_attributes_template"] = "{{ value_json.attributes | tojson }}";
        entity["icon"] = "mdi:backup-restore";
        return entity.ToJsonString(MqttPayloads.Json);
    }

    private KeyValuePair<string, string> Sensor(string objectId, string name, string unit, string template, string icon)
    {
        var entity = Entity(objectId, name, topics.Levels);
        entity["value_template"] = template;
        entity["unit_of_measurement"] = unit;
        entity["state_class"] = "measurement";
        entity["icon"] = icon;
        return KeyValuePair.Create(topics.Config("sensor", objectId), entity.ToJsonString(MqttPayloads.Json));
    }

    private JsonObject Entity(string objectId, string name, string stateTopic) =>
        new()
        {
            ["name"] = name,
            ["unique_id"] = topics.UniqueId(objectId),
            ["state_topic"] = stateTopic,
            ["availability_topic"] = topics.Availability,
            ["payload_available"] = MqttPayloads.Online,
            ["payload_not_available"] = MqttPayloads.Offline,
            ["device"] = new JsonObject
            {
                ["identifiers"] = new JsonArray(topics.NodeId),
                ["name"] = "SelfHostSync",
                ["manufacturer"] = "SelfHostSync",
                ["model"] = "Self-hosting responsibility matrix",
                ["sw_version"] = Version,
            },
            ["origin"] = new JsonObject { ["name"] = "SelfHostSync", ["sw_version"] = Version },
        };
}

/// <summary>The availability payloads (Home Assistant's defaults, named in every config anyway).</summary>
internal static class MqttPayloads
{
    public const string Online = "online";

    public const string Offline = "offline";

    /// <summary>Payloads as written (no <c>\u002B</c> for a time zone's +, names readable in MQTT tools); never embedded in HTML.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
