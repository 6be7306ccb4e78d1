using System.Net;

namespace SelfHostSync.Proxmox.Http;

public enum ProxmoxErrorKind
{
    /// <summary>401: the token is wrong, expired or revoked.</summary>
    Unauthorized,

    /// <summary>403: the token lacks a privilege on a path.</summary>
    Forbidden,

    /// <summary>The config digest changed between read and write.</summary>
    DigestConflict,

    /// <summary>The guest is locked (backup, migration, snapshot).</summary>
    Locked,

    /// <summary>501: this Proxmox version does not implement the call.</summary>
    NotSupported,

    /// <summary>The response could not be understood.</summary>
    BadResponse,

    /// <summary>Anything else the server said no to.</summary>
    Failed,
}

/// <summary>A Proxmox API error mapped to what it means for SelfHostSync, with a one-line message and no secrets.</summary>
public sealed class ProxmoxApiException : Exception
{
    public ProxmoxApiException(ProxmoxErrorKind kind, HttpStatusCode? status, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Status = status;
    }

    public ProxmoxErrorKind Kind { get; }

    public HttpStatusCode? Status { get; }
}
