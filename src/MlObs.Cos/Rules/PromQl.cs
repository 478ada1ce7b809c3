// PromQl: the native replacement for `cos-tool --format promql transform`: parse, add label matchers to every
// vector selector, print as the Prometheus parser does.
namespace MlObs.Cos.Rules;

/// <summary>Label-matcher injection and validation for PromQL expressions (what cos-tool does for Prometheus rules and dashboards).</summary>
public static class PromQl
{
    /// <summary>
    /// Re-prints <paramref name="expression"/> as the Prometheus parser's <c>String()</c> does, with every vector
    /// selector carrying each of <paramref name="matchers"/> unless it already has a matcher for that label name.
    /// Grafana variables (<c>$var</c>, <c>${var}</c>, <c>[$__rate_interval]</c>) are kept verbatim.
    /// </summary>
    /// <param name="expression">The PromQL expression.</param>
    /// <param name="matchers">The matchers to add (e.g. the Juju topology).</param>
    /// <returns>The rewritten expression.</returns>
    /// <exception cref="RuleExpressionException">The expression does not parse; the message says what and where.</exception>
    public static string InjectLabelMatchers(string expression, IReadOnlyList<LabelMatcher> matchers)
    {
        ArgumentNullException.ThrowIfNull(expression);
        LabelMatcher.Validate(matchers);
        var root = ParseOrThrow(expression);
        Inject(root, matchers);
        return root.ToString();
    }

    /// <summary>Checks that <paramref name="expression"/> is valid PromQL (syntax and types).</summary>
    /// <param name="expression">The PromQL expression.</param>
    /// <param name="error">Null when valid; otherwise what is wrong and where.</param>
    /// <returns>Whether the expression is valid.</returns>
    public static bool TryParse(string expression, out string? error)
    {
        ArgumentNullException.ThrowIfNull(expression);
        try
        {
            PromQlParser.Parse(expression);
            error = null;
            return true;
        }
        catch (PromQlSyntaxException e)
        {
            error = Format(expression, e);
            return false;
        }
    }

    internal static PExpr ParseOrThrow(string expression)
    {
        try
        {
            return PromQlParser.Parse(expression);
        }
        catch (PromQlSyntaxException e)
        {
            throw new RuleExpressionException(Format(expression, e), expression);
        }
    }

    private static string Format(string expression, PromQlSyntaxException e)
    {
        var (line, col) = GoText.Position(expression, e.Pos);
        return $"{line}:{col}: parse error: {e.Message}";
    }

    private static void Inject(PExpr node, IReadOnlyList<LabelMatcher> matchers)
    {
        if (node is PVectorSelector vs)
        {
            foreach (var m in matchers)
            {
                if (!vs.HasLabel(m.Name))
                {
                    vs.Matchers.Add(new PMatcher(m.Name, m.OpText, m.Value));
                }
            }

            return;
        }

        foreach (var child in node.Children)
        {
            Inject(child, matchers);
        }
    }
}
