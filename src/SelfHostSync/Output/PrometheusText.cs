using System.Globalization;

namespace SelfHostSync.Output;

/// <summary>
/// Writes the Prometheus text exposition format (0.0.4): one HELP/TYPE block per family, samples sorted by their
/// label values so that two scrapes of the same state are byte-identical. Label values and help text are escaped.
/// </summary>
internal sealed class PrometheusText(TextWriter output)
{
    private readonly PieceBuffer _buffer = new(output);

    public async Task FamilyAsync(
        string name,
        string type,
        string help,
        IEnumerable<(IReadOnlyList<(string Name, string Value)> Labels, double Value)> samples,
        CancellationToken cancellationToken
    )
    {
        var sorted = samples.OrderBy(s => s.Labels, LabelValueOrder.Instance).ToList();
        _buffer
            .Text.Append("# HELP ")
            .Append(name)
            .Append(' ')
            .Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
            .Append('\n');
        _buffer.Text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var (labels, value) in sorted)
        {
            _buffer.Text.Append(name);
            if (labels.Count > 0)
            {
                _buffer.Text.Append('{');
                for (var i = 0; i < labels.Count; i++)
                {
                    if (i > 0)
                    {
                        _buffer.Text.Append(',');
                    }

                    _buffer.Text.Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
                }

                _buffer.Text.Append('}');
            }

            _buffer.Text.Append(' ').Append(Format(value)).Append('\n');
            await _buffer.FlushIfFullAsync(cancellationToken);
        }
    }

    /// <summary>Writes what is buffered to the output (call once more after the last family).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _buffer.FlushAsync(cancellationToken);

    private static string Escape(string value) =>
        value
            .Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Samples ordered by their label values, first label first (ordinal), without a sort key per sample.</summary>
    private sealed class LabelValueOrder : IComparer<IReadOnlyList<(string Name, string Value)>>
    {
        public static readonly LabelValueOrder Instance = new();

        public int Compare(IReadOnlyList<(string Name, string Value)>? x, IReadOnlyList<(string Name, string Value)>? y)
        {
            if (x is null || y is null)
            {
                return x is null ? (y is null ? 0 : -1) : 1;
            }

            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
            {
                var c = string.CompareOrdinal(x[i].Value, y[i].Value);
                if (c != 0)
                {
                    return c;
                }
            }

            return x.Count.CompareTo(y.Count);
        }
    }
}
