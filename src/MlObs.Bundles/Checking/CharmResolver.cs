// CharmResolver: what the `charm` of an application is. A path (starting with '.' or '/', as Juju
// decides) is a local charm: a charm dir, a packed .charm (its metadata.yaml), or, when the .charm is
// not packed yet, charms/NAME/charmcraft.yaml by the NAME_PLATFORM.charm file name. Any other name is
// a Charmhub charm, looked up in the endpoint catalog (and in charms/ by name for our own charms).
using System.IO.Compression;
using MlObs.Bundles.Catalog;
using MlObs.Ops.Metadata;

namespace MlObs.Bundles.Checking;

/// <summary>A relation endpoint of a resolved charm.</summary>
internal sealed record ResolvedEndpoint(string Name, RelationRole Role, string Interface, int? Limit);

/// <summary>A charm the check knows the endpoints of.</summary>
internal sealed class ResolvedCharm
{
    public required string Name { get; init; }

    /// <summary>Where its endpoints come from, for messages: a charmcraft.yaml, a .charm or the catalog.</summary>
    public required string Origin { get; init; }

    public required IReadOnlyDictionary<string, ResolvedEndpoint> Endpoints { get; init; }

    /// <summary>The full metadata of a local charm (config, resources, storage, extra bindings); null for catalog charms.</summary>
    public CharmMeta? Meta { get; init; }

    public static ResolvedCharm FromMeta(CharmMeta meta, string origin) => new()
    {
        Name = meta.Name,
        Origin = origin,
        Meta = meta,
        Endpoints = meta.Relations.Values.ToDictionary(r => r.Name, r => new ResolvedEndpoint(r.Name, r.Role, r.Interface, r.Limit), StringComparer.Ordinal),
    };

    public static ResolvedCharm FromCatalog(CatalogCharm charm) => new()
    {
        Name = charm.Name,
        Origin = $"catalog: {charm.Source}",
        Endpoints = charm.Endpoints.Values.ToDictionary(e => e.Name, e => new ResolvedEndpoint(e.Name, e.Role, e.Interface, e.Limit), StringComparer.Ordinal),
    };
}

internal sealed class CharmResolver(EndpointCatalog catalog, string? charmsDirectory, Func<string, string> display)
{
    private Dictionary<string, string>? _localCharmcraftByName;

    /// <summary>Resolves the charm of an application; a problem explains a failure (null result) or a caveat.</summary>
    public ResolvedCharm? Resolve(string charm, string directory, SourceLocation at, string application, List<BundleProblem> problems)
    {
        if (charm.StartsWith('.') || Path.IsPathRooted(charm))
        {
            return ResolveLocal(charm, Path.GetFullPath(Path.Combine(directory, charm)), at, application, problems);
        }

        if (charm.StartsWith("cs:", StringComparison.Ordinal))
        {
            problems.Add(Problem("unknown-charm", at, $"application '{application}': '{charm}' is a charm store URL; the charm store is gone, use the Charmhub name", application));
            return null;
        }

        var name = charm.StartsWith("ch:", StringComparison.Ordinal) ? charm[3..] : charm;
        name = name[(name.LastIndexOf('/') + 1)..];
        if (catalog.Charms.TryGetValue(name, out var known))
        {
            return ResolvedCharm.FromCatalog(known);
        }

        if (LocalCharmcraft(name) is { } charmcraft)
        {
            return Load(charmcraft, at, application, problems);
        }

        var candidates = catalog.Charms.Keys.Concat(LocalCharmcraftByName().Keys);
        problems.Add(Problem("unknown-charm", at,
            $"application '{application}': charm '{name}' is neither in the endpoint catalog (bundles/catalog/charms) nor a charm of this repository (charms/*/charmcraft.yaml){Suggest.DidYouMean(name, candidates)}",
            application));
        return null;
    }

