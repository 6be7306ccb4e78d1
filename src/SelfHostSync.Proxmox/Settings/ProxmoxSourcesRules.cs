using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SelfHostSync.Http.Settings;

namespace SelfHostSync.Proxmox.Settings;

/// <summary>The rules on one value each (the attributes on <see cref="ProxmoxSourcesOptions"/>), generated.</summary>
[OptionsValidator]
internal sealed partial class ProxmoxSourcesFieldRules : IValidateOptions<ProxmoxSourcesOptions>;

/// <summary>The rules across values: credentials, a pin that would be ignored, remotes, names used twice, at least one cluster.</summary>
internal sealed class ProxmoxSourcesRules(SecretFiles secrets, IConfiguration configuration) : IValidateOptions<ProxmoxSourcesOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxmoxSourcesOptions options)
    {
        var problems = new OptionProblems();
        for (var i = 0; i < options.Proxmox.Count; i++)
        {
            Endpoint($"Proxmox[{i}]", options.Proxmox[i], problems);
        }

        for (var i = 0; i < options.BackupServers.Count; i++)
        {
            var server = options.BackupServers[i];
            Endpoint($"BackupServers[{i}]", server, problems);
            var remotes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var remote in server.OffsiteRemotes.Where(r => string.IsNullOrWhiteSpace(r) || !remotes.Add(r.Trim())))
            {
                problems.Add($"BackupServers[{i}].OffsiteRemotes: '{remote}' is empty or listed twice");
            }
        }

        foreach (
            var dup in options
                .Proxmox.Select(p => p.Name)
                .Concat(options.BackupServers.Select(b => b.Name))
                .Where(n => !string.IsNullOrWhiteSpace(n))
                .Concat(SettingsSection.NamesIn(configuration, "Synology"))
                .GroupBy(n => n, StringComparer.Ordinal)
                .Where(g => g.Count() > 1)
        )
        {
            problems.Add($"Name: '{dup.Key}' is used by more than one Proxmox/BackupServers entry");
        }

        if (options.Proxmox.Count == 0)
        {
            problems.Add("Proxmox: at least one cluster is required");
        }

        return problems.Result();
    }

    private void Endpoint(string key, EndpointOptions e, OptionProblems problems)
    {
        Credentials(key, e, problems, secrets);
        problems.IgnoredPin(key, e.Fingerprint, e.InsecureSkipVerify);
    }

    /// <summary>An API token (TokenId + TokenSecret[File]) or, as the option, ticket login (Username + Password[File]).</summary>
    internal static (string? User, string? Secret, bool Ticket) Credentials(
        string key,
        EndpointOptions e,
        OptionProblems problems,
        SecretFiles secrets
    )
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
                // A pasted token (user@realm!name=secret) is named without what follows the '!', which may be the secret.
                var shown = e.Username.Contains('!', StringComparison.Ordinal)
                    ? e.Username[..e.Username.IndexOf('!', StringComparison.Ordinal)] + "!…"
                    : e.Username;
                problems.Add($"{key}.Username: '{shown}' is not a user (user@realm); API tokens go in TokenId");
            }

            return (e.Username, problems.Add(secrets.Read($"{key}.Password", e.Password, e.PasswordFile)), true);
        }

        if (TokenIds.Problem($"{key}.TokenId", e.TokenId) is { } problem)
        {
            problems.Add(problem);
        }

        return (e.TokenId, problems.Add(secrets.Read($"{key}.TokenSecret", e.TokenSecret, e.TokenSecretFile)), false);
    }
}
