using System.Text.Json;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// <c>Tags.ColorMap</c> / <c>Tags.Register</c>: merge our colours into <c>tag-style</c> and our names into
/// <c>registered-tags</c> of each cluster's <c>/cluster/options</c>, keeping every other entry; write only when
/// something differs. GET returns both parsed (object / array); PUT takes property strings.
/// </summary>
internal sealed class PveTagStyleWriter(IReadOnlyList<(PveCluster Cluster, IPveApi Api)> clusters) : ITagStyleWriter
{
    /// <summary>One outcome per cluster, in name order; a cluster that refuses does not stop the others.</summary>
    public async Task<IReadOnlyList<TagStyleOutcome>> ApplyAsync(
        TagVocabulary vocabulary,
        bool colorMap,
        bool register,
        CancellationToken cancellationToken
    )
    {
        var results = new List<TagStyleOutcome>();
        foreach (var (cluster, api) in clusters.OrderBy(c => c.Cluster.Name, StringComparer.Ordinal))
        {
            try
            {
                results.Add(
                    new TagStyleOutcome(cluster.Name, true, await ApplyAsync(cluster, api, vocabulary, colorMap, register, cancellationToken))
                );
            }
            catch (ProxmoxApiException ex)
            {
                results.Add(new TagStyleOutcome(cluster.Name, false, ex.Message));
            }
        }

        return results;
    }

    private static async Task<string> ApplyAsync(
        PveCluster cluster,
        IPveApi api,
        TagVocabulary vocabulary,
        bool colorMap,
        bool register,
        CancellationToken cancellationToken
    )
    {
        var endpoint = cluster.Endpoint;
        const string What = "GET /cluster/options";
        var options = await ProxmoxClients.Call(endpoint, What, async () =>
            ProxmoxClients.Require(endpoint, What, (await api.GetClusterOptionsAsync(cancellationToken)).Data)
        );
        var form = new Dictionary<string, string>(StringComparer.Ordinal);

        if (colorMap)
        {
            var style = StyleOf(options.GetValueOrDefault("tag-style"));
            var existing = style.GetValueOrDefault("color-map");
            var merged = TagStyle.MergeColorMap(existing, vocabulary);
            if (!string.Equals(existing, merged, StringComparison.Ordinal))
            {
                style["color-map"] = merged;
                form["tag-style"] = string.Join(',', style.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
            }
        }

        if (register)
        {
            var existing = ListOf(options.GetValueOrDefault("registered-tags"));
            var merged = TagStyle.MergeRegistered(existing, vocabulary);
            if (merged.Count != existing.Count)
            {
                form["registered-tags"] = string.Join(';', merged);
            }
        }

        if (form.Count == 0)
        {
            return "tag options already current";
        }

        await ProxmoxClients.Call(endpoint, "PUT /cluster/options", () => api.PutClusterOptionsAsync(form, cancellationToken));
        return $"updated {string.Join(" and ", form.Keys)}";
    }

    /// <summary>The tag-style keys as property-string values, whether PVE sent an object or a string.</summary>
    internal static Dictionary<string, string> StyleOf(JsonElement value)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in value.EnumerateObject())
            {
                map[p.Name] = p.Value.ValueKind switch
                {
                    JsonValueKind.True => "1",
                    JsonValueKind.False => "0",
                    JsonValueKind.String => p.Value.GetString()!,
                    _ => p.Value.GetRawText(),
                };
            }
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            foreach (var part in value.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    map[part[..eq]] = part[(eq + 1)..];
                }
            }
        }

        return map;
    }

    private static List<string> ListOf(JsonElement value) =>
        value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList(),
            JsonValueKind.String => TagList.Parse(value.GetString()).ToList(),
            _ => [],
        };
}
