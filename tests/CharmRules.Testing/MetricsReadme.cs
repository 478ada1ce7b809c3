// MetricsReadme: the metric names a workload's metrics README documents (the rows of its tables), and the check that every
// metric a charm's rules and dashboards use is among them, so renaming a metric cannot silently break an alert or a panel.
using System.Text.RegularExpressions;
using Xunit;

namespace CharmRules.Testing;

/// <summary>Documented metrics (name → type) and the use of metric names in rule and dashboard files.</summary>
public static partial class MetricsReadme
{
    /// <summary>
    /// name → type (gauge, counter, histogram) from the README's table rows that start
    /// <c>| `name` | type |</c>, for names matching <paramref name="namePattern"/> (e.g. <c>mlobs_[a-z0-9_]+</c>).
    /// </summary>
    public static Dictionary<string, string> Documented(string readme, string namePattern)
    {
        var row = new Regex($@"^\| `(?<name>{namePattern})` \| (?<type>[a-z]+) \|", RegexOptions.CultureInvariant);
        return File.ReadLines(readme)
            .Select(line => row.Match(line))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value, StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="name"/> is documented, directly or as a series of a documented histogram.</summary>
    public static bool IsDocumented(IReadOnlyDictionary<string, string> documented, string name) =>
        documented.ContainsKey(name) || documented.GetValueOrDefault(HistogramBase().Replace(name, string.Empty)) == "histogram";

    /// <summary>The names matching <paramref name="namePattern"/> in each file, with the file's name.</summary>
    public static List<(string File, string Name)> Used(IEnumerable<string> files, string namePattern)
    {
        var name = new Regex($@"\b{namePattern}", RegexOptions.CultureInvariant);
        return [.. files.SelectMany(f => name.Matches(File.ReadAllText(f)).Select(m => (Path.GetFileName(f), m.Value)))];
    }

    /// <summary>Every use of a name is documented in <paramref name="readmeName"/> (named in the failure).</summary>
    public static void AssertAllDocumented(IReadOnlyList<(string File, string Name)> used, IReadOnlyDictionary<string, string> documented, string readmeName)
    {
        Assert.NotEmpty(used);
        Assert.All(used, u => Assert.True(IsDocumented(documented, u.Name), $"{u.File} uses {u.Name}, which {readmeName} does not document"));
    }

    /// <summary>
    /// Every name matching <paramref name="namePattern"/> in the charm's Prometheus rule files and dashboards is documented
    /// in <paramref name="readme"/> (<paramref name="readmeName"/> in failures); returns the documented names.
    /// </summary>
    public static Dictionary<string, string> AssertCharmMetricsDocumented(CharmFiles charm, string readme, string readmeName, string namePattern)
    {
        var documented = Documented(readme, namePattern);
        Assert.NotEmpty(documented);

        AssertAllDocumented(Used(charm.PrometheusRuleFiles.Concat(charm.DashboardFiles), namePattern), documented, readmeName);
        return documented;
    }

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramBase();
}
