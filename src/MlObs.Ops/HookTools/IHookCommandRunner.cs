// The seam between MlObs.Ops and the Juju hook tools: one call runs one tool once.
namespace MlObs.Ops.HookTools;

/// <summary>
/// Runs one Juju hook tool (for example <c>relation-get</c>) and returns what it printed.
/// Production code uses <see cref="ProcessHookCommandRunner"/>; tests script the answers.
/// </summary>
public interface IHookCommandRunner
{
    /// <summary>Runs <paramref name="request"/> once and returns its exit code and output; a non-zero exit is not an error here.</summary>
    /// <param name="request">The tool, its arguments and optional standard input.</param>
    /// <param name="cancellationToken">Cancels the run (a running tool is killed).</param>
    /// <returns>The tool's exit code, standard output and standard error.</returns>
    Task<HookCommandResult> RunAsync(HookCommandRequest request, CancellationToken cancellationToken = default);
}
