// LokiRuleFileBuilder: the rule file loki-k8s derives from one loki_push_api relation (cos-wire
// §5.3): `<identifier>_alert.rules` = yaml.dump({"groups": ...}). For the demo and the tests.
using System.Text.Json.Nodes;
using MlObs.Cos.PrometheusScrape;
using MlObs.Cos.Rules;

namespace MlObs.Cos.LokiPushApi;

/// <summary>The Loki (provider) side of loki_push_api's rules, as loki-k8s runs it.</summary>
public static class LokiRuleFileBuilder
{
    /// <summary>Derives the rule file of one relation from the requirer's application databag.</summary>
    /// <param name="appData">The requirer application's databag (<c>metadata</c>, <c>alert_rules</c>).</param>
    /// <param name="unitCount">How many requirer units the relation has (Loki ignores a relation without units).</param>
    /// <param name="expressionTransform">cos-tool's LogQL label injection, if any.</param>
    /// <param name="problems">What in the data the real charm would choke on.</param>
    /// <returns>The rule file, or null when there are no rules.</returns>
    public static RuleFile? Derive(
        IReadOnlyDictionary<string, string> appData,
        int unitCount,
        Func<string, IReadOnlyList<KeyValuePair<string, string>>, string>? expressionTransform,
        out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(appData);
        var found = new List<string>();
        problems = found;
        if (unitCount == 0 || !ScrapeConfigBuilder.TryParse(appData, "alert_rules", "{}", found, out var node))
        {
            return null;
        }

        if (node is not JsonObject { Count: > 0 } rules)
        {
            if (node is not JsonObject)
            {
                found.Add("alert_rules is not a JSON object");
            }

            return null;
        }

        rules = (JsonObject)rules.DeepClone();
        if (rules["groups"] is JsonArray groups)
        {
            foreach (var rule in groups.OfType<JsonObject>().SelectMany(g => (g["rules"] as JsonArray ?? []).OfType<JsonObject>()))
            {
                if (rule["labels"] is JsonObject { Count: > 0 } labels && ScrapeConfigBuilder.TopologyOfLabels(labels) is { } topology
                    && rule["expr"] is JsonValue e && e.TryGetValue<string>(out var expr))
                {
                    // loki-k8s removes a leftover placeholder with "" (the requirer has replaced it already).
                    expr = AlertRules.ReplaceTopologyPlaceholder(expr, QueryLanguage.PromQl);
                    rule["expr"] = expressionTransform is null ? expr : expressionTransform(expr, topology.AlertExpressionLabels);
                }
            }
        }

        var identifier = ScrapeConfigBuilder.IdentifierOf(rules);
        if (identifier is null && ScrapeConfigBuilder.TryParse(appData, "metadata", "{}", [], out var metadata) && metadata is JsonObject { Count: > 0 } meta)
        {
            try
            {
                identifier = JujuTopology.FromJson(meta).Identifier;
            }
            catch (InvalidTopologyException e)
            {
                found.Add($"metadata: {e.Message}");
                return null;
            }
        }

        identifier ??= (rules["groups"] as JsonArray)?.OfType<JsonObject>().Select(g => g["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : null).FirstOrDefault();
        if (identifier is null)
        {
            found.Add("alert rules without a usable group name or identifier");
            return null;
        }

        var document = new JsonObject { ["groups"] = rules["groups"]?.DeepClone() };
        return new RuleFile($"{identifier}_alert.rules", document, PyYaml.Dump(document));
    }
}
