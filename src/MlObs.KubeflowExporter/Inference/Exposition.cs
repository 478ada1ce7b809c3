// A careful reader of the Prometheus text exposition format 0.0.4 (what KServe's model server, Knative's queue-proxy and
// KServe's aggregation port, and Seldon's executor serve): HELP and TYPE comments, samples with escaped label values,
// optional timestamps, histogram and summary sample suffixes grouped under their family. Any malformed line is an error with
// its line number: a target that serves garbage is reported as failed, never half re-exposed.
using System.Globalization;
using System.Text;

namespace MlObs.KubeflowExporter.Inference;

/// <summary>One sample: its name (with any _bucket/_sum/_count suffix), labels in order, and value.</summary>
public sealed record MetricSample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value);

/// <summary>A metric family: name, type (counter, gauge, histogram, summary, untyped), help and samples.</summary>
public sealed class MetricFamily(string name, string type, string? help)
{
    /// <summary>The family name.</summary>
    public string Name { get; } = name;

    /// <summary>The type from <c># TYPE</c>, or <c>untyped</c>.</summary>
    public string Type { get; set; } = type;

    /// <summary>The text of <c># HELP</c>, unescaped, or null.</summary>
    public string? Help { get; set; } = help;

    /// <summary>The samples, in the order read.</summary>
    public List<MetricSample> Samples { get; } = [];
}

