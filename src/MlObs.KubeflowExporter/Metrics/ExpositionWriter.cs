// Writing the Prometheus text exposition format 0.0.4 by hand, for the metrics built at scrape time (object states from the
// caches, inference pods' series): families with HELP and TYPE once, escaped label values, Prometheus's spelling of values.
using System.Globalization;
using System.Text;

namespace MlObs.KubeflowExporter.Metrics;

/// <summary>Appends metric families and samples in the text format to a <see cref="StringBuilder"/>.</summary>
public sealed class ExpositionWriter
{
    private readonly StringBuilder _text;

    /// <summary>Writes into <paramref name="text"/>.</summary>
    public ExpositionWriter(StringBuilder text) => _text = text;

    /// <summary>Starts a family: its <c># HELP</c> and <c># TYPE</c> lines.</summary>
    public void Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (char c in help)
        {
            _ = c switch
            {
                '\\' => _text.Append("\\\\"),
                '\n' => _text.Append("\\n"),
                _ => _text.Append(c),
            };
        }
        _text.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>One sample with its labels.</summary>
    public void Sample(string name, ReadOnlySpan<KeyValuePair<string, string>> labels, double value)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                    _text.Append(',');
                _text.Append(labels[i].Key).Append("=\"");
                AppendEscaped(labels[i].Value);
                _text.Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    /// <summary>One sample with labels given as name, value, name, value….</summary>
    public void Sample(string name, double value, params string[] labelPairs)
    {
        ArgumentNullException.ThrowIfNull(labelPairs);
        var labels = new KeyValuePair<string, string>[labelPairs.Length / 2];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = new(labelPairs[2 * i], labelPairs[(2 * i) + 1]);
        Sample(name, labels, value);
    }

    /// <summary>A value as Prometheus writes it: NaN, +Inf, -Inf, or the shortest round-trip decimal.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private void AppendEscaped(string value)
    {
        foreach (char c in value)
        {
            _ = c switch
            {
                '\\' => _text.Append("\\\\"),
                '"' => _text.Append("\\\""),
                '\n' => _text.Append("\\n"),
                _ => _text.Append(c),
            };
        }
    }
}
