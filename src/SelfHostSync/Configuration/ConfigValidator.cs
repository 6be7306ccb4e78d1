using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;
using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Configuration;

/// <summary>Turns bound options into an <see cref="AppConfig"/>: each area's rules add one line per problem, and any problem stops with all of them (exit 78).</summary>
internal static class ConfigValidator
{
    public static AppConfig Validate(string path, SelfHostSyncOptions o, TimeProvider time)
    {
        ConfigValues.CredentialsDirectory.Value = Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } systemd
            ? systemd
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "credentials");
        var problems = new List<string>();
        var secrets = new List<string>();

        var clusters = new List<PveCluster>();
        for (var i = 0; i < o.Proxmox.Count; i++)
        {
            var p = o.Proxmox[i];
            var key = $"Proxmox[{i}]";
            var endpoint = EndpointRules.Endpoint(ProxmoxProduct.Pve, key, p, problems, secrets);
            var owner = HardwareOwner.Self;
            if (p.HardwareOwner is not null && !Enum.TryParse(p.HardwareOwner, ignoreCase: true, out owner))
            {
                problems.Add($"{key}.HardwareOwner: '{p.HardwareOwner}' is not Self or Provider");
            }

            var refresh = ConfigValues.Span($"{key}.ConfigRefresh", p.ConfigRefresh, TimeSpan.FromHours(1), problems);
            if (endpoint is not null)
            {
                clusters.Add(new PveCluster(endpoint, owner, refresh));
            }
        }

        var servers = new List<PbsServer>();
        for (var i = 0; i < o.BackupServers.Count; i++)
        {
            var b = o.BackupServers[i];
            var endpoint = EndpointRules.Endpoint(ProxmoxProduct.Pbs, $"BackupServers[{i}]", b, problems, secrets);
            if (endpoint is not null)
            {
                var remotes = new HashSet<string>(StringComparer.Ordinal);
                foreach (var remote in b.OffsiteRemotes)
                {
                    if (string.IsNullOrWhiteSpace(remote) || !remotes.Add(remote.Trim()))
                    {
                        problems.Add($"BackupServers[{i}].OffsiteRemotes: '{remote}' is empty or listed twice");
                    }
                }

                servers.Add(new PbsServer(endpoint, b.Offsite, remotes, b.S3Offsite));
            }
        }

        var nas = SynologyRules.Synology(o.Synology, problems, secrets);
        foreach (
            var dup in clusters
                .Select(c => c.Name)
                .Concat(servers.Select(s => s.Name))
                .Concat(nas.Select(n => n.Name))
                .GroupBy(n => n, StringComparer.Ordinal)
                .Where(g => g.Count() > 1)
        )
        {
            problems.Add($"Name: '{dup.Key}' is used by more than one Proxmox/BackupServers entry");
        }

        if (clusters.Count == 0 && o.Proxmox.Count == 0)
        {
            problems.Add("Proxmox: at least one cluster is required");
        }

        var intent = SyncRules.Intent(o.Intent, problems);
        var policies = SyncRules.Policies(o.Policies, problems);
        var vocabulary = TagVocabulary.Create(o.Tags.Names, out var tagErrors);
        problems.AddRange(tagErrors);
        var inventory = SyncRules.Inventory(o.Inventory, problems);

        var daemon = DaemonRules.Daemon(o, problems, secrets);
        var drills = DrillRules.Drills(o.RestoreDrills, clusters, problems, secrets);
        if (drills is not null)
        {
            var i = clusters.FindIndex(c => c.Name == drills.Settings.Cluster);
            clusters[i] = clusters[i] with { ScratchRange = drills.Settings.Range };
        }

        var stateDirectory = o.StateDirectory ?? Environment.GetEnvironmentVariable("STATE_DIRECTORY") ?? "/var/lib/selfhostsync";
        var sourceTimeout = ConfigValues.Span("SourceTimeout", o.SourceTimeout, TimeSpan.FromMinutes(10), problems);
        if (problems.Count > 0)
        {
            throw new ConfigException(problems.Select(p => $"{Path.GetFileName(path)}: {p}").ToList());
        }

        return new AppConfig
        {
            SourcePath = path,
            StateDirectory = stateDirectory,
            DryRun = o.DryRun,
            Schedule = daemon.Schedule,
            Daemon = daemon,
            Clusters = clusters,
            BackupServers = servers,
            Synology = nas,
            Secrets = secrets,
            TagColorMap = o.Tags.ColorMap,
            TagRegister = o.Tags.Register,
            Drills = drills,
            Sync = new SyncSettings
            {
                Intent = intent,
                Clusters = clusters.ToDictionary(c => c.Name, c => c.HardwareOwner, StringComparer.Ordinal),
                Policies = policies,
                Vocabulary = vocabulary,
                WriteTags = o.Tags.Write,
                WriteParallelism = Math.Max(4, 4 * clusters.Count),
                SourceTimeout = sourceTimeout,
                NoteExcerpts = o.Notes.Excerpt,
                Redact = text => Output.Redaction.Redact(text, secrets),
                Inventory = inventory,
            },
        };
    }
}
