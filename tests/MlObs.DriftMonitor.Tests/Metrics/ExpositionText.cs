using System.Globalization;
using System.Text;

namespace MlObs.DriftMonitor.Tests.Metrics;

/// <summary>One sample of the Prometheus text format: its name, labels and value.</summary>
internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out string? value) ? value : throw new KeyNotFoundException(name);

    public bool Has(params (string Name, string Value)[] labels) =>
        labels.All(l => Labels.TryGetValue(l.Name, out string? v) && v == l.Value);
}

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, enough for the tests: comment lines (<c># HELP</c>,
/// <c># TYPE</c>), samples with escaped label values, values including NaN and ±Inf. Anything else throws.
/// </summary>
internal sealed class ExpositionText
{
    private ExpositionText(IReadOnlyList<Sample> samples, IReadOnlyDictionary<string, string> types, IReadOnlyDictionary<string, string> help)
    {
        Samples = samples;
        Types = types;
        Help = help;
    }

    public IReadOnlyList<Sample> Samples { get; }

    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyDictionary<string, string> Help { get; }

    public IEnumerable<Sample> Named(string name) => Samples.Where(s => s.Name == name);

    /// <summary>The samples of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public IReadOnlyList<Sample> Find(string name, params (string Name, string Value)[] labels) =>
        [.. Named(name).Where(s => s.Has(labels))];

    /// <summary>The value of the one sample of <paramref name="name"/> with exactly these labels; throws when absent.</summary>
    public double Value(string name, params (string Name, string Value)[] labels)
    {
        Sample[] matches = [.. Named(name).Where(s => s.Labels.Count == labels.Length && s.Has(labels))];
        return matches.Length == 1
            ? matches[0].Value
            : throw new KeyNotFoundException($"{matches.Length} samples of {name}{{{string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\""))}}}");
    }

    public static async Task<ExpositionText> WriteAndParseAsync(MlObs.DriftMonitor.Metrics.DriftMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.WriteAsync(stream, CancellationToken.None);
        return Parse(Encoding.UTF8.GetString(stream.ToArray()));
    }

    public static ExpositionText Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
                continue;
            if (line.StartsWith('#'))
            {
                string[] parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[1] == "TYPE")
                    types.Add(parts[2], parts[3]);
                else if (parts.Length >= 3 && parts[1] == "HELP")
                    help.Add(parts[2], parts.Length == 4 ? parts[3] : "");
                continue;
            }
            try
            {
                samples.Add(ParseSample(line));
            }
            catch (FormatException e)
            {
                throw new FormatException($"line {lineNumber}: {e.Message}: {line}", e);
            }
        }
        return new ExpositionText(samples, types, help);
    }

    private static Sample ParseSample(string line)
    {
        int i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
            i++;
        if (i == 0)
            throw new FormatException("no metric name");
        string name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                int start = i;
                while (line[i] != '=')
                    i++;
                string label = line[start..i];
                if (line[++i] != '"')
                    throw new FormatException($"label {label} has no quoted value");
                i++;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch
                        {
                            'n' => '\n',
                            '\\' => '\\',
                            '"' => '"',
                            _ => throw new FormatException($"bad escape \\{line[i]}"),
                        });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                    i++;
                }
                i++;
                if (!labels.TryAdd(label, value.ToString()))
                    throw new FormatException($"label {label} twice");
                if (line[i] == ',')
                    i++;
            }
            i++;
        }
        if (line[i] != ' ')
            throw new FormatException("no space before the value");
        string[] rest = line[(i + 1)..].Split(' ');
        double number = rest[0] switch
        {
            "NaN" => double.NaN,
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }
}
