using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// Writes the managed tag subset: the change applied to the tags of a config read, and a PUT of <c>tags</c> (or
/// <c>delete=tags</c>) with that read's digest. The read is the one this pass made to collect evidence when there is
/// one (a cached config from an earlier pass is read afresh; a refused digest is planned again once on a fresh read).
/// Never <c>skiplock</c>, never another setting.
/// </summary>
internal sealed class PveTagWriter(IReadOnlyDictionary<string, PveClusterGateway> clusters) : ITagWriter
{
    public async Task<TagWriteOutcome> WriteAsync(Guest guest, TagChange change, CancellationToken cancellationToken)
    {
        if (!clusters.TryGetValue(guest.Key.Cluster, out var cluster))
        {
            return new TagWriteOutcome(TagWriteStatus.Failed, guest.Tags, guest.Tags, $"cluster {guest.Key.Cluster} is not configured");
        }

        // The read this pass made to collect evidence, when there is one. Its digest may be refused: the config changed
        // since (a backup's lock came and went, someone edited it). Then the write is planned again once on a fresh read,
        // the same change applied to the tags as they are now (an edit is never overwritten); a second refusal is a
        // conflict, read and planned again next pass.
        var lent = cluster.TakeReadThisPass(guest.Key.Vmid);
        var outcome = await WriteOnceAsync(cluster, guest, change, lent, cancellationToken);
        return outcome.Status == TagWriteStatus.Conflict && lent is not null
            ? await WriteOnceAsync(cluster, guest, change, null, cancellationToken)
            : outcome;
    }

    private static async Task<TagWriteOutcome> WriteOnceAsync(
        PveClusterGateway cluster,
        Guest guest,
        TagChange change,
        PveClusterGateway.ConfigRead? read,
        CancellationToken cancellationToken
    )
    {
        var type = guest.TypeCode;
        IReadOnlyList<string> before = guest.Tags;
        try
        {
            var config = read ?? PveClusterGateway.ConfigRead.Of(await cluster.ReadConfigAsync(guest.Node, type, guest.Key.Vmid, cancellationToken));
            before = TagList.Parse(config.Tags);
            if (config.Lock is { Length: > 0 } held)
            {
                return new TagWriteOutcome(TagWriteStatus.Locked, before, before, $"guest is locked ({held})");
            }

            var after = TagPlanner.Apply(before, change);
            if (TagList.SetEquals(before, after))
            {
                return new TagWriteOutcome(TagWriteStatus.Unchanged, before, before);
            }

            var digest = config.Digest;
            if (digest is null)
            {
                return new TagWriteOutcome(TagWriteStatus.Failed, before, before, "config read returned no digest; refusing to write without one");
            }

            var form = new Dictionary<string, string>(StringComparer.Ordinal) { ["digest"] = digest };
            if (after.Count == 0)
            {
                form["delete"] = "tags";
            }
            else
            {
                form["tags"] = TagList.Format(after);
            }

            await cluster.PutConfigAsync(guest.Node, type, guest.Key.Vmid, form, cancellationToken);
            return new TagWriteOutcome(TagWriteStatus.Written, before, after);
        }
        catch (ProxmoxApiException ex)
        {
            var status = ex.Kind switch
            {
                ProxmoxErrorKind.DigestConflict => TagWriteStatus.Conflict,
                ProxmoxErrorKind.Locked => TagWriteStatus.Locked,
                _ => TagWriteStatus.Failed,
            };
            return new TagWriteOutcome(status, before, before, ex.Message);
        }
    }
}
