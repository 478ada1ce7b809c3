// The registration point of the mlobs verbs. Each verb lives in its own file in this folder as an
// `internal static class <Verb>Command` with `public static Command Create()`, and is listed here
// once, e.g. `CharmCommand.Create,`.
using System.CommandLine;

namespace MlObs.Cli.Commands;

/// <summary>The top-level verbs of <c>mlobs</c>.</summary>
internal static class Verbs
{
    /// <summary>Factories of the verbs, in the order <c>mlobs --help</c> lists them.</summary>
    public static IReadOnlyList<Func<Command>> All { get; } =
    [
        DemoCommand.Create,
        CharmCommand.Create,
        DriftCommand.Create,
        KubeflowCommand.Create,
        BundleCommand.Create,
        JujuCommand.Create,
    ];
}
