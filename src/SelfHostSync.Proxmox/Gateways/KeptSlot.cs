using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// One key of the <see cref="ReadMemory"/>: what an endpoint's read is kept under, written in the API's own JSON shape
/// (the wire records round-trip). The key names the endpoint, its address and the identity it reads as, so a read made
/// with another token or at another address is never taken for this one; a payload this build cannot read is a miss.
/// </summary>
internal sealed record KeptSlot(ReadMemory Memory, string Key)
{
    private static readonly JsonSerializerOptions Json = new(ProxmoxClients.Json) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static KeptSlot? For(ReadMemory? memory, ProxmoxEndpoint endpoint, string part) =>
        memory is null ? null : new KeptSlot(memory, $"{endpoint.Kind}:{endpoint.Name}:{Identity(endpoint)}/{part}");

    public bool TryRecall<T>(out T value, out DateTimeOffset readAt)
        where T : class
    {
        value = null!;
        readAt = default;
        if (Memory.Recall(Key) is not { } kept)
        {
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize<T>(kept.Payload, Json)!;
            readAt = kept.ReadAt;
            return value is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public void Keep<T>(T value, DateTimeOffset readAt) => Memory.Keep(Key, JsonSerializer.Serialize(value, Json), readAt);

    /// <summary>Address and token (or user) in a short hash: the key says whose read it is without naming either.</summary>
    private static string Identity(ProxmoxEndpoint endpoint) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{endpoint.BaseUrl}\n{endpoint.TokenId}")).AsSpan(0, 6));
}
