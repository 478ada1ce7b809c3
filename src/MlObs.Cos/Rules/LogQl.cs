// LogQl: the native replacement for `cos-tool --format logql transform`: parse, append label matchers to every
// stream selector, print as Loki does.
namespace MlObs.Cos.Rules;

/// <summary>Label-matcher injection and validation for LogQL expressions (what cos-tool does for Loki rules and dashboards).</summary>
public static class LogQl
{
    /// <summary>
    /// Re-prints <paramref name="expression"/> as Loki's <c>String()</c> does, with every stream selector keeping its
    /// matchers in order and gaining each of <paramref name="matchers"/> (sorted by name) whose label it does not
    /// already match, separated by <c>", "</c>. Grafana variables are kept verbatim.
    /// </summary>
    /// <param name="expression">The LogQL expression.</param>
    /// <param name="matchers">The matchers to add (e.g. the Juju topology).</param>
    /// <returns>The rewritten expression.</returns>
    /// <exception cref="RuleExpressionException">The expression does not parse; the message says what and where.</exception>
    public static string InjectLabelMatchers(string expression, IReadOnlyList<LabelMatcher> matchers)
    {
        ArgumentNullException.ThrowIfNull(expression);
        LabelMatcher.Validate(matchers);
        var root = ParseOrThrow(expression);
        var sorted = matchers.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        foreach (var selector in root.Selectors)
        {
            var missing = sorted.Where(m => !selector.Matchers.Exists(e => e.Name == m.Name)).ToList();
            selector.Matchers.AddRange(missing.Select(m => new PMatcher(m.Name, m.OpText, m.Value)));
        }

        return root.ToString();
    }

    /// <summary>Checks that <paramref name="expression"/> is valid LogQL.</summary>
    /// <param name="expression">The LogQL expression.</param>
    /// <param name="error">Null when valid; otherwise what is wrong and where.</param>
    /// <returns>Whether the expression is valid.</returns>
    public static bool TryParse(string expression, out string? error)
    {
        ArgumentNullException.ThrowIfNull(expression);
        try
        {
            LogQlParser.Parse(expression);
            error = null;
            return true;
        }
        catch (LogQlSyntaxException e)
        {
            error = Format(expression, e);
            return false;
        }
    }

    private static LExpr ParseOrThrow(string expression)
    {
        try
        {
            return LogQlParser.Parse(expression);
        }
        catch (LogQlSyntaxException e)
        {
            throw new RuleExpressionException(Format(expression, e), expression);
        }
    }

    private static string Format(string expression, LogQlSyntaxException e)
    {
        if (e.Pos < 0)
        {
            return "parse error : " + e.Message;
        }

        var (line, col) = GoText.Position(expression, e.Pos);
        return $"parse error at line {line}, col {col}: {e.Message}";
    }
}
