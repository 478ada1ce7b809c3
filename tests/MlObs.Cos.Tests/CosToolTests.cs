// CosToolTests: with the native injectors plugged in, the consumer derivations give what the COS
// charms give with the real cos-tool: topology matchers in rule expressions and dashboard queries.
using System.Text.Json.Nodes;
using MlObs.Cos.GrafanaDashboard;
using MlObs.Cos.LokiPushApi;
using MlObs.Cos.PrometheusScrape;
using MlObs.Cos.Rules;
using Xunit;

namespace MlObs.Cos.Tests;

public sealed class CosToolTests
{
    private const string Topology = "juju_application=\"myapp\",juju_model=\"dev-model\",juju_model_uuid=\"f2c1b2a6-1234-4abc-8def-0123456789ab\"";

    [Fact]
    public void PrometheusRuleFile_WithInjection_ScopesEveryExpressionToTheApplication()
    {
        var input = Golden.Load("consume-prometheus.json");
        var relation = new ScrapeRelationData(
            "metrics-endpoint",
            0,
            Golden.Strings(input["app"]),
            input["units"]!.AsObject().ToDictionary(u => u.Key, u => Golden.Strings(u.Value), StringComparer.Ordinal));

        var derived = ScrapeConfigBuilder.Derive(relation, expressionTransform: CosTool.PromQlTransform);

        var rule = derived.RuleFile!.Rules["groups"]![0]!["rules"]![0]!;
        Assert.Equal($"up{{job=~\".*web.*\",{Topology}}} < 1", rule["expr"]!.GetValue<string>());
        Promtool.AssertRulesValid(derived.RuleFile.Yaml, derived.RuleFile.FileName);
    }

    [Fact]
    public void LokiRuleFile_WithInjection_AddsTheTopologyToTheStreamSelector()
    {
        var input = Golden.Load("consume-loki.json");

        var file = LokiRuleFileBuilder.Derive(Golden.Strings(input["app"]), 1, CosTool.LogQlTransform, out var problems);

        Assert.Empty(problems);
        var expr = file!.Rules["groups"]![0]!["rules"]![0]!["expr"]!.GetValue<string>();
        Assert.Equal(
            "(sum by(job)(rate({job=~\".+\", juju_application=\"myapp\", juju_model=\"dev-model\", juju_model_uuid=\"f2c1b2a6-1234-4abc-8def-0123456789ab\"} |= \"error\"[5m])) > 0.05)",
            expr);
    }

    [Fact]
    public void Dashboard_WithInjection_FiltersPrometheusPanelsByTheTopologyDropdowns()
    {
        var input = Golden.Load("consume-grafana.json")["app"]!["dashboards"]!.GetValue<string>();

        var result = GrafanaDashboardRenderer.Render(input, 1, new GrafanaRenderOptions
        {
            PromQlInjector = CosTool.PromQlInjector,
            LogQlInjector = CosTool.LogQlInjector,
        });

        var content = JsonNode.Parse(Assert.Single(result.Dashboards).Content)!;
        var exprs = content["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => t!["expr"]!.GetValue<string>()).ToList();
        Assert.Contains(
            "sum by (juju_unit) (up{juju_application=~\"$juju_application\",juju_model=~\"$juju_model\",juju_model_uuid=~\"$juju_model_uuid\",juju_unit=~\"$juju_unit\"})",
            exprs);
        Assert.Contains(exprs, e => e.StartsWith("rate(http_requests_total{", StringComparison.Ordinal) && e.EndsWith("}[$__rate_interval])", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownOperator_IsRefusedWithTheOperatorNamed() =>
        Assert.Contains("\"==\"", Assert.Throws<ArgumentException>(() => CosTool.PromQlInjector("up", [("a", "==", "b")])).Message, StringComparison.Ordinal);
}
