using System.Text.RegularExpressions;

namespace SelfHostSync.Proxmox.Http;

/// <summary>Which privilege on which ACL path each call SelfHostSync makes needs, to explain a 403 in one line.</summary>
internal static partial class Privileges
{
    public static string Explain(ProxmoxProduct product, HttpMethod method, string path, string serverMessage)
    {
        // assert_tag_permissions: the datacenter tag policy, not the guest's privileges.
        var tag = TagPolicyRefusal().Match(serverMessage);
        if (tag.Success)
        {
            return $"the datacenter tag policy (registered-tags or user-tag-access) reserves tag '{tag.Groups[1].Value}' for Sys.Modify on / (server: {serverMessage}); `selfhostsync doctor` prints the fix";
        }

        var needed = Needed(product, method, path);
        var said = string.IsNullOrWhiteSpace(serverMessage) ? string.Empty : $" (server: {serverMessage})";
        return needed is null ? $"missing privilege{said}" : $"the token needs {needed}{said}";
    }

    internal static string? Needed(ProxmoxProduct product, HttpMethod method, string path)
    {
        if (product == ProxmoxProduct.Pbs)
        {
            if (path.StartsWith("/admin/sync", StringComparison.Ordinal) || path.StartsWith("/config/remote", StringComparison.Ordinal))
            {
                return "Datastore.Audit on /datastore and Remote.Audit on /remote";
            }

            var store = PbsStore().Match(path);
            return store.Success ? $"Datastore.Audit on /datastore/{store.Groups[1].Value}" : "Datastore.Audit on /datastore";
        }

        var guest = GuestConfig().Match(path);
        if (guest.Success)
        {
            return method == HttpMethod.Get ? $"VM.Audit on /vms/{guest.Groups[1].Value}" : $"VM.Config.Options on /vms/{guest.Groups[1].Value}";
        }

        var content = StorageContent().Match(path);
        if (content.Success)
        {
            return $"Datastore.Audit on /storage/{content.Groups[1].Value} (and VM.Backup on the guests, or Datastore.Allocate, to see backups)";
        }

        if (path.StartsWith("/cluster/options", StringComparison.Ordinal))
        {
            return method == HttpMethod.Get ? "Sys.Audit on /" : "Sys.Modify on /";
        }

        if (
            path.StartsWith("/cluster/backup", StringComparison.Ordinal)
            || path.StartsWith("/cluster/ha", StringComparison.Ordinal)
            || path.StartsWith("/storage", StringComparison.Ordinal)
        )
        {
            return "Sys.Audit on /";
        }

        var node = NodeTasks().Match(path);
        return node.Success ? $"Sys.Audit on /nodes/{node.Groups[1].Value}" : null;
    }

    [GeneratedRegex(@"Sys\.Modify for modifying tag '([^']*)'")]
    private static partial Regex TagPolicyRefusal();

    [GeneratedRegex(@"^/nodes/[^/]+/(?:qemu|lxc)/(\d+)/config$")]
    private static partial Regex GuestConfig();

    [GeneratedRegex(@"^/nodes/[^/]+/storage/([^/]+)/content$")]
    private static partial Regex StorageContent();

    [GeneratedRegex(@"^/nodes/([^/]+)/tasks")]
    private static partial Regex NodeTasks();

    [GeneratedRegex(@"^/admin/datastore/([^/]+)")]
    private static partial Regex PbsStore();
}
