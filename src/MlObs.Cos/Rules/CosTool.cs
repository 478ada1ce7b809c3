// CosTool: the native injectors in the shapes the consumer derivations take, so deriving what the
// COS charms derive (they run `cos-tool transform`) needs no Go binary.
namespace MlObs.Cos.Rules;

/// <summary>What <c>cos-tool transform --label-matcher …</c> does, as delegates for the consumer derivations.</summary>
public static class CosTool
{
    /// <summary>PromQL injection of equality matchers (alert rules: <c>alert_expression_dict</c>), for <c>ScrapeConfigBuilder.Derive</c> and <c>AlertRules</c>.</summary>
    public static Func<string, IReadOnlyList<KeyValuePair<string, string>>, string> PromQlTransform { get; } =
        (expression, labels) => PromQl.InjectLabelMatchers(expression, [.. labels.Select(l => LabelMatcher.Eq(l.Key, l.Value))]);

    /// <summary>LogQL injection of equality matchers, for <c>LokiRuleFileBuilder.Derive</c> and <c>AlertRules</c>.</summary>
    public static Func<string, IReadOnlyList<KeyValuePair<string, string>>, string> LogQlTransform { get; } =
        (expression, labels) => LogQl.InjectLabelMatchers(expression, [.. labels.Select(l => LabelMatcher.Eq(l.Key, l.Value))]);

    /// <summary>PromQL injection of arbitrary matchers (dashboards: <c>juju_model=~"$juju_model"</c>), for the Grafana renderer.</summary>
    public static Func<string, IReadOnlyList<(string Name, string Op, string Value)>, string> PromQlInjector { get; } =
        (expression, matchers) => PromQl.InjectLabelMatchers(expression, [.. matchers.Select(ToMatcher)]);

    /// <summary>LogQL injection of arbitrary matchers, for the Grafana renderer.</summary>
    public static Func<string, IReadOnlyList<(string Name, string Op, string Value)>, string> LogQlInjector { get; } =
        (expression, matchers) => LogQl.InjectLabelMatchers(expression, [.. matchers.Select(ToMatcher)]);

    private static LabelMatcher ToMatcher((string Name, string Op, string Value) matcher) => new(matcher.Name, matcher.Op switch
    {
        "=" => MatchOp.Equal,
        "!=" => MatchOp.NotEqual,
        "=~" => MatchOp.Regex,
        "!~" => MatchOp.NotRegex,
        _ => throw new ArgumentException($"unknown matcher operator \"{matcher.Op}\" (=, !=, =~ or !~)", nameof(matcher)),
    }, matcher.Value);
}
