using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>A simulated guest: its config file as PVE keeps it, and the digest of that file.</summary>
internal sealed class PveGuestState
{
    public PveGuestState(GuestSpec spec)
    {
        Vmid = spec.Vmid;
        Type = spec.Type;
        Node = spec.Node;
        Status = spec.Status;
        Pool = spec.Pool;
        HaState = spec.HaState;
        Template = spec.Template;
        Description = spec.Description;
        Config[spec.Type == "lxc" ? "hostname" : "name"] = spec.Name;
        if (spec.OnBoot)
        {
            Config["onboot"] = "1";
        }

        if (spec.Protection)
        {
            Config["protection"] = "1";
        }

        if (spec.Template)
        {
            Config["template"] = "1";
        }

        if (spec.Lock is not null)
        {
            Config["lock"] = spec.Lock;
        }

        foreach (var (k, v) in spec.Disks)
        {
            Config[k] = v;
        }

        if (!string.IsNullOrEmpty(spec.Tags))
        {
            Config["tags"] = spec.Tags;
        }
    }

    /// <summary>A guest created by a restore (POST /nodes/{node}/{type}): starts as PVE's restore stub.</summary>
    public PveGuestState(int vmid, string type, string node)
    {
        Vmid = vmid;
        Type = type;
        Node = node;
        Status = "stopped";
        Restored = true;
        Config["memory"] = "128";
        Config["lock"] = "create";
    }

    public int Vmid { get; }

    /// <summary>Made by a restore in this lab: any config key may be written (isolation), not just tags.</summary>
    public bool Restored { get; }

    /// <summary>When the guest agent starts answering; null while stopped or when the guest never boots.</summary>
    public DateTimeOffset? AgentReadyAt { get; set; }

    /// <summary>Commands started through the agent and not yet reported as exited, by pid.</summary>
    public Dictionary<int, LabCommand> Execs { get; } = [];

    public int NextPid { get; set; } = 4711;

    /// <summary>Every command run through the agent, as program and arguments.</summary>
    public List<string> ExecLog { get; } = [];

    public string Type { get; }

    public string Node { get; set; }

    public string Status { get; set; }

    public string? Pool { get; }

    public string? HaState { get; }

    public bool Template { get; }

    public string? Description { get; set; }

    public SortedDictionary<string, string> Config { get; } = new(StringComparer.Ordinal);

    public string Name => Config.GetValueOrDefault(Type == "lxc" ? "hostname" : "name") ?? string.Empty;

    public string? Lock => Config.GetValueOrDefault("lock");

    public string? Tags => Config.GetValueOrDefault("tags");

    /// <summary>Every config write, for tests that prove only tags ever change.</summary>
    public List<IReadOnlyDictionary<string, string>> Writes { get; } = [];

    /// <summary>The config file as PVE renders it: notes as comment lines, then <c>key: value</c>.</summary>
    public string Render()
    {
        var sb = new StringBuilder();
        foreach (var line in (Description ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append('#').Append(line).Append('\n');
        }

        foreach (var (k, v) in Config)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{k}: {v}\n");
        }

        return sb.ToString();
    }

#pragma warning disable CA5350 // PVE itself uses SHA-1 for config digests; this is not a security use.
    public string Digest => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(Render())));
#pragma warning restore CA5350

    public Dictionary<string, object> ToApi()
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["digest"] = Digest };
        foreach (var (k, v) in Config)
        {
            data[k] = k is "onboot" or "protection" or "template" or "memory" or "unprivileged" ? int.Parse(v, CultureInfo.InvariantCulture) : v;
        }

        if (Description is not null)
        {
            data["description"] = Description;
        }

        return data;
    }
}
