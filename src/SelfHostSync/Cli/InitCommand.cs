using System.CommandLine;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using SelfHostSync.Http;
using SelfHostSync.Passes;

namespace SelfHostSync.Cli;

/// <summary>
/// <c>init</c>: a first configuration from a few flags. Shows each server's certificate fingerprint for the operator
/// to confirm (and pins it), copies the secrets into <c>credentials/</c> next to the configuration (0600, root's under
/// <c>/etc/selfhostsync</c>), writes <c>appsettings.json</c> (0640, group <c>selfhostsync</c>), runs <c>doctor</c> and
/// prints the roles the tokens need. Never overwrites a configuration without <c>--force</c>.
/// </summary>
internal static class InitCommand
{
    /// <summary>Where the package installs the configuration's JSON Schema.</summary>
    private const string InstalledSchema = "/usr/share/selfhostsync/appsettings.schema.json";

    private const string DefaultPath = "/etc/selfhostsync/appsettings.json";

    private sealed record Server(string Kind, string Name, Uri Url, string Login, string SecretFile, string Credential);

    public static Command Build(TimeProvider time)
    {
        var path = new Option<string?>("--config") { Description = $"Where to write the configuration (default {DefaultPath})" };
        var pveName = new Option<string>("--pve-name")
        {
            Description = "A name for the cluster (default: homelab)",
            DefaultValueFactory = _ => "homelab",
        };
        var pveUrl = new Option<string?>("--pve-url") { Description = "A PVE node, e.g. https://pve1.lan:8006" };
        var pveToken = new Option<string?>("--pve-token-id") { Description = "user@realm!tokenname" };
        var pveSecret = new Option<string?>("--pve-secret-file") { Description = "A file holding the token's secret (copied into credentials/)" };
        var pbsUrl = new Option<string?>("--pbs-url") { Description = "Optional: the PBS, e.g. https://pbs.lan:8007" };
        var pbsToken = new Option<string?>("--pbs-token-id") { Description = "user@realm!tokenname on the PBS" };
        var pbsSecret = new Option<string?>("--pbs-secret-file") { Description = "A file holding the PBS token's secret" };
        var nasUrl = new Option<string?>("--nas-url") { Description = "Optional: a Synology, e.g. https://nas.lan:5001" };
        var nasUser = new Option<string?>("--nas-user") { Description = "A DSM account in the administrators group" };
        var nasPassword = new Option<string?>("--nas-password-file") { Description = "A file holding its password" };
        var yes = new Option<bool>("--yes") { Description = "Trust the fingerprints shown without asking (you compare them yourself)" };
        var force = new Option<bool>("--force") { Description = "Replace an existing configuration" };
        var command = new Command(
            "init",
            "Write a first configuration: confirm certificate fingerprints, store secrets as credentials, run doctor, print the roles"
        )
        {
            path,
            pveName,
            pveUrl,
            pveToken,
            pveSecret,
            pbsUrl,
            pbsToken,
            pbsSecret,
            nasUrl,
            nasUser,
            nasPassword,
            yes,
            force,
        };
        command.SetAction(
            async (parse, ct) =>
            {
                var target = Path.GetFullPath(parse.GetValue(path) ?? DefaultPath);
                if (File.Exists(target) && !parse.GetValue(force))
                {
                    Console.Error.WriteLine($"init: {target} exists; nothing written (--force replaces it)");
                    return ExitCodes.Failed;
                }

                var problems = new List<string>();
                var servers = new List<Server>();
                Add(
                    servers,
                    problems,
                    "pve",
                    parse.GetValue(pveName)!,
                    parse.GetValue(pveUrl),
                    parse.GetValue(pveToken),
                    parse.GetValue(pveSecret),
                    required: true
                );
                Add(servers, problems, "pbs", "pbs", parse.GetValue(pbsUrl), parse.GetValue(pbsToken), parse.GetValue(pbsSecret), required: false);
                Add(servers, problems, "nas", "nas", parse.GetValue(nasUrl), parse.GetValue(nasUser), parse.GetValue(nasPassword), required: false);
                if (problems.Count > 0)
                {
                    problems.ForEach(p => Console.Error.WriteLine($"init: {p}"));
                    return ExitCodes.BadConfig;
                }

                var fingerprints = new Dictionary<Server, string>();
                foreach (var server in servers)
                {
                    var fingerprint = await FingerprintAsync(server.Url, ct);
                    if (fingerprint is null)
                    {
                        Console.Error.WriteLine($"init: {server.Url} did not present a certificate (not reachable over https?); nothing written");
                        return ExitCodes.Failed;
                    }

                    Console.Out.WriteLine($"{server.Name}: {server.Url} presents certificate SHA-256 {Fingerprints.Display(fingerprint)}");
                    if (!parse.GetValue(yes) && !Confirm(server))
                    {
                        Console.Error.WriteLine("init: not trusted; nothing written");
                        return ExitCodes.Failed;
                    }

                    fingerprints[server] = fingerprint;
                }

                Write(target, servers, fingerprints);
                Console.Out.WriteLine(
                    $"init: wrote {target} and {servers.Count} secret(s) in {Path.Combine(Path.GetDirectoryName(target)!, "credentials")}"
                );
                var doctor = await Commands.WithConfig(
                    target,
                    time,
                    (config, _, services) => DoctorCommand.ReportAsync(config, services, ct),
                    DoctorCommand.DoctorPasses
                );
                PrintRoles(servers);
                return doctor;
            }
        );
        return command;
    }

