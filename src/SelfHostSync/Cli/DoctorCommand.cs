using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SelfHostSync.Composition;
using SelfHostSync.Core.Sync;
using SelfHostSync.Passes;
using SelfHostSync.State;

namespace SelfHostSync.Cli;

/// <summary>
/// <c>doctor</c>: validates the configuration, reaches every endpoint (TLS pins, logins), checks token privileges
/// (missing ones are problems, over-privileged tokens warnings) and the state directory. With
/// <c>--synology-otp</c> it instead logs in to a NAS once with a 2FA code and prints the trusted-device id to store.
/// </summary>
internal static class DoctorCommand
{
    public static Command Build(TimeProvider time)
    {
        var otp = new Option<string?>("--synology-otp")
        {
            Description = "Enrol SelfHostSync as a trusted device on a 2FA-protected NAS with this one-time code",
        };
        var nasName = new Option<string?>("--synology") { Description = "Which Synology entry (default: the only one)" };
        var command = new Command("doctor", "Check configuration, reachability, TLS pins and token privileges; say what is missing")
        {
            Commands.Config,
            otp,
            nasName,
        };
        command.SetAction(
            async (parse, ct) =>
                await Commands.WithConfig(
                    parse.GetValue(Commands.Config),
                    time,
                    async (config, log, services) =>
                    {
                        if (parse.GetValue(otp) is { } code)
                        {
                            return await EnrolAsync(services.GetRequiredService<IDeviceEnrolment>(), parse.GetValue(nasName), code, ct);
                        }

                        return await ReportAsync(config, services, ct);
                    },
                    DoctorPasses
                )
        );
        return command;
    }

    /// <summary>
    /// Doctor reads live: kept configuration reads (decision 012) would judge a storage.cfg an operator just fixed by
    /// what an earlier pass saw, and a state database that cannot be opened must not stop the endpoint checks.
    /// </summary>
    internal static readonly PassOptions DoctorPasses = new(RecallReads: false);

    /// <summary>Every check, one line each; exit 0 when nothing is a problem (also run by <c>init</c>).</summary>
    internal static async Task<int> ReportAsync(Configuration.AppConfig config, IServiceProvider services, CancellationToken ct)
    {
        var found = new List<Diagnosis> { new("config", DiagnosisLevel.Ok, $"{config.SourcePath} is valid") };
        found.AddRange(
            config.Insecure.Select(e => new Diagnosis(
                e,
                DiagnosisLevel.Warning,
                "InsecureSkipVerify: TLS is not verified; pin the Fingerprint instead"
            ))
        );
        try
        {
            var store = services.GetRequiredService<StateDatabase>();
            found.Add(new Diagnosis("state", DiagnosisLevel.Ok, $"{store.Path} is writable"));
        }
        catch (Configuration.ConfigException ex)
        {
            found.AddRange(ex.Problems.Select(p => new Diagnosis("state", DiagnosisLevel.Problem, p)));
        }

        // Proxmox (clusters and backup servers), the drill cluster, every NAS, then the Home Assistant broker: the order AddSelfHostSync registers them in.
        foreach (var doctor in services.GetServices<IEndpointDoctor>())
        {
            found.AddRange(await doctor.DiagnoseAsync(ct));
        }

        found.AddRange(Notifications.TransportDoctor.Diagnose(config.Daemon.Notifications));
        foreach (var d in found)
        {
            var mark = d.Level switch
            {
                DiagnosisLevel.Ok => "ok     ",
                DiagnosisLevel.Warning => "warning",
                _ => "PROBLEM",
            };
            Console.Out.WriteLine($"{mark} {d.Subject}: {Output.Redaction.Redact(d.Message, config.Secrets)}");
        }

        var problems = found.Count(d => d.Level == DiagnosisLevel.Problem);
        Console.Out.WriteLine(problems == 0 ? "doctor: all good" : $"doctor: {problems} problem(s)");
        return problems == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static async Task<int> EnrolAsync(IDeviceEnrolment enrolment, string? name, string code, CancellationToken ct)
    {
        var candidates = enrolment.Names.Where(n => name is null || n == name).ToList();
        if (candidates.Count != 1)
        {
            Console.Error.WriteLine(
                candidates.Count == 0
                    ? $"doctor: no Synology entry{(name is null ? string.Empty : $" named '{name}'")} in the configuration"
                    : "doctor: several Synology entries; choose one with --synology <name>"
            );
            return ExitCodes.Failed;
        }

        try
        {
            var device = await enrolment.EnrolAsync(candidates[0], code, ct);
            Console.Out.WriteLine($"enrolled as trusted device '{device.DeviceName}' on {device.Nas}.");
            Console.Out.WriteLine("Store this device id as Synology.DeviceId (or in the file named by DeviceIdFile); it is shown once:");
            Console.Out.WriteLine(device.DeviceId);
            return ExitCodes.Ok;
        }
        catch (EnrolmentException ex)
        {
            Console.Error.WriteLine($"doctor: {ex.Message}");
            return ExitCodes.Failed;
        }
    }
}
