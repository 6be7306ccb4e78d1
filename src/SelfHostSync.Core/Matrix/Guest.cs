namespace SelfHostSync.Core.Matrix;

public enum GuestType
{
    Qemu,
    Lxc,
}

public enum HardwareOwner
{
    /// <summary>You own the hardware: intent decides 3a or 3b.</summary>
    Self,

    /// <summary>A rented server or cloud VM running Proxmox: every guest is level 2.</summary>
    Provider,
}

/// <summary>A virtual machine or container as read from a Proxmox VE cluster.</summary>
public sealed record Guest
{
    public required GuestKey Key { get; init; }

    public required string Node { get; init; }

    public required GuestType Type { get; init; }

    public string? Name { get; init; }

    /// <summary>running, stopped, or unknown when the node is offline.</summary>
    public string? Status { get; init; }

    /// <summary>Tags exactly as read (already split), in stored order.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? Pool { get; init; }

    public bool Template { get; init; }

    /// <summary>HA manager state, or null when the guest is not an HA resource.</summary>
    public string? HaState { get; init; }

    /// <summary>Set while a backup, migration or snapshot holds the guest.</summary>
    public string? Lock { get; init; }

    /// <summary>Settings read from the guest configuration; null when they could not be read.</summary>
    public GuestConfig? Config { get; init; }

    public string DisplayName => Name ?? $"{(Type == GuestType.Qemu ? "VM" : "CT")} {Key.Vmid}";

    public string TypeCode => Type == GuestType.Qemu ? "qemu" : "lxc";
}

/// <summary>The parts of a guest configuration that classification and checks use.</summary>
public sealed record GuestConfig(bool OnBoot, bool Protection, string? Description, IReadOnlyList<string> DiskStorages);
