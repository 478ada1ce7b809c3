// The entry point of `mlobs bundle check`: options, result, and BundleChecker, which reads the bundle
// and its overlays, checks each document's schema, merges them as Juju does and checks the result
// against local charms and the endpoint catalog. Nothing here talks to a controller.
using MlObs.Bundles.Catalog;
using MlObs.Bundles.Checking;
using MlObs.Bundles.Yaml;

namespace MlObs.Bundles;

/// <summary>What to check and against what.</summary>
public sealed record BundleCheckOptions
{
    /// <summary>The bundle file; further <c>---</c> documents in it are overlays.</summary>
    public required string BundlePath { get; init; }

    /// <summary>Overlay files, applied in order after the bundle (<c>juju deploy --overlay</c>).</summary>
    public IReadOnlyList<string> OverlayPaths { get; init; } = [];

    /// <summary>The endpoints of external charms and the offers saas entries may consume.</summary>
    public required EndpointCatalog Catalog { get; init; }

    /// <summary>The repository's <c>charms/</c> folder (<c>charms/NAME/charmcraft.yaml</c>); null when there is none.</summary>
    public string? CharmsDirectory { get; init; }
}

/// <summary>The outcome of a bundle check.</summary>
public sealed record BundleCheckResult
{
    /// <summary>Every finding, in file order.</summary>
    public required IReadOnlyList<BundleProblem> Problems { get; init; }

    /// <summary>The files read: the bundle, then each overlay.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>Applications of the merged bundle.</summary>
    public int Applications { get; init; }

    /// <summary>Saas entries of the merged bundle.</summary>
    public int Saas { get; init; }

    /// <summary>Relations of the merged bundle.</summary>
    public int Relations { get; init; }

    /// <summary>The number of errors.</summary>
    public int Errors => Problems.Count(p => p.Severity == ProblemSeverity.Error);

    /// <summary>The number of warnings.</summary>
    public int Warnings => Problems.Count(p => p.Severity == ProblemSeverity.Warning);

    /// <summary>True when no error was found (warnings allowed).</summary>
    public bool Succeeded => Errors == 0;
}

/// <summary>A file of the check is missing or unreadable: a usage error, not a finding.</summary>
public sealed class BundleUsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BundleUsageException()
    {
    }

    /// <summary>Creates the exception with a message naming the file.</summary>
    /// <param name="message">The message.</param>
    public BundleUsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BundleUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Checks a bundle and its overlays offline.</summary>
public static class BundleChecker
{
    /// <summary>Reads, merges and checks the bundle and overlays of <paramref name="options"/>.</summary>
    /// <param name="options">The files and what to check them against.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The findings and the size of the merged bundle.</returns>
    /// <exception cref="BundleUsageException">A bundle or overlay file does not exist or cannot be read.</exception>
    public static async Task<BundleCheckResult> CheckAsync(BundleCheckOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<BundleProblem>();
        var documents = new List<BundleDocument>();
        var files = new[] { options.BundlePath }.Concat(options.OverlayPaths).ToList();
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var text = await ReadAsync(file, i == 0 ? "bundle" : "overlay", cancellationToken).ConfigureAwait(false);
            var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
            documents.AddRange(BundleParser.Parse(text, file, directory, firstIsBase: i == 0, problems));
        }

        var parsedCleanly = problems.All(p => p.Severity != ProblemSeverity.Error || p.Code != "yaml-syntax");
        var merged = BundleMerger.Merge(documents, problems);
        if (parsedCleanly && documents.Count > 0)
        {
            var resolver = new CharmResolver(options.Catalog, options.CharmsDirectory, Display);
            ModelChecker.Check(merged, options.Catalog, resolver, problems);
        }

        var order = files.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i, StringComparer.Ordinal);
        var sorted = problems
            .OrderBy(p => order.GetValueOrDefault(p.Location.File, int.MaxValue))
            .ThenBy(p => p.Location.File, StringComparer.Ordinal)
            .ThenBy(p => p.Location.Line)
            .ThenBy(p => p.Location.Column)
            .ToList();
        return new BundleCheckResult
        {
            Problems = sorted,
            Files = files,
            Applications = merged.Applications.Count,
            Saas = merged.Saas.Count,
            Relations = merged.Relations.Count,
        };
    }

    private static async Task<string> ReadAsync(string file, string what, CancellationToken cancellationToken)
    {
        if (Directory.Exists(file))
        {
            throw new BundleUsageException($"{file}: is a directory; name the {what} file (e.g. {Path.Combine(file, "bundle.yaml")})");
        }

        try
        {
            return await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BundleUsageException($"{file}: no such {what} file", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BundleUsageException($"{file}: cannot read the {what} file: {e.Message}", e);
        }
    }

    // Paths the check found itself (charmcraft.yaml, charm dirs) are shown relative to the working directory when below it.
    private static string Display(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
