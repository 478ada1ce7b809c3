// BundleProblem: one finding of `mlobs bundle check`, with where it is and what it concerns.
namespace MlObs.Bundles;

/// <summary>How bad a finding is: errors fail the check, warnings do not.</summary>
public enum ProblemSeverity
{
    /// <summary>Juju would refuse or misdeploy the bundle.</summary>
    Error,

    /// <summary>Juju accepts it, but something is likely wrong or not yet in place.</summary>
    Warning,
}

/// <summary>One finding of the bundle check.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Code">A stable short name of the check that found it, e.g. <c>unknown-endpoint</c>.</param>
/// <param name="Location">Where in which file.</param>
/// <param name="Message">What is wrong and, where it can, what to do; one line.</param>
public sealed record BundleProblem(ProblemSeverity Severity, string Code, SourceLocation Location, string Message)
{
    /// <summary>The application (or saas) the finding concerns, if any.</summary>
    public string? Application { get; init; }

    /// <summary>The relation endpoint the finding concerns, if any.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The finding as one line: <c>FILE:LINE:COL: error CODE: message</c>.</summary>
    /// <returns>The line.</returns>
    public override string ToString() =>
        $"{Location}: {(Severity == ProblemSeverity.Error ? "error" : "warning")} {Code}: {Message}";
}
