// One hook tool invocation as handed to an IHookCommandRunner.
namespace MlObs.Ops.HookTools;

/// <summary>One hook tool invocation: the bare tool name, its argv (without the tool itself) and optional stdin.</summary>
/// <param name="Tool">The tool's bare name, for example <c>relation-get</c>.</param>
/// <param name="Arguments">The arguments after the tool name, passed verbatim.</param>
/// <param name="Stdin">Text written to the tool's standard input, or <see langword="null"/> for none.</param>
public sealed record HookCommandRequest(string Tool, IReadOnlyList<string> Arguments, string? Stdin = null);
