using System.Globalization;
using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Inventory;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Policies;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;
using SelfHostSync.Http;
using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Configuration;

/// <summary>Turns bound options into an <see cref="AppConfig"/>, collecting one line per problem.</summary>
internal static partial class ConfigValidator
{
    /// <summary>
    /// Where relative secret file names resolve: systemd's <c>$CREDENTIALS_DIRECTORY</c> under the unit, else the
    /// <c>credentials/</c> directory next to the configuration file (<c>/etc/selfhostsync/credentials</c>), so admin
    /// commands run by hand find the same secrets as the daemon.
    /// </summary>
    private static readonly AsyncLocal<string?> CredentialsDirectory = new();

    public static AppConfig Validate(string path, SelfHostSyncOptions o, TimeProvider time)
    {
        CredentialsDirectory.Value = Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } systemd
            ? systemd
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "credentials");
        var problems = new List<string>();
        var secrets = new List<string>();

        var clusters = new List<PveCluster>();
        for (var i = 0; i < o.Proxmox.Count; i++)
        {
            var p = o.Proxmox[i];
            var key = $"Proxmox[{i}]";
            var endpoint = Endpoint(ProxmoxProduct.Pve, key, p, problems, secrets);
            var owner = HardwareOwner.Self;
            if (p.HardwareOwner is not null && !Enum.TryParse(p.HardwareOwner, ignoreCase: true, out owner))
            {
                problems.Add($"{key}.HardwareOwner: '{p.HardwareOwner}' is not Self or Provider");
            }

            var refresh = Span($"{key}.ConfigRefresh", p.ConfigRefresh, TimeSpan.FromHours(1), problems);
            if (endpoint is not null)
            {
                clusters.Add(new PveCluster(endpoint, owner, refresh));
            }
        }

        var servers = new List<PbsServer>();
        for (var i = 0; i < o.BackupServers.Count; i++)
        {
            var b = o.BackupServers[i];
            var endpoint = Endpoint(ProxmoxProduct.Pbs, $"BackupServers[{i}]", b, problems, secrets);
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

        var nas = Synology(o.Synology, problems, secrets);
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

        var intent = Intent(o.Intent, problems);
        var policies = Policies(o.Policies, problems);
        var vocabulary = TagVocabulary.Create(o.Tags.Names, out var tagErrors);
        problems.AddRange(tagErrors);
        var inventory = Inventory(o.Inventory, problems);

        var daemon = Daemon(o, problems, secrets);
        var drills = Drills(o.RestoreDrills, clusters, problems, secrets);
        if (drills is not null)
        {
            var i = clusters.FindIndex(c => c.Name == drills.Settings.Cluster);
            clusters[i] = clusters[i] with { ScratchRange = drills.Settings.Range };
        }

        var stateDirectory = o.StateDirectory ?? Environment.GetEnvironmentVariable("STATE_DIRECTORY") ?? "/var/lib/selfhostsync";
        var sourceTimeout = Span("SourceTimeout", o.SourceTimeout, TimeSpan.FromMinutes(10), problems);
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

    private static ProxmoxEndpoint? Endpoint(ProxmoxProduct product, string key, EndpointOptions e, List<string> problems, List<string> secrets)
    {
        var before = problems.Count;
        if (string.IsNullOrWhiteSpace(e.Name))
        {
            problems.Add($"{key}.Name: required");
        }

        if (!Uri.TryCreate(e.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"{key}.Url: '{e.Url}' is not an https:// URL");
        }

        var (user, secret, ticket) = Credentials(key, e, problems);
        if (secret is not null)
        {
            secrets.Add(secret);
        }

        var fingerprint = Fingerprint(key, e.Fingerprint, problems);
        if (fingerprint is not null && e.InsecureSkipVerify)
        {
            problems.Add(
                $"{key}: Fingerprint and InsecureSkipVerify together would ignore the pin; keep the Fingerprint and remove InsecureSkipVerify"
            );
        }

        if (e.MaxConcurrentRequests is < 1 or > 64)
        {
            problems.Add($"{key}.MaxConcurrentRequests: {e.MaxConcurrentRequests} is outside 1–64");
        }

        TimeSpan? timeout = e.Timeout is null ? null : RequestTimeout($"{key}.Timeout", e.Timeout, problems);
        if (problems.Count > before)
        {
            return null;
        }

        return new ProxmoxEndpoint(
            product,
            e.Name!,
            url!,
            user!,
            ticket ? string.Empty : secret!,
            fingerprint,
            e.InsecureSkipVerify,
            e.MaxConcurrentRequests ?? 4,
            timeout
        )
        {
            Password = ticket ? secret : null,
        };
    }

    /// <summary>An API token (TokenId + TokenSecret[File]) or, as the option, ticket login (Username + Password[File]).</summary>
    private static (string? User, string? Secret, bool Ticket) Credentials(string key, EndpointOptions e, List<string> problems)
    {
        var hasToken = !string.IsNullOrWhiteSpace(e.TokenId);
        var hasUser = !string.IsNullOrWhiteSpace(e.Username);
        if (hasToken && hasUser)
        {
            problems.Add($"{key}: set either TokenId (API token, recommended) or Username (ticket login), not both");
            return (null, null, false);
        }

        if (hasUser)
        {
            if (e.Username!.Contains('!', StringComparison.Ordinal) || !e.Username.Contains('@', StringComparison.Ordinal))
            {
                problems.Add($"{key}.Username: '{e.Username}' is not a user (user@realm); API tokens go in TokenId");
            }

            return (e.Username, Secret($"{key}.Password", e.Password, e.PasswordFile, problems), true);
        }

        if (TokenIdProblem($"{key}.TokenId", e.TokenId) is { } problem)
        {
            problems.Add(problem);
        }

        return (e.TokenId, Secret($"{key}.TokenSecret", e.TokenSecret, e.TokenSecretFile, problems), false);
    }

    /// <summary>
    /// PVE/PBS token ids: <c>user@realm!tokenname</c> (pve-access-control <c>pve-tokenid</c>: token names start with a
    /// letter, then letters, digits, <c>.</c>, <c>-</c>, <c>_</c>). A pasted <c>user@realm!name=secret</c> is refused
    /// without repeating the value, which would carry the secret into every output.
    /// </summary>
    internal static string? TokenIdProblem(string key, string? tokenId)
    {
        if (tokenId is not null && TokenIdPattern().IsMatch(tokenId))
        {
            return null;
        }

        if (tokenId is not null && tokenId.IndexOfAny(['=', ':', ' ', '\t']) > 0 && tokenId.Contains('!', StringComparison.Ordinal))
        {
            var bang = tokenId.IndexOf('!', StringComparison.Ordinal);
            var name = new string(tokenId[(bang + 1)..].TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_').ToArray());
            return $"{key}: '{tokenId[..bang]}!{name}' is followed by more (the secret?): TokenId is only user@realm!tokenname, the secret goes into TokenSecret or TokenSecretFile";
        }

        return $"{key}: '{tokenId}' is not an API token id (user@realm!tokenname)";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[^\s:/!@]+@[A-Za-z][A-Za-z0-9.\-_]*![A-Za-z][A-Za-z0-9.\-_]*$")]
    private static partial System.Text.RegularExpressions.Regex TokenIdPattern();

    /// <summary>A certificate pin, normalised (either case, colons optional), or null when none is given.</summary>
    private static string? Fingerprint(string key, string? text, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var normalized = Fingerprints.Normalize(text);
        if (normalized is null)
        {
            problems.Add($"{key}.Fingerprint: not a SHA-256 fingerprint (64 hex digits, colons optional)");
        }

        return normalized;
    }

    /// <summary>A secret given inline or read from a file (relative paths resolve in <see cref="CredentialsDirectory"/>).</summary>
    private static string? Secret(string key, string? inline, string? file, List<string> problems)
    {
        if (!string.IsNullOrEmpty(inline))
        {
            return inline.Trim();
        }

        if (string.IsNullOrWhiteSpace(file))
        {
            problems.Add($"{key}: missing (set {key} or {key}File)");
            return null;
        }

        var credentials = CredentialsDirectory.Value;
        var path = !Path.IsPathRooted(file) && credentials is not null ? Path.Combine(credentials, file) : file;

        // The unit loads the whole credentials directory (LoadCredential=selfhostsync:/etc/selfhostsync/credentials):
        // systemd names each file selfhostsync_<file>.
        if (
            !Path.IsPathRooted(file)
            && credentials is not null
            && !File.Exists(path)
            && File.Exists(Path.Combine(credentials, $"selfhostsync_{file}"))
        )
        {
            path = Path.Combine(credentials, $"selfhostsync_{file}");
        }
        try
        {
            var value = File.ReadAllText(path).Trim();
            if (value.Length == 0)
            {
                problems.Add($"{key}File: '{path}' is empty");
                return null;
            }

            return value;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(
                ex is UnauthorizedAccessException
                    ? $"{key}File: '{path}' cannot be read (permission denied for {Environment.UserName}): the secrets are root's and systemd hands them to the service; run admin commands as root (sudo selfhostsync …)"
                    : $"{key}File: '{path}' cannot be read ({(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : "I/O error")})"
            );
            return null;
        }
    }

    private static IntentSettings Intent(IntentOptions o, List<string> problems)
    {
        var tags = new Dictionary<string, Level>(IntentSettings.DefaultTags, TagList.Comparer);
        if (o.Tags is not null)
        {
            tags.Clear();
            foreach (var (tag, level) in o.Tags)
            {
                if (!TagList.IsValid(tag))
                {
                    problems.Add($"Intent.Tags: '{tag}' is not a valid Proxmox tag");
                }
                else if (!LevelCodes.TryParse(level, out var l) || l is not (Level.Homelab or Level.Production))
                {
                    problems.Add($"Intent.Tags.{tag}: '{level}' is not 3a or 3b");
                }
                else
                {
                    tags[tag] = l;
                }
            }
        }

        var rules = new List<IntentRule>();
        var ruleIndex = new List<int>();
        for (var i = 0; i < o.Rules.Count; i++)
        {
            var r = o.Rules[i];
            var key = $"Intent.Rules[{i}]";
            VmidRange? range = null;
            if (r.Vmid is not null)
            {
                if (VmidRange.TryParse(r.Vmid, out var parsed))
                {
                    range = parsed;
                }
                else
                {
                    problems.Add($"{key}.Vmid: '{r.Vmid}' is not a VMID or range like 100-199");
                }
            }

            if (!LevelCodes.TryParse(r.Level, out var level) || level is not (Level.Homelab or Level.Production))
            {
                problems.Add($"{key}.Level: '{r.Level}' is not 3a or 3b");
                continue;
            }

            if (r.Vmid is null && r.Name is null && r.Pool is null && r.Node is null && r.Tag is null && r.Cluster is null)
            {
                problems.Add($"{key}: needs at least one of Vmid, Name, Pool, Node, Tag, Cluster");
                continue;
            }

            var rule = new IntentRule(level, range, r.Name, r.Pool, r.Node, r.Tag, r.Cluster);
            var shadow = rules.FindIndex(earlier => earlier.Shadows(rule));
            if (shadow >= 0)
            {
                problems.Add(
                    $"{key}: never applies, Intent.Rules[{ruleIndex[shadow]}] ({rules[shadow].Describe()}) already matches every guest it would (first match wins); remove it or move it up"
                );
                continue;
            }

            rules.Add(rule);
            ruleIndex.Add(i);
        }

        var threshold = o.InferProductionFrom ?? 2;
        if (threshold is < 1 or > 5)
        {
            problems.Add($"Intent.InferProductionFrom: {threshold} is outside 1–5 (there are 5 production signals)");
        }

        return new IntentSettings(tags, rules, threshold);
    }

    private static PolicyTable Policies(Dictionary<string, PolicyOptions> o, List<string> problems)
    {
        var overrides = new Dictionary<Level, LevelPolicy>();
        foreach (var (code, p) in o)
        {
            if (!LevelCodes.TryParse(code, out var level))
            {
                problems.Add($"Policies.{code}: not a level (0, 1, 2, 3a, 3b)");
                continue;
            }

            var baseline = PolicyTable.Default.For(level);
            overrides[level] = baseline with
            {
                BackupMaxAge = Span($"Policies.{code}.BackupMaxAge", p.BackupMaxAge, baseline.BackupMaxAge),
                VerifyMaxAge = Span($"Policies.{code}.VerifyMaxAge", p.VerifyMaxAge, baseline.VerifyMaxAge),
                RestoreTestMaxAge = Span($"Policies.{code}.RestoreTestMaxAge", p.RestoreTestMaxAge, baseline.RestoreTestMaxAge),
                OffsiteMaxAge = Span($"Policies.{code}.OffsiteMaxAge", p.OffsiteMaxAge, baseline.OffsiteMaxAge),
            };

            TimeSpan? Span(string key, string? text, TimeSpan? fallback) =>
                text is null ? fallback : ConfigValidator.Span(key, text, fallback ?? TimeSpan.Zero, problems);
        }

        return new PolicyTable(overrides);
    }

    private static List<InventoryEntry> Inventory(List<InventoryOptions> o, List<string> problems)
    {
        var entries = new List<InventoryEntry>();
        for (var i = 0; i < o.Count; i++)
        {
            var e = o[i];
            var key = $"Inventory[{i}]";
            if (string.IsNullOrWhiteSpace(e.Name))
            {
                problems.Add($"{key}.Name: required");
                continue;
            }

            if (!LevelCodes.TryParse(e.Level, out var level) || level is Level.Homelab or Level.Production)
            {
                problems.Add($"{key}.Level: '{e.Level}' is not 0, 1 or 2 (guests in Proxmox are found by themselves)");
                continue;
            }

            entries.Add(
                new InventoryEntry
                {
                    Name = e.Name,
                    Level = level,
                    Vendor = e.Vendor,
                    DataLocation = e.DataLocation,
                    Mfa = e.Mfa,
                    ExportTested = Date($"{key}.ExportTested", e.ExportTested, problems),
                    LastBackup = Date($"{key}.LastBackup", e.LastBackup, problems),
                    RestoreTested = Date($"{key}.RestoreTested", e.RestoreTested, problems),
                    Monitoring = e.Monitoring,
                    Patched = Date($"{key}.Patched", e.Patched, problems),
                }
            );
        }

        return entries;
    }

    private static DateOnly? Date(string key, string? text, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }

        problems.Add($"{key}: '{text}' is not a date (yyyy-MM-dd)");
        return null;
    }

    /// <summary>A request's attempt timeout: the retry pipeline (Polly) takes 10 ms to 24 h in all, so 10 ms to 1 h each.</summary>
    private static TimeSpan RequestTimeout(string key, string? text, List<string> problems)
    {
        var timeout = Span(key, text, TimeSpan.FromSeconds(30), problems);
        if (timeout >= TimeSpan.FromMilliseconds(10) && timeout <= TimeSpan.FromHours(1))
        {
            return timeout;
        }

        problems.Add($"{key}: '{text}' is not between 10 milliseconds and 1 hour");
        return TimeSpan.FromSeconds(30);
    }

    private static TimeSpan Span(string key, string? text, TimeSpan fallback, List<string> problems)
    {
        if (text is null)
        {
            return fallback;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }

        problems.Add($"{key}: '{text}' is not a positive duration (d.hh:mm:ss)");
        return fallback;
    }
}
