// RegexCheck: validation of label-matcher regular expressions (Prometheus and Loki compile them with Go's RE2,
// fully anchored). .NET's engine is close enough to reject malformed patterns and to tell whether a matcher
// matches the empty string (the "at least one non-empty matcher" rule).
using System.Text.RegularExpressions;

namespace MlObs.Cos.Rules;

internal static class RegexCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>Compiles an RE2-style pattern anchored as Prometheus does; null and an error message when invalid.</summary>
    public static Regex? Compile(string pattern, out string? error)
    {
        error = null;
        try
        {
            // RE2 spells named groups (?P<name>…); .NET spells them (?<name>…).
            var dotnet = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
            return new Regex("^(?:" + dotnet + ")$", RegexOptions.CultureInvariant | RegexOptions.Singleline, Timeout);
        }
        catch (ArgumentException e)
        {
            error = "error parsing regexp: " + e.Message;
            return null;
        }
    }

    /// <summary>Whether a matcher with this operator and value accepts an empty (absent) label.</summary>
    public static bool MatchesEmpty(string op, string value)
    {
        switch (op)
        {
            case "=":
                return value.Length == 0;
            case "!=":
                return value.Length != 0;
            default:
                var re = Compile(value, out _);
                bool m;
                try
                {
                    m = re?.IsMatch(string.Empty) ?? false;
                }
                catch (RegexMatchTimeoutException)
                {
                    m = false;
                }

                return op == "=~" ? m : !m;
        }
    }
}
