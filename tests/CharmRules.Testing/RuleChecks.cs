// RuleChecks: what every charm's alert rules must satisfy: promtool accepts and tests them, every alert has a promtool case
// where it fires and one where it must not, every alert carries severity, for, summary and a description that says what to
// do, and the rules stay valid once loaded the way the charm publishes them (MlObs.Cos's AlertRules with a topology).
using System.Text.Json.Nodes;
using MlObs.Cos;
using MlObs.Cos.Rules;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace CharmRules.Testing;

/// <summary>Assertions over a charm's Prometheus and Loki rule files.</summary>
public static class RuleChecks
{
    /// <summary>`promtool check rules` accepts every Prometheus rule file of the charm.</summary>
    public static void AssertPromtoolChecksRules(CharmFiles charm)
    {
        var (exitCode, output) = Promtool.Run(charm.PrometheusRulesDir, ["check", "rules", .. charm.PrometheusRuleFiles]);

        Assert.True(exitCode == 0, $"promtool check rules failed ({exitCode}):\n{output}");
    }

    /// <summary>`promtool test rules` passes every test file, run from its own directory (rule_files are relative).</summary>
    public static void AssertPromtoolTestsPass(CharmFiles charm)
    {
        foreach (var file in charm.PromtoolTestFiles)
        {
            var (exitCode, output) = Promtool.Run(Path.GetDirectoryName(file)!, "test", "rules", Path.GetFileName(file));
            Assert.True(exitCode == 0, $"promtool test rules {Path.GetFileName(file)} failed ({exitCode}):\n{output}");
        }
    }

    /// <summary>
    /// Every alert of the rule files has a promtool case where it fires (non-empty exp_alerts) and one where it must not
    /// (exp_alerts: []), every rule file is under test, and no case names an alert that no rule file defines.
    /// </summary>
    public static void AssertEveryAlertHasFiringAndQuietCases(CharmFiles charm)
    {
        var firing = new HashSet<string>(StringComparer.Ordinal);
        var quiet = new HashSet<string>(StringComparer.Ordinal);
        var rulesTested = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in charm.PromtoolTestFiles)
        {
            var document = Yaml.Load(file);
            foreach (var ruleFile in Yaml.Sequence(document, "rule_files").OfType<YamlScalarNode>())
            {
                rulesTested.Add(Path.GetFileName(ruleFile.Value!));
            }

            foreach (var caseNode in PromtoolCases(document))
            {
                var alert = Yaml.Scalar(caseNode, "alertname");
                Assert.False(string.IsNullOrEmpty(alert), $"{Path.GetFileName(file)}: an alert_rule_test case has no alertname");
                Assert.NotNull(Yaml.Scalar(caseNode, "eval_time"));
                var expected = Yaml.Sequence(caseNode, "exp_alerts").ToList();
                (expected.Count == 0 ? quiet : firing).Add(alert!);
            }
        }