/// <summary>Malformed exposition text; the message names the line.</summary>
public sealed class ExpositionFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ExpositionFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ExpositionFormatException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ExpositionFormatException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>Parses the text format into families.</summary>
public static class Exposition
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    /// <summary>Parses <paramref name="text"/>; families appear in the order first seen.</summary>
    /// <exception cref="ExpositionFormatException">A line is malformed (the message names it).</exception>
    public static IReadOnlyList<MetricFamily> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var families = new List<MetricFamily>();
        var byName = new Dictionary<string, MetricFamily>(StringComparer.Ordinal);
        int lineNumber = 0;
        int start = 0;
        while (start <= text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0)
                end = text.Length;
            ReadOnlySpan<char> line = text.AsSpan(start, end - start).TrimEnd('\r');
            lineNumber++;
            start = end + 1;
            try
            {
                if (line.IsEmpty || line.IsWhiteSpace())
                    continue;
                if (line[0] == '#')
                {
                    if (line.SequenceEqual("# EOF"))
                        break;
                    Comment(line, families, byName);
                    continue;
                }
                MetricSample sample = ParseSample(line);
                FamilyOf(sample, families, byName).Samples.Add(sample);
            }
            catch (ExpositionFormatException e)
            {
                throw new ExpositionFormatException($"line {lineNumber}: {e.Message}", e);
            }
        }
        return families;
    }

    /// <summary>Whether <paramref name="name"/> is a valid metric name.</summary>
    public static bool IsMetricName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] is '_' or ':'))
            return false;
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or ':'))
                return false;
        }
        return true;
    }

    /// <summary>Whether <paramref name="name"/> is a valid label name.</summary>
    public static bool IsLabelNameText(string name) => IsLabelName(name);

    /// <summary>Whether <paramref name="name"/> is a valid label name.</summary>
    public static bool IsLabelName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
            return false;
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
                return false;
        }
        return true;
    }

    private static void Comment(ReadOnlySpan<char> line, List<MetricFamily> families, Dictionary<string, MetricFamily> byName)
    {
        ReadOnlySpan<char> rest = line[1..].TrimStart(" \t");
        bool help = rest.StartsWith("HELP ") || rest.StartsWith("HELP\t");
        bool type = rest.StartsWith("TYPE ") || rest.StartsWith("TYPE\t");
        if (!help && !type)
            return; // an ordinary comment
        rest = rest[4..].TrimStart(" \t");
        int space = rest.IndexOfAny(' ', '\t');
        ReadOnlySpan<char> name = space < 0 ? rest : rest[..space];
        ReadOnlySpan<char> value = space < 0 ? [] : rest[(space + 1)..];
        if (!IsMetricName(name))
            throw new ExpositionFormatException($"'{name}' is not a metric name");
        string familyName = name.ToString();
        if (!byName.TryGetValue(familyName, out MetricFamily? family))
        {
            family = new MetricFamily(familyName, "untyped", null);
            byName[familyName] = family;
            families.Add(family);
        }
        if (help)
        {
            if (family.Help is not null)
                throw new ExpositionFormatException($"second HELP for {familyName}");
            family.Help = UnescapeHelp(value);
            return;
        }
        string t = value.Trim(" \t").ToString();
        if (!Types.Contains(t, StringComparer.Ordinal))
            throw new ExpositionFormatException($"'{t}' is not a metric type");
        if (family.Samples.Count > 0)
            throw new ExpositionFormatException($"TYPE for {familyName} after its samples");
        family.Type = t;
    }

    private static MetricFamily FamilyOf(MetricSample sample, List<MetricFamily> families, Dictionary<string, MetricFamily> byName)
    {
        string name = sample.Name;
        if (byName.TryGetValue(name, out MetricFamily? exact))
        {
            // A summary's quantiles carry the bare name; a histogram has no bare-name sample.
            return exact.Type != "histogram" ? exact : throw new ExpositionFormatException($"histogram sample {name} without _bucket, _sum or _count");
        }
        foreach (string suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (!name.EndsWith(suffix, StringComparison.Ordinal))
                continue;
            if (byName.TryGetValue(name[..^suffix.Length], out MetricFamily? f) && (f.Type == "histogram" || (f.Type == "summary" && suffix != "_bucket")))
            {
                if (f.Type == "histogram" && suffix == "_bucket" && !sample.Labels.Any(l => l.Key == "le"))
                    throw new ExpositionFormatException($"{name} has no le label");
                return f;
            }
        }
        var untyped = new MetricFamily(name, "untyped", null);
        byName[name] = untyped;
        families.Add(untyped);
        return untyped;
    }

    private static MetricSample ParseSample(ReadOnlySpan<char> line)
    {
        int i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
            i++;
        ReadOnlySpan<char> name = line[..i];
        if (!IsMetricName(name))
            throw new ExpositionFormatException("no metric name");
        var labels = new List<KeyValuePair<string, string>>();
        int afterName = SkipBlanks(line, i);
        if (afterName < line.Length && line[afterName] == '{')
        {
            i = SkipBlanks(line, afterName + 1);
            while (true)
            {
                if (i >= line.Length)
                    throw new ExpositionFormatException("unterminated label set");
                if (line[i] == '}')
                {
                    i++;
                    break;
                }
                int nameStart = i;
                while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_'))
                    i++;
                ReadOnlySpan<char> label = line[nameStart..i];
                if (!IsLabelName(label))
                    throw new ExpositionFormatException($"bad label name at column {nameStart + 1}");
                i = SkipBlanks(line, i);
                if (i >= line.Length || line[i] != '=')
                    throw new ExpositionFormatException($"label {label} has no '='");
                i = SkipBlanks(line, i + 1);
                if (i >= line.Length || line[i] != '"')
                    throw new ExpositionFormatException($"label {label} has no quoted value");
                i++;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                        throw new ExpositionFormatException($"label {label} has an unterminated value");
                    char c = line[i];
                    if (c == '"')
                        break;
                    if (c == '\\')
                    {
                        if (++i >= line.Length)
                            throw new ExpositionFormatException($"label {label} ends in a backslash");
                        value.Append(line[i] switch
                        {
                            'n' => '\n',
                            '\\' => '\\',
                            '"' => '"',
                            char other => throw new ExpositionFormatException($"bad escape \\{other} in label {label}"),
                        });
                    }
                    else
                    {
                        value.Append(c);
                    }
                    i++;
                }
                string labelName = label.ToString();
                if (labels.Any(l => l.Key == labelName))
                    throw new ExpositionFormatException($"label {labelName} twice");
                labels.Add(new(labelName, value.ToString()));
                i = SkipBlanks(line, i + 1);
                if (i < line.Length && line[i] == ',')
                    i = SkipBlanks(line, i + 1);
                else if (i < line.Length && line[i] != '}')
                    throw new ExpositionFormatException($"expected ',' or '}}' after label {labelName}");
            }
        }
        if (i >= line.Length || line[i] is not (' ' or '\t'))
            throw new ExpositionFormatException("no blank before the value");
        i = SkipBlanks(line, i);
        int valueStart = i;
        while (i < line.Length && line[i] is not (' ' or '\t'))
            i++;
        double number = ParseValue(line[valueStart..i]);
        i = SkipBlanks(line, i);
        if (i < line.Length)
        {
            // A timestamp (milliseconds): allowed, and dropped when re-exposed (the exporter's scrape time applies).
            if (!long.TryParse(line[i..].TrimEnd(" \t"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                throw new ExpositionFormatException($"'{line[i..]}' is not a timestamp");
        }
        return new MetricSample(name.ToString(), labels, number);
    }

    private static double ParseValue(ReadOnlySpan<char> text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) => v,
        _ => throw new ExpositionFormatException($"'{text}' is not a value"),
    };

    private static int SkipBlanks(ReadOnlySpan<char> line, int i)
    {
        while (i < line.Length && line[i] is ' ' or '\t')
            i++;
        return i;
    }

    private static string UnescapeHelp(ReadOnlySpan<char> text)
    {
        var help = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '\\' or 'n')
            {
                help.Append(text[++i] == 'n' ? '\n' : '\\');
            }
            else
            {
                help.Append(text[i]);
            }
        }
        return help.ToString();
    }
}
