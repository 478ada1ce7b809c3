// `mlobs bundle check` and `mlobs bundle import-catalog`: offline checks of Juju bundles and overlays
// (MlObs.Bundles) against the repository's charms and the endpoint catalog in bundles/catalog, and the
// import of the shared endpoint catalog into it. Findings go to stdout, one per line, then a summary;
// exit 0 no errors, 1 errors found (including YAML that does not parse), 2 usage (a missing or
// unreadable file, no catalog, a bad option).
using System.CommandLine;
using MlObs.Bundles;
using MlObs.Bundles.Catalog;

namespace MlObs.Cli.Commands;

/// <summary>The <c>bundle</c> verb and its sub-commands.</summary>
internal static class BundleCommand
{
    /// <summary>Exit code when the bundle has no error.</summary>
    public const int Ok = 0;

    /// <summary>Exit code when the check found errors.</summary>
    public const int Problems = 1;

    /// <summary>Exit code for usage errors: missing or unreadable files, no catalog, bad options.</summary>
    public const int UsageError = 2;

    private const string CatalogFolder = "bundles/catalog";

    public static Command Create() => new("bundle", "Check Juju bundles and overlays offline against the repository's charms and the endpoint catalog (bundles/catalog).")
    {
        CreateCheck(),
        CreateImportCatalog(),
    };

