using System.Net;
using System.Security.Authentication;
using System.Text.Json;
using SelfHostSync.Http;

namespace SelfHostSync.Proxmox.Http;

/// <summary>
/// Turns HTTP failures into <see cref="ProxmoxApiException"/> with one clear line: which privilege on which path
/// is missing, digest conflicts, locks, unsupported calls, certificate pin mismatches. Never echoes secrets.
/// </summary>
internal sealed class ErrorMappingHandler(ProxmoxEndpoint endpoint, TlsPolicy tls) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (tls.LastMismatch is { } seen && ex.InnerException is AuthenticationException)
        {
            throw new ProxmoxApiException(
                ProxmoxErrorKind.Failed,
                null,
                $"{endpoint.Kind}:{endpoint.Name}: certificate fingerprint mismatch: pinned {Fingerprints.Display(endpoint.Fingerprint!)}, server presented {Fingerprints.Display(seen)}",
                ex
            );
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
        {
            throw new ProxmoxApiException(
                ProxmoxErrorKind.Failed,
                null,
                $"{endpoint.Kind}:{endpoint.Name}: TLS certificate not trusted ({ex.InnerException.Message}); set Fingerprint to pin it",
                ex
            );
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var message = await MessageOf(response, cancellationToken);
            throw Map(request, response.StatusCode, message);
        }
    }

    internal ProxmoxApiException Map(HttpRequestMessage request, HttpStatusCode status, string message)
    {
        var what = $"{request.Method} {PathOf(request)}";
        var prefix = $"{endpoint.Kind}:{endpoint.Name}";
        return status switch
        {
            HttpStatusCode.Unauthorized => new ProxmoxApiException(
                ProxmoxErrorKind.Unauthorized,
                status,
                $"{prefix}: authentication failed for {endpoint.Identity} on {what} ({(endpoint.UsesTicket ? "password wrong or ticket expired" : "token wrong, expired or revoked")})"
            ),
            HttpStatusCode.Forbidden => new ProxmoxApiException(
                ProxmoxErrorKind.Forbidden,
                status,
                $"{prefix}: permission denied on {what}: {Privileges.Explain(endpoint.Product, request.Method, PathOf(request), message)}"
            ),
            HttpStatusCode.NotImplemented => new ProxmoxApiException(
                ProxmoxErrorKind.NotSupported,
                status,
                $"{prefix}: {what} is not supported by this {(endpoint.Product == ProxmoxProduct.Pve ? "Proxmox VE" : "Proxmox Backup Server")} version ({message})"
            ),
            _ when message.Contains("checksum mismatch", StringComparison.OrdinalIgnoreCase)
                    || message.Contains("detected modified configuration", StringComparison.OrdinalIgnoreCase) => new ProxmoxApiException(
                ProxmoxErrorKind.DigestConflict,
                status,
                $"{prefix}: {what}: configuration changed since it was read ({message})"
            ),
            _ when message.Contains("is locked", StringComparison.OrdinalIgnoreCase) => new ProxmoxApiException(
                ProxmoxErrorKind.Locked,
                status,
                $"{prefix}: {what}: {message}"
            ),
            _ => new ProxmoxApiException(ProxmoxErrorKind.Failed, status, $"{prefix}: {what} failed: HTTP {(int)status} {message}"),
        };
    }

    private static string PathOf(HttpRequestMessage request)
    {
        var path = request.RequestUri?.AbsolutePath ?? "?";
        var i = path.IndexOf("/api2/json", StringComparison.Ordinal);
        return Uri.UnescapeDataString(i >= 0 ? path[(i + "/api2/json".Length)..] : path);
    }

    /// <summary>
    /// The server's own words. PVE: a JSON body with <c>message</c> (since pve-http-server 5.2) and, for parameter
    /// errors, <c>errors</c> per parameter; before 5.2 only the reason phrase. PBS: the error as plain text under a
    /// JSON content type, with the canonical reason phrase (proxmox-rest-server <c>error_to_response</c>).
    /// </summary>
    private static async Task<string> MessageOf(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var reason = response.ReasonPhrase ?? string.Empty;
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            return OneLine(reason);
        }

        if (body.Length is 0 or >= 65536)
        {
            return OneLine(reason);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return OneLine(reason);
            }

            var message =
                doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()!.Trim() : reason;
            if (doc.RootElement.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object && e.EnumerateObject().Any())
            {
                var parts = e.EnumerateObject()
                    .Select(p => $"{p.Name}: {(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()!.Trim() : p.Value.GetRawText())}");
                return OneLine($"{message} ({string.Join("; ", parts)})");
            }

            return OneLine(message);
        }
        catch (JsonException)
        {
            // PBS: the body is the message; its first line says what went wrong.
            var first = body.Split('\n', 2)[0].Trim();
            return OneLine(first.Length > 0 ? first : reason);
        }
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
