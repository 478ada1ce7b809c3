// What one hook tool invocation produced.
namespace MlObs.Ops.HookTools;

/// <summary>What a hook tool produced: its exit code and everything it printed.</summary>
/// <param name="ExitCode">The process exit code; 0 means success.</param>
/// <param name="Stdout">Everything the tool wrote to standard output.</param>
/// <param name="Stderr">Everything the tool wrote to standard error.</param>
public sealed record HookCommandResult(int ExitCode, string Stdout, string Stderr);
