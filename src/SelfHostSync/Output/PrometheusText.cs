using System.Globalization;
using System.Text;

namespace SelfHostSync.Output;

/// <summary>
/// Writes the Prometheus text exposition format (0.0.4): one HELP/TYPE block per family, samples sorted by their
/// label values so that two scrapes of the same state are byte-identical. Label values and help text are escaped.
/// </summary>
internal sealed class PrometheusText
{
    private readonly StringBuilder _text = new();

    public PrometheusText Family(string name, string type, string help, IEnumerable<(IReadOnlyList<(string Name, string Value)> Labels, double Value)> samples)
    {
        var sorted = samples.OrderBy(s => s.Labels, LabelValueOrder.Instance).ToList();
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var (labels, value) in sorted)
        {
            _text.Append(name);
            if (labels.Count > 0)
            {
                _text.Append('{');
                for (var i = 0; i < labels.Count; i++)
                {
                    if (i > 0)
                    {
                        _text.Append(',');
                    }

                    _text.Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
                }

                _text.Append('}');
            }

            _text.Append(' ').Append(Format(value)).Append('\n');
        }

        return this;
    }

    /// <summary>What was written, for the response to send chunk by chunk.</summary>
    public StringBuilder Buffer => _text;

    public override string ToString() => _text.ToString();

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

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
