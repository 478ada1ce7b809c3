// CharmFiles: where the copied rule, dashboard and promtool files are, and their YAML/JSON read into plain objects.
using System.Diagnostics;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace DriftMonitorRules.Tests;

internal static class CharmFiles
{
    public const string PromtoolPath = "/usr/bin/promtool";

    public const string PromtoolMissing =
        "promtool is not installed at /usr/bin/promtool: install the Debian/Ubuntu package 'prometheus' (CI does) to check the alert rules.";

    public static string CharmDir => Path.Combine(AppContext.BaseDirectory, "charm");

    public static string PrometheusRulesDir => Path.Combine(CharmDir, "src", "prometheus_alert_rules");

    public static string LokiRulesDir => Path.Combine(CharmDir, "src", "loki_alert_rules");

    public static string DashboardsDir => Path.Combine(CharmDir, "src", "grafana_dashboards");

    public static string PromtoolTestsDir => Path.Combine(CharmDir, "tests", "promtool");

    public static string MetricsReadme => Path.Combine(AppContext.BaseDirectory, "metrics", "README.md");

    public static IReadOnlyList<string> PrometheusRuleFiles => Files(PrometheusRulesDir, "*.rule");

    public static IReadOnlyList<string> LokiRuleFiles => Files(LokiRulesDir, "*.rule");

    public static IReadOnlyList<string> PromtoolTestFiles => Files(PromtoolTestsDir, "*.test.yaml");

    public static IReadOnlyList<string> DashboardFiles => Files(DashboardsDir, "*.json");

    /// <summary>Every alerting rule of the rule files: file, name, and the rule's mapping.</summary>
    public static IReadOnlyList<(string File, string Alert, YamlMappingNode Rule)> Alerts(IEnumerable<string> ruleFiles) =>
        [.. from file in ruleFiles
            from g in Sequence(Load(file), "groups")
            from r in Sequence((YamlMappingNode)g, "rules")
            let rule = (YamlMappingNode)r
            where Scalar(rule, "alert") is not null
            select (file, Scalar(rule, "alert")!, rule)];

    public static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;

    public static YamlMappingNode? Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    public static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode s ? s.Children : [];

    public static JsonObject LoadDashboard(string file) => JsonNode.Parse(File.ReadAllText(file))!.AsObject();

    /// <summary>Runs promtool with the arguments in <paramref name="workingDirectory"/>; returns the exit code and output.</summary>
    public static (int ExitCode, string Output) RunPromtool(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(PromtoolPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            return (-1, "promtool did not finish within 2 minutes");
        }

        return (process.ExitCode, stdout.Result + stderr);
    }

    private static List<string> Files(string dir, string pattern)
    {
        Assert.True(Directory.Exists(dir), $"{dir} was not copied to the test output");
        var files = Directory.GetFiles(dir, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        return files;
    }
}
