// `mlobs charm pack`: publishes a C# charm Native AOT, checks charmcraft.yaml against itself and against the events the
// code observes, and writes the .charm as charmcraft would (MlObs.Ops.Testing.Packing). Phase lines and problems go to
// stderr, the written path to stdout. Exit 0 packed, 1 invalid charm, 2 usage.
using System.CommandLine;
using MlObs.Ops.Testing.Packing;

namespace MlObs.Cli.Commands;

/// <summary>The <c>charm pack</c> sub-command.</summary>
internal static class CharmPackCommand
{
    public static Command Create()
    {
        var charmDir = new Argument<DirectoryInfo>("CHARM_DIR") { Description = "The charm project: charmcraft.yaml and one C# project with <PublishAot>true</PublishAot>." };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Where the .charm goes (default: CHARM_DIR); with --layout-only, the layout directory (default: CHARM_DIR/build/charm)." };
        var noPublish = new Option<bool>("--no-publish") { Description = $"Reuse the binary of the last publish (in the project's {CharmPacker.PublishSubdirectory}/RID/) instead of publishing again." };
        var rid = new Option<string>("--rid") { Description = "The runtime to publish for: linux-x64 (platform amd64) or linux-arm64 (arm64).", DefaultValueFactory = _ => "linux-x64" };
        var layoutOnly = new Option<bool>("--layout-only") { Description = "Write dispatch and the shipped assets into a directory for charmcraft pack (dump plugin) instead of a .charm; still validates." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show dotnet publish's output even when it succeeds." };
        var command = new Command(
            "pack",
            "Pack a C# charm into a .charm as charmcraft would: publish its project Native AOT for linux-x64, ask the binary "
            + "which relations, actions, containers and storages it observes (describe mode) and check them and charmcraft.yaml "
            + "(type, name, base and platforms, a container per oci-image resource, interface names, action descriptions and "
            + "params), then write NAME_PLATFORM.charm with dispatch (the binary), manifest.yaml, metadata.yaml, config.yaml, "
            + "actions.yaml, README.md, LICENSE, icon.svg and src/ assets (alert rules, dashboards). Prints the path. Exit "
            + "code: 0 packed, 1 invalid charm (each problem on stderr, naming the file and key), 2 bad usage.")
        {
            charmDir, output, noPublish, rid, layoutOnly, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new CharmPackOptions
            {
                CharmDir = parse.GetValue(charmDir)!.FullName,
                OutputDir = parse.GetValue(output)?.FullName,
                Publish = !parse.GetValue(noPublish),
                RuntimeIdentifier = parse.GetValue(rid)!,
                LayoutOnly = parse.GetValue(layoutOnly),
                Verbose = parse.GetValue(verbose),
            };
            CharmPackResult result;
            try
            {
                result = await CharmPacker.PackAsync(options, Console.Error, cancellationToken).ConfigureAwait(false);
            }
            catch (CharmPackUsageException e)
            {
                await Console.Error.WriteLineAsync($"mlobs charm pack: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            foreach (var problem in result.Problems)
            {
                await Console.Error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            if (!result.Succeeded)
            {
                var errors = result.Problems.Count(p => p.Severity == CharmPackSeverity.Error);
                await Console.Error.WriteLineAsync($"mlobs charm pack: {errors} error(s); nothing written.").ConfigureAwait(false);
                return 1;
            }

            await Console.Out.WriteLineAsync(result.OutputPath).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