    private static Command CreateCheck()
    {
        var bundle = new Argument<FileInfo>("BUNDLE") { Description = "The bundle file (bundle.yaml); further '---' documents in it are overlays." };
        var overlays = new Option<FileInfo[]>("--overlay") { Description = "An overlay applied on top of the bundle, as juju deploy --overlay; repeatable, applied in order.", AllowMultipleArgumentsPerToken = false, HelpName = "FILE" };
        var catalog = new Option<DirectoryInfo?>("--catalog") { HelpName = "DIR", Description = $"The endpoint catalog folder (charms/*.yaml, offers.yaml); default: {CatalogFolder} of the repository holding BUNDLE, else of the working directory's." };
        var charms = new Option<DirectoryInfo?>("--charms") { HelpName = "DIR", Description = "The folder of local charms (NAME/charmcraft.yaml); default: charms/ beside the catalog's bundles/." };
        var format = new Option<string>("--format", "-f") { HelpName = "text|json", Description = "text: one line per problem (FILE:LINE:COL: error CODE: message) and a summary; json: one object with the problems and counts.", DefaultValueFactory = _ => "text" };
        var command = new Command(
            "check",
            "Check a bundle and its overlays offline, as far as juju deploy --dry-run would need a controller for: the keys Juju "
            + "accepts (unknown keys are errors with a 'did you mean'; scale vs num_units; offers only in overlays), overlays merged as "
            + "Juju merges them (a null application or saas removes it and its relations), every charm known (a local path to a "
            + ".charm or charm dir, resolved to charms/NAME/charmcraft.yaml when not packed yet; Charmhub names from the catalog), every "
            + "relation's endpoints existing (APP alone inferred as Juju does; ambiguity is an error naming the candidates), interfaces "
            + "equal, provides joined to requires, no peer or duplicate relations, saas URLs resolved to catalog offers, offers naming "
            + "endpoints of their application, local charm options, resources and storage. Each problem names the file, line, "
            + "application and endpoint. Exit code: 0 no errors (warnings allowed), 1 errors found (YAML that does not parse is one), "
            + "2 usage (a missing or unreadable file, no catalog).")
        {
            bundle, overlays, catalog, charms, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var formatText = parse.GetValue(format)!.ToLowerInvariant();
                if (formatText is not ("text" or "json"))
                {
                    throw new BundleUsageException($"--format {formatText}: expected text or json");
                }

                var bundlePath = parse.GetValue(bundle)!;
                var catalogDir = parse.GetValue(catalog)?.FullName ?? FindCatalog(bundlePath.FullName)
                    ?? throw new BundleUsageException($"no {CatalogFolder} above {bundlePath} or the working directory; pass --catalog DIR");
                var charmsDir = parse.GetValue(charms)?.FullName ?? Path.GetFullPath(Path.Combine(catalogDir, "..", "..", "charms"));
                var endpointCatalog = await LoadCatalogAsync(catalogDir, cancellationToken).ConfigureAwait(false);
                var result = await BundleChecker.CheckAsync(
                    new BundleCheckOptions
                    {
                        BundlePath = Shown(bundlePath),
                        OverlayPaths = (parse.GetValue(overlays) ?? []).Select(Shown).ToList(),
                        Catalog = endpointCatalog,
                        CharmsDirectory = Directory.Exists(charmsDir) ? charmsDir : null,
                    },
                    cancellationToken).ConfigureAwait(false);
                await Console.Out.WriteAsync(formatText == "json" ? BundleReport.ToJson(result) : BundleReport.ToText(result)).ConfigureAwait(false);
                return result.Succeeded ? Ok : Problems;
            }
            catch (BundleUsageException e)
            {
                await Console.Error.WriteLineAsync($"mlobs bundle check: {e.Message}").ConfigureAwait(false);
                return UsageError;
            }
        });
        return command;
    }

    private static Command CreateImportCatalog()
    {
        var shared = new Argument<FileInfo>("SHARED_JSON") { Description = "The shared endpoint catalog, e.g. ../shared/catalog/charm-endpoints.json ({\"charms\": {NAME: {\"source\", \"endpoints\"}}})." };
        var output = new Option<DirectoryInfo?>("--output", "-o") { HelpName = "DIR", Description = $"The catalog folder to write charms/NAME.yaml into; default: {CatalogFolder} of the working directory's repository." };
        var command = new Command(
            "import-catalog",
            "Write bundles/catalog/charms/NAME.yaml (from: shared) for every charm of the shared endpoint catalog, with its source, and "
            + "remove earlier imports the shared catalog no longer lists. Hand-written entries (from: upstream) stay. Prints the number "
            + "of charms written. Exit code: 0 written, 2 the file is missing or not the shared catalog's shape.")
        {
            shared, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var sharedPath = parse.GetValue(shared)!;
            try
            {
                if (!sharedPath.Exists)
                {
                    throw new CatalogException($"{sharedPath}: no such file");
                }

                var directory = parse.GetValue(output)?.FullName ?? FindCatalog(Directory.GetCurrentDirectory())
                    ?? throw new CatalogException($"no {CatalogFolder} above the working directory; pass --output DIR");
                var charms = await EndpointCatalog.ImportSharedJsonAsync(sharedPath.FullName, directory, cancellationToken).ConfigureAwait(false);
                await Console.Out.WriteLineAsync($"{charms.Count} charms written to {Path.Combine(directory, EndpointCatalog.CharmsFolder)}").ConfigureAwait(false);
                return Ok;
            }
            catch (Exception e) when (e is CatalogException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"mlobs bundle import-catalog: {e.Message}").ConfigureAwait(false);
                return UsageError;
            }
        });
        return command;
    }

    private static async Task<EndpointCatalog> LoadCatalogAsync(string directory, CancellationToken cancellationToken)
    {
        try
        {
            return await EndpointCatalog.LoadAsync(directory, cancellationToken).ConfigureAwait(false);
        }
        catch (CatalogException e)
        {
            throw new BundleUsageException($"the endpoint catalog: {e.Message}", e);
        }
    }

    // The bundles/catalog of the repository holding the path, else of the working directory's (or mlobs') checkout.
    private static string? FindCatalog(string path)
    {
        for (var dir = new DirectoryInfo(path); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, CatalogFolder);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return RepositoryRoot.Find() is { } repo && Directory.Exists(Path.Combine(repo, CatalogFolder)) ? Path.Combine(repo, CatalogFolder) : null;
    }

    // Files are named in findings as the user wrote them.
    private static string Shown(FileInfo file) => file.ToString();
}
