using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// <c>PUT /nodes/{node}/storage/{storage}/content/{volume}</c> with <c>protected</c>, as pve-storage answers it
/// (<c>API2/Storage/Content.pm</c> <c>updateattributes</c>): the path takes the rest of the URI as the volume (escaped
/// or not); the volume id must name the storage; <c>check_volume_access</c> (Datastore.Allocate, or AllocateSpace on the
/// storage and VM.Backup on the owner); then <c>update_volume_attribute</c>: the limit of protected backups per guest
/// (<c>max-protected-backups</c>, default unlimited with Datastore.Allocate, else 5) and the plugin: a PBS storage sets
/// the snapshot's flag on its backup server, a file storage its <c>.protected</c> file.
/// </summary>
internal sealed class PveVolumeAttributes(PveClusterState s)
{
    public void Map(RouteGroupBuilder api) =>
        api.MapPut("/nodes/{node}/storage/{storage}/content/{**volume}", async (HttpContext ctx, string node, string storage, string volume) =>
        {
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);

            // real_volume_id: a volume without a storage prefix is taken as on the path's storage.
            var volid = Uri.UnescapeDataString(volume);
            volid = volid.Contains(':', StringComparison.Ordinal) ? volid : $"{storage}:{volid}";
            if (volid.Split(':')[0] != storage)
            {
                return Invalid(ctx, "volume", $"storage ID mismatch ({volid.Split(':')[0]} != {storage})");
            }

            var spec = s.Spec.Storages.FirstOrDefault(x => x.Storage == storage);
            if (spec is null)
            {
                LabResults.Error(ctx, 500, $"storage '{storage}' does not exist");
                return Results.Empty;
            }

            bool? value = form.TryGetValue("protected", out var raw)
                ? raw.ToString().ToLowerInvariant() switch
                {
                    "1" or "true" or "yes" or "on" => true,
                    "0" or "false" or "no" or "off" => false,
                    _ => null,
                }
                : null;
            if (form.ContainsKey("protected") && value is null)
            {
                // JSONSchema check of a boolean parameter (pve-common): 400 before the handler runs.
                return Invalid(ctx, "protected", "type check ('boolean') failed");
            }

            var item = s.Content.Of(spec, node, "backup").OfType<Dictionary<string, object?>>().FirstOrDefault(i => (string?)i["volid"] == volid);
            var owner = item is null ? OwnerOf(volid) : (int)item["vmid"]!;
            if (!Accessible(ctx, storage, owner))
            {
                return Results.Empty;
            }

            if (value is not { } protect)
            {
                return LabResults.Data(null);
            }

            var now = item is not null && item.ContainsKey("protected");
            if (protect && !now && Limit(ctx, spec) is var limit and > -1)
            {
                var subtype = item?["subtype"] as string;
                var count = s
                    .Content.Of(spec, node, "backup")
                    .OfType<Dictionary<string, object?>>()
                    .Count(i => Equals(i["vmid"], owner) && i.ContainsKey("protected") && (subtype is null || Equals(i["subtype"], subtype)));
                if (limit <= count)
                {
                    LabResults.Error(ctx, 500, $"The number of protected backups per guest is limited to {limit} on storage '{storage}'");
                    return Results.Empty;
                }
            }

            if (spec.Type == "pbs")
            {
                return SetOnBackupServer(ctx, spec, volid, protect);
            }

            // DirPlugin: creates or removes the .protected file next to the archive; a missing archive is not checked.
            s.DumpProtection[volid] = protect;
            return LabResults.Data(null);
        });

    private IResult SetOnBackupServer(HttpContext ctx, StorageSpec spec, string volid, bool value)
    {
        // PBSPlugin: backup/<type>/<id>/<RFC3339 time> → PUT admin/datastore/<datastore>/protected with PVE's stored credentials.
        var parts = volid.Split(":backup/")[1].Split('/');
        var pbs = spec.BackupServer is null ? null : s.BackupServer(spec.BackupServer);
        var time = DateTimeOffset.Parse(parts[2], CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        if (
            pbs is null
            || !pbs.SetSnapshotProtected(
                spec.Datastore!,
                spec.Namespace ?? string.Empty,
                parts[0],
                int.Parse(parts[1], CultureInfo.InvariantCulture),
                time,
                value
            )
        )
        {
            LabResults.Error(ctx, 500, $"snapshot {parts[0]}/{parts[1]}/{parts[2]} does not exist!");
            return Results.Empty;
        }

        return LabResults.Data(null);
    }

    /// <summary><c>check_volume_access</c> for a backup volume and no target VMID, with PVE's 403 texts.</summary>
    private bool Accessible(HttpContext ctx, string storage, int owner) =>
        s.Has(ctx, "Datastore.Allocate", $"/storage/{storage}")
        || (s.Need(ctx, "Datastore.AllocateSpace", $"/storage/{storage}") && s.Need(ctx, "VM.Backup", $"/vms/{owner}"));

    private int Limit(HttpContext ctx, StorageSpec spec) =>
        spec.MaxProtectedBackups ?? (s.Has(ctx, "Datastore.Allocate", $"/storage/{spec.Storage}") ? -1 : 5);

    private static int OwnerOf(string volid)
    {
        var name = volid.Split(":backup/")[^1];
        var digits = name.StartsWith("vzdump-", StringComparison.Ordinal) ? name.Split('-')[2] : name.Split('/').ElementAtOrDefault(1);
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var vmid) ? vmid : 0;
    }

    private static IResult Invalid(HttpContext ctx, string parameter, string message)
    {
        ctx.Response.StatusCode = 400;
        return Results.Json(new { data = (object?)null, errors = new Dictionary<string, string> { [parameter] = message } }, statusCode: 400);
    }
}
