using System.Security.Cryptography;
using System.Text;
using SelfHostSync.HomeAssistant.Settings;

namespace SelfHostSync.HomeAssistant.Discovery;

/// <summary>
/// Where everything goes on the broker. Discovery configs follow Home Assistant's
/// <c>&lt;prefix&gt;/&lt;component&gt;/&lt;node_id&gt;/&lt;object_id&gt;/config</c>; states live under the node id:
/// <c>selfhostsync/status</c> (availability and last will), <c>selfhostsync/levels</c>, <c>selfhostsync/pass</c> and
/// <c>selfhostsync/guest/&lt;cluster&gt;/&lt;vmid&gt;</c>.
/// </summary>
internal sealed class HomeAssistantTopics(HomeAssistantSettings settings)
{
    public string NodeId => settings.NodeId;

    public string Availability => $"{settings.NodeId}/status";

    public string Levels => $"{settings.NodeId}/levels";

    public string Pass => $"{settings.NodeId}/pass";

    public string GuestState(string cluster, int vmid) => $"{GuestStates(cluster)}{vmid}";

    public string GuestConfig(string cluster, int vmid) => Config("binary_sensor", GuestObjectId(cluster, vmid));

    public string Config(string component, string objectId) => $"{settings.DiscoveryPrefix}/{component}/{settings.NodeId}/{objectId}/config";

    /// <summary>Whether a topic is one of a cluster's guests (its state or its discovery config).</summary>
    public bool IsGuestTopicOf(string topic, string cluster)
    {
        if (topic.StartsWith(GuestStates(cluster), StringComparison.Ordinal))
        {
            return IsVmid(topic.AsSpan(GuestStates(cluster).Length));
        }

        var configs = $"{settings.DiscoveryPrefix}/binary_sensor/{settings.NodeId}/{Slug(cluster)}_";
        return topic.StartsWith(configs, StringComparison.Ordinal)
            && topic.EndsWith("/config", StringComparison.Ordinal)
            && IsVmid(topic.AsSpan(configs.Length, topic.Length - configs.Length - "/config".Length));
    }

    public static string GuestObjectId(string cluster, int vmid) => $"{Slug(cluster)}_{vmid}";

    public string UniqueId(string objectId) => $"{settings.NodeId}_{objectId}";

    /// <summary>
    /// A cluster name as a topic level and in object ids: lower-case letters, digits and _ (Home Assistant's rule);
    /// a name that had to change gets a short hash of the original, so two names never meet in one slug.
    /// </summary>
    public static string Slug(string cluster)
    {
        var slug = new string([.. cluster.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_')]);
        return slug == cluster && slug.Length > 0
            ? slug
            : $"{slug}_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cluster)))[..6]}";
    }

    private string GuestStates(string cluster) => $"{settings.NodeId}/guest/{Slug(cluster)}/";

    private static bool IsVmid(ReadOnlySpan<char> text) => text.Length > 0 && int.TryParse(text, System.Globalization.NumberStyles.None, null, out _);
}