    private static void Add(
        List<Server> servers,
        List<string> problems,
        string kind,
        string name,
        string? url,
        string? login,
        string? secretFile,
        bool required
    )
    {
        if (url is null && login is null && secretFile is null && !required)
        {
            return;
        }

        var flag = $"--{kind}";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"{flag}-url: '{url}' is not an https:// URL");
        }

        if (string.IsNullOrWhiteSpace(login))
        {
            problems.Add(kind == "nas" ? "--nas-user: required with --nas-url" : $"{flag}-token-id: required (user@realm!tokenname)");
        }
        else if (kind != "nas" && Proxmox.Settings.TokenIds.Problem($"{flag}-token-id", login) is { } problem)
        {
            problems.Add(problem);
        }

        if (string.IsNullOrWhiteSpace(secretFile) || !File.Exists(secretFile))
        {
            problems.Add($"{flag}-{(kind == "nas" ? "password" : "secret")}-file: '{secretFile}' is not a readable file");
        }

        if (uri is not null && login is not null && secretFile is not null)
        {
            servers.Add(new Server(kind, name, uri, login, secretFile, kind == "pve" ? $"pve-{name}" : kind));
        }
    }

    /// <summary>
    /// The leaf certificate's SHA-256 as the server presents it. The handshake is refused on purpose once the
    /// certificate is seen: nothing is sent to a server not yet trusted.
    /// </summary>
    private static async Task<string?> FingerprintAsync(Uri url, CancellationToken ct)
    {
        string? seen = null;
        try
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connect.CancelAfter(TimeSpan.FromSeconds(10));
            await tcp.ConnectAsync(url.Host, url.Port, connect.Token);
            await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
            {
                seen = certificate is null
                    ? null
                    : Fingerprints.Of(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                return false;
            });
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = url.Host }, connect.Token);
        }
        catch (Exception ex)
            when (ex
                    is System.Security.Authentication.AuthenticationException
                        or IOException
                        or System.Net.Sockets.SocketException
                        or OperationCanceledException
            )
        {
            // Refused by us once seen, or not reachable: the fingerprint says which.
        }

        return seen;
    }

    private static bool Confirm(Server server)
    {
        var where = server.Kind switch
        {
            "pve" => "openssl x509 -noout -fingerprint -sha256 -in /etc/pve/local/pve-ssl.pem (on the node)",
            "pbs" => "proxmox-backup-manager cert info (on the PBS)",
            _ => "the certificate in DSM: Control Panel, Security, Certificate",
        };
        Console.Out.Write($"Compare it with {where}. Trust it? [y/N] ");
        return Console.ReadLine()?.Trim() is "y" or "Y" or "yes";
    }

    private static void Write(string target, List<Server> servers, Dictionary<Server, string> fingerprints)
    {
        var dir = Path.GetDirectoryName(target)!;
        var credentials = Path.Combine(dir, "credentials");
        Directory.CreateDirectory(credentials);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        foreach (var server in servers)
        {
            var file = Path.Combine(credentials, server.Credential);
            File.WriteAllText(file, File.ReadAllText(server.SecretFile).Trim());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        JsonNode Endpoint(Server s) =>
            s.Kind switch
            {
                "nas" => new JsonObject
                {
                    ["Name"] = s.Name,
                    ["Url"] = s.Url.ToString().TrimEnd('/'),
                    ["Username"] = s.Login,
                    ["PasswordFile"] = s.Credential,
                    ["Fingerprint"] = Fingerprints.Display(fingerprints[s]),
                },
                "pve" => new JsonObject
                {
                    ["Name"] = s.Name,
                    ["Url"] = s.Url.ToString().TrimEnd('/'),
                    ["TokenId"] = s.Login,
                    ["TokenSecretFile"] = s.Credential,
                    ["Fingerprint"] = Fingerprints.Display(fingerprints[s]),
                    ["HardwareOwner"] = "Self",
                },
                _ => new JsonObject
                {
                    ["Name"] = s.Name,
                    ["Url"] = s.Url.ToString().TrimEnd('/'),
                    ["TokenId"] = s.Login,
                    ["TokenSecretFile"] = s.Credential,
                    ["Fingerprint"] = Fingerprints.Display(fingerprints[s]),
                },
            };
        var root = new JsonObject();
        if (File.Exists(InstalledSchema))
        {
            // Editors complete and check the file against the schema the package installed.
            root["$schema"] = new Uri(InstalledSchema).AbsoluteUri;
        }

        root["SelfHostSync"] = new JsonObject
        {
            ["Proxmox"] = new JsonArray([.. servers.Where(s => s.Kind == "pve").Select(Endpoint)]),
            ["BackupServers"] = new JsonArray([.. servers.Where(s => s.Kind == "pbs").Select(Endpoint)]),
            ["Synology"] = new JsonArray([.. servers.Where(s => s.Kind == "nas").Select(Endpoint)]),
        };
        File.WriteAllText(target, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            State.StateOwner.GiveGroup(target, "selfhostsync");
        }
    }

    private static void PrintRoles(List<Server> servers)
    {
        Console.Out.WriteLine();
        Console.Out.WriteLine("The roles the tokens need (README, Install):");
        foreach (var pve in servers.Where(s => s.Kind == "pve"))
        {
            var user = pve.Login.Split('!')[0];
            Console.Out.WriteLine(
                $"  pveum role add SelfHostSync --privs \"VM.Audit,VM.Config.Options,Sys.Audit,Datastore.Audit,Pool.Audit,VM.Backup,Datastore.AllocateSpace\""
            );
            Console.Out.WriteLine($"  pveum acl modify / --users {user} --tokens '{pve.Login}' --roles SelfHostSync");
        }

        foreach (var pbs in servers.Where(s => s.Kind == "pbs"))
        {
            var user = pbs.Login.Split('!')[0];
            foreach (var (path, role) in new[] { ("/datastore", "DatastoreAudit"), ("/remote", "RemoteAudit") })
            {
                Console.Out.WriteLine(
                    $"  proxmox-backup-manager acl update {path} {role} --auth-id {user} && proxmox-backup-manager acl update {path} {role} --auth-id '{pbs.Login}'"
                );
            }
        }
    }
}
