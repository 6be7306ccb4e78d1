using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SelfHostSync.HomeAssistant.Tests;

/// <summary>
/// Debian's mosquitto on a loopback port, started by the test: a user with a password, no anonymous access, no
/// persistence (a restart loses every retained message, as a broker without a persistence file does), and, when asked,
/// TLS with a self-signed certificate the clients pin.
/// </summary>
internal sealed class Mosquitto : IAsyncDisposable
{
    public const string Username = "selfhostsync";
    public const string Password = "mqtt-secret-4711";

    private readonly string _config;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();
    private Process? _process;

    private Mosquitto(string directory, int port, bool tls, string? fingerprint)
    {
        Directory = directory;
        Port = port;
        Tls = tls;
        Fingerprint = fingerprint;
        _config = Path.Combine(directory, "mosquitto.conf");
    }

    public string Directory { get; }

    public int Port { get; }

    public bool Tls { get; }

    /// <summary>SHA-256 of the broker's certificate (TLS only).</summary>
    public string? Fingerprint { get; }

    public string Url => $"{(Tls ? "mqtts" : "mqtt")}://127.0.0.1:{Port}";

    /// <summary>The password as a secret file (for <c>PasswordFile</c>).</summary>
    public string PasswordFile => Path.Combine(Directory, "mqtt-password");

    /// <param name="tls">Listen with TLS (a self-signed certificate; <see cref="Fingerprint"/> pins it).</param>
    /// <param name="acl">mosquitto ACL lines (<c>user …</c>, <c>topic write …</c>); none: every user may use every topic.</param>
    public static async Task<Mosquitto> StartAsync(bool tls, params string[] acl)
    {
        Requires.Tool("/usr/sbin/mosquitto", "mosquitto");
        Requires.Tool("mosquitto_passwd", "mosquitto");
        var directory = System.IO.Directory.CreateTempSubdirectory("shs-mqtt-").FullName;
        string? fingerprint = null;
        var lines = new List<string>
        {
            // Running as root it would switch to the mosquitto user, who cannot read the test's private directory.
            $"user {Environment.UserName}",
            $"listener {DaemonProcess.FreePort()} 127.0.0.1",
            "allow_anonymous false",
            $"password_file {Path.Combine(directory, "passwd")}",
            "persistence false",
            "log_dest stderr",
        };
        if (acl.Length > 0)
        {
            File.WriteAllLines(Path.Combine(directory, "acl"), acl);
            lines.Add($"acl_file {Path.Combine(directory, "acl")}");
        }

        if (tls)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            File.WriteAllText(Path.Combine(directory, "broker.crt"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(directory, "broker.key"), key.ExportPkcs8PrivateKeyPem());
            fingerprint = Convert.ToHexString(SHA256.HashData(certificate.RawData));
            lines.Add($"certfile {Path.Combine(directory, "broker.crt")}");
            lines.Add($"keyfile {Path.Combine(directory, "broker.key")}");
        }

        var port = int.Parse(lines[1].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var broker = new Mosquitto(directory, port, tls, fingerprint);
        File.WriteAllLines(broker._config, lines);
        File.WriteAllText(broker.PasswordFile, Password + "\n");
        using (var passwd = Process.Start("mosquitto_passwd", ["-b", "-c", Path.Combine(directory, "passwd"), Username, Password])!)
        {
            await passwd.WaitForExitAsync();
            Assert.Equal(0, passwd.ExitCode);
        }

        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>Starts the broker (again) on the same port, with no retained message.</summary>
    public async Task StartAgainAsync()
    {
        Assert.Null(_process);
        _process = Process.Start(
            new ProcessStartInfo("/usr/sbin/mosquitto", ["-c", _config])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            }
        )!;
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            Assert.False(_process.HasExited, $"mosquitto exited: {string.Join(Environment.NewLine, _log)}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>What the broker logged so far (all runs).</summary>
    public IReadOnlyList<string> Log => [.. _log];

    /// <summary>Waits until <paramref name="count"/> lines of the broker's log contain <paramref name="fragment"/>.</summary>
    public async Task WaitForLogAsync(string fragment, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (_log.Count(l => l.Contains(fragment, StringComparison.Ordinal)) < count)
        {
            Assert.True(
                DateTime.UtcNow < deadline,
                $"mosquitto did not log '{fragment}' {count} times:{Environment.NewLine}{string.Join(Environment.NewLine, _log)}"
            );
            await Task.Delay(50);
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue(line);
        }
    }

    /// <summary>Kills the broker (as a crash or a power cut would).</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: false);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException) { }
    }
}
