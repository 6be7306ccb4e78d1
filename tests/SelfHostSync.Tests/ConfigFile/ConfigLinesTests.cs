using SelfHostSync.Configuration;

namespace SelfHostSync.Tests.ConfigFile;

/// <summary>
/// Every rule of every area, as the exact lines a user reads: one file per area with each of its problems at once. The
/// lines are the product's interface (operators grep them, the docs quote them), so a rewrite of how the options are
/// bound and validated must leave them as they are.
/// </summary>
public sealed class ConfigLinesTests : IDisposable
{
    private const string Cluster =
        "\"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s0123456789\" } ]";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("shs-lines-");

    public void Dispose() => _dir.Delete(true);

    public static TheoryData<string, string, string[]> Files =>
        new()
        {
            {
                "proxmox",
                "\"Proxmox\": [ { \"Url\": \"http://pve\", \"TokenId\": \"nobang\", \"Fingerprint\": \"zz\", \"MaxConcurrentRequests\": 0, \"Timeout\": \"02:00:00\", \"HardwareOwner\": \"Them\", \"ConfigRefresh\": \"-1\" },"
                    + " { \"Name\": \"b\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"Username\": \"a@pve\" },"
                    + " { \"Name\": \"c\", \"Url\": \"https://pve:8006\", \"Username\": \"a!b\", \"Password\": \"p\" },"
                    + " { \"Name\": \"d\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecretFile\": \"/nonexistent/secret\", \"Fingerprint\": \"AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\", \"InsecureSkipVerify\": true },"
                    + " { \"Name\": \"e\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!sync=0b7e1c55-d00d\" },"
                    + " { \"Name\": \"f\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\" } ],"
                    + " \"BackupServers\": [ { \"Name\": \"f\", \"Url\": \"https://pbs:8007\", \"TokenId\": \"a@pbs!b\", \"TokenSecret\": \"s\", \"OffsiteRemotes\": [ \"r\", \"r\", \" \" ] },"
                    + " { \"Name\": \"g\", \"Url\": \"https://pbs:8007\", \"Username\": \"root@pam\", \"PasswordFile\": \"missing-file\" } ]",
                [
                    "BackupServers[0].OffsiteRemotes: 'r' is empty or listed twice",
                    "BackupServers[0].OffsiteRemotes: ' ' is empty or listed twice",
                    "BackupServers[1].PasswordFile: '{credentials}/missing-file' cannot be read (no such file)",
                    "Name: 'f' is used by more than one Proxmox/BackupServers entry",
                    "Proxmox[0].ConfigRefresh: '-1' is not a positive duration (d.hh:mm:ss)",
                    "Proxmox[0].Fingerprint: not a SHA-256 fingerprint (64 hex digits, colons optional)",
                    "Proxmox[0].HardwareOwner: 'Them' is not Self or Provider",
                    "Proxmox[0].MaxConcurrentRequests: 0 is outside 1–64",
                    "Proxmox[0].Name: required",
                    "Proxmox[0].Timeout: '02:00:00' is not between 10 milliseconds and 1 hour",
                    "Proxmox[0].TokenId: 'nobang' is not an API token id (user@realm!tokenname)",
                    "Proxmox[0].TokenSecret: missing (set Proxmox[0].TokenSecret or Proxmox[0].TokenSecretFile)",
                    "Proxmox[0].Url: 'http://pve' is not an https:// URL",
                    "Proxmox[1]: set either TokenId (API token, recommended) or Username (ticket login), not both",
                    "Proxmox[2].Username: 'a!…' is not a user (user@realm); API tokens go in TokenId",
                    "Proxmox[3]: Fingerprint and InsecureSkipVerify together would ignore the pin; keep the Fingerprint and remove InsecureSkipVerify",
                    "Proxmox[3].TokenSecretFile: '/nonexistent/secret' cannot be read (no such file)",
                    "Proxmox[4].TokenId: 'a@pve!sync' is followed by more (the secret?): TokenId is only user@realm!tokenname, the secret goes into TokenSecret or TokenSecretFile",
                    "Proxmox[4].TokenSecret: missing (set Proxmox[4].TokenSecret or Proxmox[4].TokenSecretFile)",
                ]
            },
            { "no-cluster", "\"Proxmox\": []", ["Proxmox: at least one cluster is required"] },
            { "no-cluster-key", "\"DryRun\": true", ["Proxmox: at least one cluster is required"] },
            {
                "synology",
                Cluster
                    + ", \"Synology\": [ { \"Url\": \"http://nas:5000\", \"Fingerprint\": \"nope\", \"Timeout\": \"00:00:00.001\", \"DeviceIdFile\": \"/nonexistent/id\", \"OffsiteDestinations\": [ \"a:b:c\", \"c2\", \"C2\", \":x\" ] },"
                    + " { \"Name\": \"x\", \"Url\": \"https://nas:5001\", \"Username\": \"u\", \"Password\": \"pw\", \"InsecureSkipVerify\": true, \"Fingerprint\": \"AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\" } ]",
                [
                    "Name: 'x' is used by more than one Proxmox/BackupServers entry",
                    "Synology[0].DeviceIdFile: '/nonexistent/id' cannot be read (no such file)",
                    "Synology[0].Fingerprint: not a SHA-256 fingerprint (64 hex digits, colons optional)",
                    "Synology[0].Name: required",
                    "Synology[0].OffsiteDestinations: 'a:b:c' is not a Hyper Backup destination (target_type:transfer_type, e.g. cloud_image:s3, or a transfer type), or is listed twice",
                    "Synology[0].OffsiteDestinations: 'C2' is not a Hyper Backup destination (target_type:transfer_type, e.g. cloud_image:s3, or a transfer type), or is listed twice",
                    "Synology[0].OffsiteDestinations: ':x' is not a Hyper Backup destination (target_type:transfer_type, e.g. cloud_image:s3, or a transfer type), or is listed twice",
                    "Synology[0].Password: missing (set Synology[0].Password or Synology[0].PasswordFile)",
                    "Synology[0].Timeout: '00:00:00.001' is not between 10 milliseconds and 1 hour",
                    "Synology[0].Url: 'http://nas:5000' is not an https:// URL (DSM's HTTPS port is usually 5001)",
                    "Synology[0].Username: required (a DSM account in the administrators group)",
                    "Synology[1]: Fingerprint and InsecureSkipVerify together would ignore the pin; keep the Fingerprint and remove InsecureSkipVerify",
                ]
            },
            {
                "sync",
                Cluster
                    + ", \"Intent\": { \"Tags\": { \"-bad\": \"3b\", \"prod\": \"2\" }, \"InferProductionFrom\": 9, \"Rules\": [ { \"Vmid\": \"x-y\", \"Level\": \"3b\" }, { \"Level\": \"3a\" }, { \"Pool\": \"p\", \"Level\": \"4\" },"
                    + " { \"Pool\": \"p\", \"Level\": \"3b\" }, { \"Pool\": \"p\", \"Node\": \"n\", \"Level\": \"3a\" } ] },"
                    + " \"Policies\": { \"4\": { }, \"3b\": { \"BackupMaxAge\": \"soon\", \"VerifyMaxAge\": \"2.00:00:00\" } },"
                    + " \"Tags\": { \"Names\": { \"level-3b\": \"-bad\", \"nosuch\": \"x\" } },"
                    + " \"Inventory\": [ { \"Level\": \"0\" }, { \"Name\": \"Mail\", \"Level\": \"3a\" }, { \"Name\": \"Git\", \"Level\": \"1\", \"ExportTested\": \"01/02/2026\", \"Patched\": \"2026-13-01\" } ],"
                    + " \"SourceTimeout\": \"0\", \"Retention\": \"x\"",
                [
                    "Intent.InferProductionFrom: 9 is outside 1–5 (there are 5 production signals)",
                    "Intent.Rules[0].Vmid: 'x-y' is not a VMID or range like 100-199",
                    "Intent.Rules[1]: needs at least one of Vmid, Name, Pool, Node, Tag, Cluster",
                    "Intent.Rules[2].Level: '4' is not 3a or 3b",
                    "Intent.Rules[4]: never applies, Intent.Rules[3] (pool=p) already matches every guest it would (first match wins); remove it or move it up",
                    "Intent.Tags: '-bad' is not a valid Proxmox tag",
                    "Intent.Tags.prod: '2' is not 3a or 3b",
                    "Inventory[0].Name: required",
                    "Inventory[1].Level: '3a' is not 0, 1 or 2 (guests in Proxmox are found by themselves)",
                    "Inventory[2].ExportTested: '01/02/2026' is not a date (yyyy-MM-dd)",
                    "Inventory[2].Patched: '2026-13-01' is not a date (yyyy-MM-dd)",
                    "Policies.3b.BackupMaxAge: 'soon' is not a positive duration (d.hh:mm:ss)",
                    "Policies.4: not a level (0, 1, 2, 3a, 3b)",
                    "Retention: 'x' is not a positive duration (d.hh:mm:ss)",
                    "SourceTimeout: '0' is not a positive duration (d.hh:mm:ss)",
                    "{tag-names}",
                    "{tags}",
                ]
            },
            {
                "daemon",
                Cluster
                    + ", \"Schedule\": \"every hour\", \"ControlApi\": { \"Urls\": \"http://0.0.0.0:8785;https://127.0.0.1:9;nonsense\", \"Token\": \"short\" }, \"Logging\": { \"Level\": \"Loud\" }",
                [
                    "ControlApi.Token: too short (use at least 16 random characters, e.g. `openssl rand -hex 24`)",
                    "ControlApi.Urls: 'https://127.0.0.1:9' is not an http:// URL (put a TLS-terminating proxy in front for https)",
                    "ControlApi.Urls: 'nonsense' is not an http:// URL (put a TLS-terminating proxy in front for https)",
                    "{level}",
                    "{schedule}",
                ]
            },
            {
                "control-token",
                Cluster + ", \"ControlApi\": { \"Urls\": \"http://127.0.0.1:8785;http://[::]:8785\", \"HookSecret\": \"short\" }",
                [
                    "ControlApi.HookSecret: too short (use at least 16 random characters, e.g. `openssl rand -hex 24`)",
                    "ControlApi.Token: required because ControlApi.Urls listens on [::], beyond loopback",
                ]
            },
            {
                "notifications",
                Cluster
                    + ", \"Notifications\": { \"Ntfy\": [ { \"Url\": \"ftp://ntfy\" }, { \"Url\": \"https://ntfy.sh/t\", \"TokenFile\": \"/nonexistent/t\", \"Priority\": 6 } ],"
                    + " \"Gotify\": [ { \"Url\": \"https://g\", \"Priority\": 11 } ], \"Webhooks\": [ { \"Url\": \"nope\" } ], \"HeartbeatUrl\": \"hc\", \"ReminderInterval\": \"never\","
                    + " \"Smtp\": { \"Port\": 70000, \"Security\": \"Tls\", \"From\": \"me\", \"To\": [ \"you\" ], \"Username\": \"u\" } }",
                [
                    "Notifications.Gotify[0].Priority: 11 is outside 1–10",
                    "Notifications.Gotify[0].Token: missing (set Notifications.Gotify[0].Token or Notifications.Gotify[0].TokenFile)",
                    "Notifications.HeartbeatUrl: '**' is not an http(s) URL",
                    "Notifications.Ntfy[0].Url: '********' is not an http(s) URL",
                    "Notifications.Ntfy[1].Priority: 6 is outside 1–5",
                    "Notifications.Ntfy[1].TokenFile: '/nonexistent/t' cannot be read (no such file)",
                    "Notifications.ReminderInterval: 'never' is not a positive duration (d.hh:mm:ss)",
                    "Notifications.Smtp.From: 'me' is not an address",
                    "Notifications.Smtp.Host: required",
                    "Notifications.Smtp.Password: missing (set Notifications.Smtp.Password or Notifications.Smtp.PasswordFile)",
                    "Notifications.Smtp.Port: 70000 is not a port",
                    "Notifications.Smtp.Security: 'Tls' is not StartTls, SslOnConnect, Auto or None",
                    "Notifications.Smtp.To: give at least one address",
                    "Notifications.Webhooks[0].Url: '****' is not an http(s) URL",
                ]
            },
            {
                "drills",
                Cluster
                    + ", \"RestoreDrills\": { \"Enabled\": true, \"Schedule\": \"weekly\", \"Cluster\": \"nope\", \"Node\": \"-n\", \"VmidRange\": \"9900-9901\", \"Isolation\": \"vlan:5\", \"Probe\": \"ping\","
                    + " \"RunningSeconds\": 4000, \"Timeout\": \"00:00:05\", \"FreeSpacePercent\": 95, \"MaxParallel\": 3, \"Levels\": [ \"3b\", \"9\" ], \"TokenId\": \"a@pve!drill\","
                    + " \"ProtectProven\": true, \"KeepProven\": 6, \"EscalateAfter\": 1 }",
                [
                    "RestoreDrills.Cluster: 'nope' is not a configured Proxmox cluster (x)",
                    "RestoreDrills.EscalateAfter: 1 is outside 2–20",
                    "RestoreDrills.FreeSpacePercent: 95 is outside 0–90",
                    "RestoreDrills.Isolation: 'vlan:5' is not link-down or bridge:<name>",
                    "RestoreDrills.KeepProven: 6 is outside 1–5",
                    "RestoreDrills.Levels: '9' is not a level (0, 1, 2, 3a, 3b)",
                    "RestoreDrills.MaxParallel: 3 is outside 1–8 or larger than the VMID range",
                    "RestoreDrills.Node: '-n' is not a node name",
                    "RestoreDrills.Probe: 'ping' is not agent or running",
                    "RestoreDrills.RunningSeconds: 4000 is outside 5–3600",
                    "RestoreDrills.RunningSeconds: 4000 s is not shorter than Timeout (00:00:05): every running probe would time out",
                    "RestoreDrills.Schedule: 'weekly' is not a Quartz cron expression (e.g. \"0 0 3 ? * SUN\" for Sundays 03:00)",
                    "RestoreDrills.TargetStorage: '' is not a PVE storage id",
                    "RestoreDrills.Timeout: 00:00:05 is outside 00:00:10–1.00:00:00",
                    "RestoreDrills.TokenSecret: missing (set RestoreDrills.TokenSecret or RestoreDrills.TokenSecretFile)",
                ]
            },
            {
                "drill-token",
                Cluster
                    + ", \"RestoreDrills\": { \"Cluster\": \"x\", \"Node\": \"pve1\", \"TargetStorage\": \"local-zfs\", \"VmidRange\": \"9900-9999\", \"TokenId\": \"drill\", \"TokenSecretFile\": \"/nonexistent/d\" }",
                [
                    "RestoreDrills.TokenId: 'drill' is not an API token id (user@realm!tokenname)",
                    "RestoreDrills.TokenSecretFile: '/nonexistent/d' cannot be read (no such file)",
                ]
            },
            {
                "drill-probes",
                Cluster
                    + ", \"RestoreDrills\": { \"Cluster\": \"x\", \"Node\": \"pve1\", \"TargetStorage\": \"local-zfs\", \"VmidRange\": \"9900-9999\", \"Timeout\": \"00:10:00\", \"ApplicationProbes\": ["
                    + " { \"Name\": \"pg\", \"Command\": [ \"pg_isready\" ] }, { \"Name\": \"pg\", \"Command\": [], \"Timeout\": \"00:20:00\", \"ExitCode\": 300 }, { \"Command\": [ \"true\" ] } ] }",
                [
                    "RestoreDrills.ApplicationProbes[1].Command: give the program and its arguments as a list, e.g. [\"pg_isready\", \"-q\"]",
                    "RestoreDrills.ApplicationProbes[1].ExitCode: 300 is outside 0–255",
                    "RestoreDrills.ApplicationProbes[1].Name: 'pg' is used by another probe",
                    "RestoreDrills.ApplicationProbes[1].Timeout: 00:20:00 is not shorter than RestoreDrills.Timeout (00:10:00)",
                    "RestoreDrills.ApplicationProbes[2].Name: required",
                ]
            },
            {
                "homeassistant",
                Cluster
                    + ", \"HomeAssistant\": { \"Broker\": \"http://broker\", \"Username\": \"u\", \"Fingerprint\": \"zz\", \"DiscoveryPrefix\": \"ha/#\", \"NodeId\": \"self host\", \"Levels\": [ \"3b\", \"9\" ] }",
                [
                    "HomeAssistant.Broker: 'http://broker' is not an mqtt:// or mqtts:// URL (e.g. mqtts://broker.lan:8883)",
                    "HomeAssistant.DiscoveryPrefix: 'ha/#' is not an MQTT topic prefix (levels separated by /, no + or #, no leading or trailing /)",
                    "HomeAssistant.Fingerprint: not a SHA-256 fingerprint (64 hex digits, colons optional)",
                    "HomeAssistant.Levels: '9' is not a level (0, 1, 2, 3a, 3b)",
                    "HomeAssistant.NodeId: 'self host' is not a node id (letters, digits, _ and -, at most 64)",
                    "HomeAssistant.Password: missing (set HomeAssistant.Password or HomeAssistant.PasswordFile)",
                ]
            },
            {
                "homeassistant-plain",
                Cluster
                    + ", \"HomeAssistant\": { \"Broker\": \"mqtt://u:mqtt-secret@broker:1883\", \"PasswordFile\": \"/nonexistent/p\", \"InsecureSkipVerify\": true }",
                [
                    "HomeAssistant.Broker: put the user in Username and the password in PasswordFile, not in the URL",
                    "HomeAssistant.Broker: Fingerprint and InsecureSkipVerify are for TLS; use mqtts://",
                    "HomeAssistant.Username: required with a password (the broker would not be asked to check it)",
                ]
            },
            {
                "homeassistant-broker",
                Cluster + ", \"HomeAssistant\": { \"NodeId\": \"shs\", \"Levels\": [] }",
                [
                    "HomeAssistant.Broker: required (e.g. mqtts://broker.lan:8883)",
                    "HomeAssistant.Levels: [] names no level; list the levels whose guests get a problem sensor, or leave Levels out for 3b and 2",
                ]
            },
            {
                "homeassistant-url",
                Cluster + ", \"HomeAssistant\": { \"Broker\": \"http://u:mqtt-secret@broker\" }",
                ["HomeAssistant.Broker: 'http://***@broker' is not an mqtt:// or mqtts:// URL (e.g. mqtts://broker.lan:8883)"]
            },
            {
                "drill-range",
                Cluster
                    + ", \"RestoreDrills\": { \"Cluster\": \"x\", \"Node\": \"pve1\", \"TargetStorage\": \"local-zfs\", \"VmidRange\": \"9999-9900\" }",
                ["{range}"]
            },
        };

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_EveryRuleOfAnArea_OneLineEachInOrder(string area, string settings, string[] expected)
    {
        var lines = Problems(settings);

        Assert.Equal([.. expected.Select(e => Expand(e, lines))], lines.Select(l => l[("appsettings.json: ".Length)..]));
        Assert.DoesNotContain(lines, l => l.Contains("0b7e1c55", StringComparison.Ordinal) || l.Contains("mqtt-secret", StringComparison.Ordinal));
        Assert.NotEmpty(area);
    }