        var alerts = Yaml.Alerts(charm.PrometheusRuleFiles);
        Assert.All(alerts, a => Assert.True(firing.Contains(a.Alert), $"{a.Alert} has no promtool case where it fires"));
        Assert.All(alerts, a => Assert.True(quiet.Contains(a.Alert), $"{a.Alert} has no promtool case where it must not fire (exp_alerts: [])"));
        Assert.All(charm.PrometheusRuleFiles, f => Assert.Contains(Path.GetFileName(f), rulesTested));
        var known = alerts.Select(a => a.Alert).ToHashSet(StringComparer.Ordinal);
        Assert.All(firing.Concat(quiet), name => Assert.True(known.Contains(name), $"a promtool case tests {name}, which no rule file defines"));
    }

    /// <summary>The alert_rule_test cases of a promtool test document, in order.</summary>
    public static IEnumerable<YamlMappingNode> PromtoolCases(YamlMappingNode document) =>
        from test in Yaml.Sequence(document, "tests").OfType<YamlMappingNode>()
        from caseNode in Yaml.Sequence(test, "alert_rule_test").OfType<YamlMappingNode>()
        select caseNode;

    /// <summary>
    /// The alert has a severity among <paramref name="severities"/>, a <c>for</c> in minutes or hours, a summary, and a
    /// description with "What to do:"; its expression parses in <paramref name="language"/> (after the topology placeholder
    /// is replaced) and names no <c>juju_*</c> label (COS injects the topology).
    /// </summary>
    public static void AssertAlertIsComplete(string file, string alert, YamlMappingNode rule, QueryLanguage language, params string[] severities)
    {
        var where = $"{Path.GetFileName(file)}: {alert}";
        var severity = Yaml.Scalar(Yaml.Mapping(rule, "labels") ?? new YamlMappingNode(), "severity");
        Assert.True(severity is not null && severities.Contains(severity), $"{where}: severity {severity ?? "(none)"} is not one of {string.Join(", ", severities)}");
        Assert.Matches("^[0-9]+[mh]$", Yaml.Scalar(rule, "for") ?? string.Empty);
        var annotations = Yaml.Mapping(rule, "annotations");
        Assert.True(annotations is not null, $"{where}: no annotations");
        Assert.False(string.IsNullOrWhiteSpace(Yaml.Scalar(annotations, "summary")), $"{where}: no summary");
        Assert.True((Yaml.Scalar(annotations, "description") ?? string.Empty).Contains("What to do:", StringComparison.Ordinal), $"{where}: the description does not say what to do");

        var expr = Yaml.Scalar(rule, "expr")!;
        Assert.DoesNotContain("juju_", expr.Replace("%%juju_topology%%", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var replaced = AlertRules.ReplaceTopologyPlaceholder(expr, language);
        string? error;
        Assert.True(language == QueryLanguage.LogQl ? LogQl.TryParse(replaced, out error) : PromQl.TryParse(replaced, out error), $"{where}: {error}");
    }

    /// <summary>
    /// Loads the rules of <paramref name="dir"/> as the charm does (AlertRules with the topology, and the transform COS's
    /// cos-tool applies, if any), asserts there was no problem, that every rule carries the topology labels and parses, and
    /// that the transform injected the topology; returns the published value and its alerting rules.
    /// </summary>
    public static (JsonObject Published, IReadOnlyList<JsonObject> Alerts) LoadAsTheCharmDoes(
        string dir,
        QueryLanguage language,
        JujuTopology topology,
        Func<string, IReadOnlyList<KeyValuePair<string, string>>, string>? transform,
        bool withHostHealth)
    {
        var rules = new AlertRules(language, topology, transform);
        rules.AddPath(dir);
        if (withHostHealth)
        {
            rules.Add(AlertRules.HostHealthRules());
        }

        Assert.Empty(rules.Problems);
        var published = rules.ToJson();
        var loaded = published["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!.AsObject()).ToList();
        foreach (var rule in loaded)
        {
            Assert.Equal(topology.Application, rule["labels"]!["juju_application"]!.GetValue<string>());
            Assert.Equal(topology.Model, rule["labels"]!["juju_model"]!.GetValue<string>());
            var expr = rule["expr"]!.GetValue<string>();
            Assert.DoesNotContain("%%", expr, StringComparison.Ordinal);
            string? error;
            Assert.True(language == QueryLanguage.LogQl ? LogQl.TryParse(expr, out error) : PromQl.TryParse(expr, out error), $"{expr}: {error}");
            if (transform is not null)
            {
                Assert.Contains($"juju_application=\"{topology.Application}\"", expr, StringComparison.Ordinal);
            }
        }

        return (published, [.. loaded.Where(r => r["alert"] is not null)]);
    }

    /// <summary>`promtool check rules` accepts a published rule value (JSON is YAML: promtool reads it as a rule file).</summary>
    public static void AssertPromtoolAccepts(JsonObject published)
    {
        var dir = Directory.CreateTempSubdirectory("charm-rules-").FullName;
        try
        {
            var file = Path.Combine(dir, "loaded.rules.json");
            File.WriteAllText(file, published.ToJsonString());
            var (exitCode, output) = Promtool.Run(dir, "check", "rules", file);
            Assert.True(exitCode == 0, $"promtool check rules on the loaded rules failed ({exitCode}):\n{output}\n{published}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
