using System.Collections.Concurrent;
using System.Security.Cryptography;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Hosting;

/// <summary>Ticket sessions as PVE/PBS issue them: valid 2 h, a CSRF token bound to each, renewable with the ticket.</summary>
internal sealed class LabTickets(string prefix, IReadOnlyList<UserSpec> users)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public int Issued { get; private set; }

    /// <summary>
    /// Logs in with a password or a still-valid ticket of the same user. A two-factor user gets a challenge ticket
    /// (<c>PVE:!tfa!…</c>, <c>NeedTFA</c>) that opens no session until the second factor is sent.
    /// </summary>
    public (string Ticket, string Csrf, bool NeedTfa)? Login(string? username, string? password)
    {
        var user = users.FirstOrDefault(u => u.Name == username);
        if (user is null || password is null)
        {
            return null;
        }

        var ok = password == user.Password || (_sessions.TryGetValue(password, out var renewing) && renewing.User == user && renewing.IsValid);
        if (!ok)
        {
            return null;
        }

        var csrf = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds():X8}:{Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}";
        if (user.TwoFactor && password == user.Password)
        {
            var challenge = Uri.EscapeDataString("{\"totp\":true}");
            return (
                $"{prefix}:!tfa!{challenge}:{DateTimeOffset.UtcNow.ToUnixTimeSeconds():X8}::{Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))}",
                csrf,
                true
            );
        }

        var ticket =
            $"{prefix}:{user.Name}:{DateTimeOffset.UtcNow.ToUnixTimeSeconds():X8}::{Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))}";
        _sessions[ticket] = new Session(user, csrf, DateTimeOffset.UtcNow);
        Issued++;
        return (ticket, csrf, false);
    }

    /// <summary>The principal behind a ticket cookie, as a token-shaped record for privilege checks; null when invalid.</summary>
    public (TokenSpec Principal, string Csrf)? Validate(string ticket) =>
        _sessions.TryGetValue(ticket, out var s) && s.IsValid ? (new TokenSpec(s.User.Name, string.Empty, s.User.Privileges), s.Csrf) : null;

    /// <summary>Expires every ticket (as after a key rotation), for tests.</summary>
    public void ExpireAll() => _sessions.Clear();

    private sealed record Session(UserSpec User, string Csrf, DateTimeOffset IssuedAt)
    {
        public bool IsValid => DateTimeOffset.UtcNow - IssuedAt < Lifetime;
    }
}