    private ResolvedCharm? ResolveLocal(string charm, string path, SourceLocation at, string application, List<BundleProblem> problems)
    {
        if (Directory.Exists(path))
        {
            try
            {
                return ResolvedCharm.FromMeta(CharmMeta.Load(path), display(path));
            }
            catch (CharmMetaException e)
            {
                problems.Add(Problem("charm-metadata", at, $"application '{application}': the charm at {charm}: {OneLine(e.Message)}", application));
                return null;
            }
        }

        if (File.Exists(path))
        {
            return ReadPacked(charm, path, at, application, problems);
        }

        // Not packed yet: NAME_PLATFORM.charm names the charm (charmcraft's and `mlobs charm pack`'s naming).
        var fileName = Path.GetFileNameWithoutExtension(path);
        var name = fileName.Split('_')[0];
        if (LocalCharmcraft(name) is { } charmcraft)
        {
            var resolved = Load(charmcraft, at, application, problems);
            if (resolved is not null)
            {
                problems.Add(new BundleProblem(ProblemSeverity.Warning, "not-packed", at,
                    $"application '{application}': {charm} does not exist yet (juju deploy needs it): run `mlobs charm pack {display(Path.GetDirectoryName(charmcraft)!)}`; checked against {display(charmcraft)}")
                { Application = application });
            }

            return resolved;
        }

        problems.Add(Problem("charm-path", at,
            $"application '{application}': charm path {charm} does not exist ({path}) and no charms/*/charmcraft.yaml is named '{name}'",
            application));
        return null;
    }

    private static ResolvedCharm? ReadPacked(string charm, string path, SourceLocation at, string application, List<BundleProblem> problems)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            string? Read(string entry)
            {
                var found = zip.GetEntry(entry);
                if (found is null)
                {
                    return null;
                }

                using var reader = new StreamReader(found.Open());
                return reader.ReadToEnd();
            }

            var metadata = Read("metadata.yaml")
                ?? throw new CharmMetaException($"{charm} has no metadata.yaml; is it a packed charm?");
            return ResolvedCharm.FromMeta(CharmMeta.FromLegacy(metadata, Read("config.yaml"), Read("actions.yaml")), charm);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or CharmMetaException)
        {
            problems.Add(Problem("charm-metadata", at, $"application '{application}': cannot read the packed charm {charm}: {OneLine(e.Message)}", application));
            return null;
        }
    }

    private ResolvedCharm? Load(string charmcraft, SourceLocation at, string application, List<BundleProblem> problems)
    {
        try
        {
            return ResolvedCharm.FromMeta(CharmMeta.Load(Path.GetDirectoryName(charmcraft)!), display(charmcraft));
        }
        catch (CharmMetaException e)
        {
            problems.Add(Problem("charm-metadata", at, $"application '{application}': {display(charmcraft)}: {OneLine(e.Message)}", application));
            return null;
        }
    }

    private string? LocalCharmcraft(string name) => LocalCharmcraftByName().GetValueOrDefault(name);

    // charms/*/charmcraft.yaml by the charm name they declare (the folder name when the file cannot be read).
    private Dictionary<string, string> LocalCharmcraftByName()
    {
        if (_localCharmcraftByName is not null)
        {
            return _localCharmcraftByName;
        }

        _localCharmcraftByName = new(StringComparer.Ordinal);
        if (charmsDirectory is null || !Directory.Exists(charmsDirectory))
        {
            return _localCharmcraftByName;
        }

        foreach (var dir in Directory.EnumerateDirectories(charmsDirectory).Order(StringComparer.Ordinal))
        {
            var charmcraft = Path.Combine(dir, "charmcraft.yaml");
            if (!File.Exists(charmcraft))
            {
                continue;
            }

            string name;
            try
            {
                name = CharmMeta.Load(dir).Name;
            }
            catch (CharmMetaException)
            {
                name = Path.GetFileName(dir);
            }

            _localCharmcraftByName.TryAdd(name, charmcraft);
        }

        return _localCharmcraftByName;
    }

    private static BundleProblem Problem(string code, SourceLocation at, string message, string application) =>
        new(ProblemSeverity.Error, code, at, message) { Application = application };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
