using System.Text.Json.Serialization;
using Refit;

namespace SelfHostSync.Proxmox.Http;

/// <summary><c>POST /access/ticket</c> — the same call on PVE and PBS (password, or a valid ticket to renew it).</summary>
internal interface IAccessApi
{
    [Post("/access/ticket")]
    Task<TicketEnvelope> CreateTicketAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken);
}

internal sealed record TicketEnvelope([property: JsonPropertyName("data")] TicketDto? Data);

internal sealed record TicketDto(
    [property: JsonPropertyName("username")] string? Username,
    [property: JsonPropertyName("ticket")] string? Ticket,
    [property: JsonPropertyName("CSRFPreventionToken")] string? CsrfPreventionToken);