    [Fact]
    public void Load_EverySectionSet_MappedToTheSettings()
    {
        var config = Load(
            "\"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s0123456789\", \"HardwareOwner\": \"provider\", \"ConfigRefresh\": \"00:05:00\", \"MaxConcurrentRequests\": 2, \"Timeout\": \"00:00:20\" } ],"
                + " \"BackupServers\": [ { \"Name\": \"pbs\", \"Url\": \"https://pbs:8007\", \"Username\": \"root@pam\", \"Password\": \"pbs-password-1\", \"Offsite\": true, \"OffsiteRemotes\": [ \"far\" ] } ],"
                + " \"Synology\": [ { \"Name\": \"nas\", \"Url\": \"https://nas:5001\", \"Username\": \"u\", \"Password\": \"pw0123456789\", \"OffsiteDestinations\": [ \"c2\" ], \"Timeout\": \"00:01:00\" } ],"
                + " \"Intent\": { \"Tags\": { \"prod\": \"3b\" }, \"Rules\": [ { \"Vmid\": \"100-199\", \"Level\": \"3b\" } ], \"InferProductionFrom\": 3 },"
                + " \"Policies\": { \"3b\": { \"BackupMaxAge\": \"2.00:00:00\" } }, \"Tags\": { \"Write\": false, \"ColorMap\": true },"
                + " \"Inventory\": [ { \"Name\": \"Mail\", \"Level\": \"1\", \"ExportTested\": \"2026-11-01\" } ], \"SourceTimeout\": \"00:02:00\", \"Retention\": \"30.00:00:00\","
                + " \"Schedule\": \"0 */5 * * * ?\", \"ControlApi\": { \"Urls\": \"http://0.0.0.0:8785\", \"Token\": \"0123456789abcdef0123\" }, \"Logging\": { \"Level\": \"debug\" },"
                + " \"Notifications\": { \"Ntfy\": [ { \"Url\": \"https://ntfy.sh/topic-secret\", \"Priority\": 3 } ], \"Smtp\": { \"Host\": \"mail\", \"Security\": \"sslonconnect\", \"From\": \"a@b\", \"To\": [ \"c@d\" ] }, \"ReminderInterval\": \"12:00:00\" },"
                + " \"RestoreDrills\": { \"Enabled\": true, \"Cluster\": \"x\", \"Node\": \"pve1\", \"TargetStorage\": \"local-zfs\", \"VmidRange\": \"9900-9999\", \"Isolation\": \"bridge:vmbr9\", \"Probe\": \"running\", \"MaxParallel\": 2, \"Levels\": [ \"3b\" ] },"
                + " \"HomeAssistant\": { \"Broker\": \"mqtts://ha.lan\", \"Username\": \"u\", \"Password\": \"mqtt-pass-123\", \"NodeId\": \"lab-shs\", \"Levels\": [ \"3b\" ] }"
        );

        var cluster = Assert.Single(config.Clusters);
        Assert.Equal(
            (Core.Matrix.HardwareOwner.Provider, TimeSpan.FromMinutes(5), 2, TimeSpan.FromSeconds(20)),
            (cluster.HardwareOwner, cluster.ConfigRefresh, cluster.Endpoint.MaxConcurrentRequests, cluster.Endpoint.Timeout)
        );
        Assert.Equal(new Core.Drills.VmidRange(9900, 9999), cluster.ScratchRange);
        var pbs = Assert.Single(config.BackupServers);
        Assert.Equal(("pbs-password-1", true, "far"), (pbs.Endpoint.Password, pbs.Offsite, Assert.Single(pbs.OffsiteRemotes!)));
        var nas = Assert.Single(config.Synology);
        Assert.Equal(("selfhostsync", TimeSpan.FromMinutes(1), "c2"), (nas.DeviceName, nas.Timeout, Assert.Single(nas.OffsiteDestinations)));
        Assert.Equal((3, 1), (config.Sync.Intent.InferProductionFrom, config.Sync.Intent.Rules.Count));
        Assert.Equal(TimeSpan.FromDays(2), config.Sync.Policies.For(Core.Matrix.Level.Production).BackupMaxAge);
        Assert.Equal((false, true, TimeSpan.FromMinutes(2)), (config.Sync.WriteTags, config.TagColorMap, config.Sync.SourceTimeout));
        Assert.Equal(new DateOnly(2026, 11, 1), Assert.Single(config.Sync.Inventory).ExportTested);
        Assert.Equal(
            ("0 */5 * * * ?", TimeSpan.FromDays(30), Serilog.Events.LogEventLevel.Debug),
            (config.Schedule, config.Daemon.Retention, config.Daemon.LogLevel)
        );
        Assert.Equal("0123456789abcdef0123", config.Daemon.ControlToken);
        Assert.Equal(3, Assert.Single(config.Daemon.Notifications.Ntfy).Priority);
        Assert.Equal((465, TimeSpan.FromHours(12)), (config.Daemon.Notifications.Smtp!.Port, config.Daemon.Notifications.ReminderInterval));
        var drills = config.Drills!;
        Assert.Equal(
            (true, "x", "vmbr9", 2),
            (drills.Enabled, drills.Settings.Cluster, drills.Settings.Isolation.Bridge, drills.Settings.MaxParallel)
        );
        Assert.Equal([Core.Matrix.Level.Production], drills.Settings.Levels);
        Assert.Equal("***", drills.Settings.Redact("pw0123456789"));
        var ha = config.HomeAssistant!;
        Assert.Equal(("ha.lan", 8883, true, "lab-shs", "homeassistant"), (ha.Host, ha.Port, ha.Tls, ha.NodeId, ha.DiscoveryPrefix));
        Assert.Equal([Core.Matrix.Level.Production], ha.Levels);
        Assert.Null(Load(Cluster).HomeAssistant);
        foreach (
            var secret in new[]
            {
                "mqtt-pass-123",
                "s0123456789",
                "pbs-password-1",
                "pw0123456789",
                "0123456789abcdef0123",
                "https://ntfy.sh/topic-secret",
            }
        )
        {
            Assert.Contains(secret, config.Secrets);
        }
    }

