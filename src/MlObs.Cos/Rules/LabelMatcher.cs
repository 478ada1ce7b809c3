// The public surface of the rule-expression rewriter: label matchers to inject and the error it throws.
namespace MlObs.Cos.Rules;

/// <summary>The operator of a label matcher.</summary>
public enum MatchOp
{
    /// <summary><c>=</c>: the label equals the value.</summary>
    Equal,

    /// <summary><c>!=</c>: the label differs from the value.</summary>
    NotEqual,

    /// <summary><c>=~</c>: the label matches the (fully anchored) regular expression.</summary>
    Regex,

    /// <summary><c>!~</c>: the label does not match the regular expression.</summary>
    NotRegex,
}

/// <summary>A label matcher such as <c>juju_model="dev"</c> or <c>juju_model=~"$juju_model"</c>.</summary>
/// <param name="Name">The label name.</param>
/// <param name="Op">The operator.</param>
/// <param name="Value">The value (a regular expression for <see cref="MatchOp.Regex"/> and <see cref="MatchOp.NotRegex"/>).</param>
public sealed record LabelMatcher(string Name, MatchOp Op, string Value)
{
    /// <summary>An equality matcher <c>name="value"</c>.</summary>
    /// <param name="name">The label name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The matcher.</returns>
    public static LabelMatcher Eq(string name, string value) => new(name, MatchOp.Equal, value);

    /// <summary>The operator as PromQL and LogQL write it.</summary>
    internal string OpText => Op switch
    {
        MatchOp.Equal => "=",
        MatchOp.NotEqual => "!=",
        MatchOp.Regex => "=~",
        MatchOp.NotRegex => "!~",
        _ => throw new ArgumentOutOfRangeException(nameof(Op), Op, "unknown match operator"),
    };

    internal static void Validate(IReadOnlyList<LabelMatcher> matchers)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        foreach (var m in matchers)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(matchers));
            if (string.IsNullOrEmpty(m.Name))
            {
                throw new ArgumentException("a label matcher to inject needs a non-empty label name", nameof(matchers));
            }

            ArgumentNullException.ThrowIfNull(m.Value, nameof(matchers));
            _ = m.OpText;
        }
    }
}

/// <summary>A PromQL or LogQL expression does not parse (or does not type-check).</summary>
public sealed class RuleExpressionException : Exception
{
    /// <summary>Creates the exception without a message.</summary>
    public RuleExpressionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and where.</param>
    public RuleExpressionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="innerException">The cause.</param>
    public RuleExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an expression.</summary>
    /// <param name="message">What is wrong and where (<c>line:column: parse error: …</c>).</param>
    /// <param name="expression">The expression that failed.</param>
    public RuleExpressionException(string message, string expression)
        : base(message)
    {
        Expression = expression;
    }

    /// <summary>The expression that failed to parse, when known.</summary>
    public string? Expression { get; }
}
