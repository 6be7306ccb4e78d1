using System.Globalization;

namespace SelfHostSync.Core.Matrix;

/// <summary>Identifies a guest across clusters: equal VMIDs in two clusters never mix.</summary>
public readonly record struct GuestKey(string Cluster, int Vmid) : IComparable<GuestKey>
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Cluster}/{Vmid}");

    public int CompareTo(GuestKey other)
    {
        var byCluster = string.CompareOrdinal(Cluster, other.Cluster);
        return byCluster != 0 ? byCluster : Vmid.CompareTo(other.Vmid);
    }

    public static bool operator <(GuestKey left, GuestKey right) => left.CompareTo(right) < 0;

    public static bool operator <=(GuestKey left, GuestKey right) => left.CompareTo(right) <= 0;

    public static bool operator >(GuestKey left, GuestKey right) => left.CompareTo(right) > 0;

    public static bool operator >=(GuestKey left, GuestKey right) => left.CompareTo(right) >= 0;

    /// <summary>Parses <c>cluster/vmid</c>.</summary>
    public static bool TryParse(string? text, out GuestKey key)
    {
        key = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var slash = text.LastIndexOf('/');
        if (slash <= 0 || slash == text.Length - 1)
        {
            return false;
        }

        if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var vmid) || vmid <= 0)
        {
            return false;
        }

        key = new GuestKey(text[..slash], vmid);
        return true;
    }
}
