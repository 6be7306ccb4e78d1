using System.Text.Json.Serialization;
using Refit;

namespace SelfHostSync.Proxmox.Http;

/// <summary><c>POST /access/ticket</c> — the same call on PVE and PBS (password, or a valid ticket to renew it).</summary>
internal interface IAccessApi
{
    [Post("/access/ticket")]
    Task<TicketEnvelope> CreateTicketAsync(
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );
}

internal sealed record TicketEnvelope([property: JsonPropertyName("data")] TicketDto? Data);

internal sealed record TicketDto(
    [property: JsonPropertyName("username")] string? Username,
    [property: JsonPropertyName("ticket")] string? Ticket,
    [property: JsonPropertyName("CSRFPreventionToken")] string? CsrfPreventionToken
)
{
    /// <summary>1 when the password was right but a second factor is due: the ticket is a challenge (<c>PVE:!tfa!…</c>), not a session.</summary>
    [JsonPropertyName("NeedTFA")]
    public System.Text.Json.JsonElement? NeedTfa { get; init; }

    public bool IsChallenge =>
        (
            NeedTfa is { ValueKind: System.Text.Json.JsonValueKind.True }
            || (NeedTfa is { ValueKind: System.Text.Json.JsonValueKind.Number } n && n.GetRawText() != "0")
        )
        || Ticket?.Contains(":!tfa!", StringComparison.Ordinal) == true;
}
