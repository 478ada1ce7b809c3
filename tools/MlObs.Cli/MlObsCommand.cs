// The root of the `mlobs` command: the one-paragraph description, --help, --version and the verbs
// listed in Commands/Verbs.cs.
using System.CommandLine;
using System.CommandLine.Help;
using MlObs.Cli.Commands;

namespace MlObs.Cli;

/// <summary>Builds the root command of <c>mlobs</c>.</summary>
internal static class MlObsCommand
{
    /// <summary>What <c>mlobs --help</c> says about MlObs before it lists the verbs.</summary>
    internal const string Description =
        "mlobs drives MlObs, a .NET toolkit for observable MLOps on Juju: a C# framework for Juju "
        + "charms with Native AOT hooks and tests that need no Juju (MlObs.Ops), the Canonical "
        + "Observability Stack relation interfaces (MlObs.Cos), and charms that turn drift in the "
        + "inputs and predictions of Kubeflow models into Prometheus metrics, alerts and Grafana "
        + "dashboards. Each verb below does one task; `mlobs VERB --help` describes it.";

    /// <summary>Creates the root command with every registered verb.</summary>
    public static RootCommand Create() => Create(Verbs.All);

    /// <summary>Creates the root command with the given verbs (tests pass their own).</summary>
    public static RootCommand Create(IEnumerable<Func<Command>> verbs)
    {
        var root = new RootCommand(Description);
        foreach (var create in verbs)
        {
            root.Subcommands.Add(create());
        }

        // `mlobs` alone shows the help, like `mlobs --help`, but exits 1: no task was named.
        root.SetAction(parseResult =>
        {
            new HelpAction().Invoke(parseResult);
            return 1;
        });
        return root;
    }
}
