using System.CommandLine;
using System.Text;

namespace SelfHostSync.Cli;

/// <summary>
/// <c>selfhostsync man</c> (hidden): <c>selfhostsync(1)</c> in troff, generated from the command definitions, so the
/// page the package ships says exactly what the binary accepts.
/// </summary>
internal static class ManPage
{
    public static Command Build(RootCommand root)
    {
        var command = new Command("man", "Print the manual page selfhostsync(1) in troff") { Hidden = true };
        command.SetAction(_ =>
        {
            Console.Out.Write(Render(root, typeof(ManPage).Assembly.GetName().Version?.ToString(3) ?? "0"));
            return 0;
        });
        return command;
    }

    public static string Render(RootCommand root, string version)
    {
        var page = new StringBuilder();
        page.AppendLine($".TH SELFHOSTSYNC 1 \"\" \"selfhostsync {Escape(version)}\" \"User Commands\"");
        page.AppendLine(".SH NAME");
        page.AppendLine(@"selfhostsync \- responsibility levels and backup discipline of Proxmox guests, written back as tags");
        page.AppendLine(".SH SYNOPSIS");
        page.AppendLine(@".B selfhostsync");
        page.AppendLine(@".I command");
        page.AppendLine(@"[\fIoptions\fR]");
        page.AppendLine(".SH DESCRIPTION");
        page.AppendLine(Escape(root.Description ?? string.Empty));
        page.AppendLine(".PP");
        page.AppendLine(
            Escape(
                "The daemon (run) is started by systemd (selfhostsync.service); the other commands are run by hand. "
                    + "The configuration is read from --config, $SELFHOSTSYNC_CONFIG, /etc/selfhostsync/appsettings.json or ./appsettings.json; "
                    + "relative secret file names resolve in $CREDENTIALS_DIRECTORY under systemd, else in credentials/ next to the configuration."
            )
        );
        page.AppendLine(".SH COMMANDS");
        foreach (var command in root.Subcommands.Where(c => !c.Hidden))
        {
            Command(page, command, command.Name);
        }

        page.AppendLine(".SH EXIT STATUS");
        foreach (
            var (code, meaning) in new[]
            {
                ("0", "success"),
                ("1", "failed (or refused: another pass or drill is running)"),
                ("2", "unknown guest"),
                ("3", "degraded: a source could not be read; nothing unsafe was written"),
                ("4", "a restore drill failed"),
                ("69", "the daemon is not reachable"),
                ("78", "bad configuration or an unusable state directory"),
            }
        )
        {
            page.AppendLine(".TP").AppendLine($".B {code}").AppendLine(Escape(meaning));
        }

        page.AppendLine(".SH FILES");
        foreach (
            var (file, what) in new[]
            {
                ("/etc/selfhostsync/appsettings.json", "the configuration (root:selfhostsync 0640)"),
                ("/etc/selfhostsync/credentials/", "secrets, one file each (root 0700); the unit loads them all"),
                ("/var/lib/selfhostsync/", "the state database and lock files (selfhostsync 0700)"),
            }
        )
        {
            page.AppendLine(".TP").AppendLine($".I {Escape(file)}").AppendLine(Escape(what));
        }

        page.AppendLine(".SH SEE ALSO");
        page.AppendLine(@".BR systemctl (1),");
        page.AppendLine(@".BR pveum (1),");
        page.AppendLine(@".BR proxmox-backup-manager (1)");
        return page.ToString();
    }

    private static void Command(StringBuilder page, Command command, string path)
    {
        var arguments = string.Concat(command.Arguments.Where(a => !a.Hidden).Select(a => $" <{a.Name}>"));
        page.AppendLine(".TP");
        page.AppendLine($".B {Escape(path)}{Escape(arguments)}");
        page.AppendLine(Escape(command.Description ?? string.Empty));
        foreach (var option in command.Options.Where(o => !o.Hidden && o.Name is not ("--help" or "-h" or "-?")))
        {
            page.AppendLine(".RS")
                .AppendLine(".TP")
                .AppendLine($".B {Escape(option.Name)}")
                .AppendLine(Escape(option.Description ?? string.Empty))
                .AppendLine(".RE");
        }

        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            Command(page, sub, $"{path} {sub.Name}");
        }
    }

    /// <summary>troff: backslashes and hyphens escaped, no line starting with a control character.</summary>
    private static string Escape(string text)
    {
        var escaped = text.Replace("\\", "\\e", StringComparison.Ordinal).Replace("-", "\\-", StringComparison.Ordinal);
        return escaped.StartsWith('.') || escaped.StartsWith('\'') ? "\\&" + escaped : escaped;
    }
}