    /// <summary>Lines whose text comes from a library (Quartz, the tag vocabulary, the VMID range) are matched by their start.</summary>
    private string Expand(string expected, IReadOnlyList<string> lines)
    {
        var prefix = expected switch
        {
            "{tags}" => "Tags.Names.level-3b: ",
            "{tag-names}" => "Tags.Names: 'nosuch' is not a managed tag",
            "{schedule}" => "Schedule: 'every hour' is not a Quartz cron expression",
            "{level}" => "Logging.Level: 'Loud' is not ",
            "{range}" => "RestoreDrills.VmidRange: '9999-9900' must lie within",
            _ => null,
        };
        expected = expected.Replace("{credentials}", Path.Combine(_dir.FullName, "credentials"), StringComparison.Ordinal);
        return prefix is null
            ? expected
            : lines.Select(l => l[("appsettings.json: ".Length)..]).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? prefix;
    }

    private IReadOnlyList<string> Problems(string settings)
    {
        try
        {
            Load(settings);
            return [];
        }
        catch (ConfigException ex)
        {
            return ex.Problems;
        }
    }

    private AppConfig Load(string settings)
    {
        var path = Path.Combine(_dir.FullName, "appsettings.json");
        File.WriteAllText(path, "{ \"SelfHostSync\": { " + settings + " } }");
        return ConfigLoader.Load(path);
    }
}
