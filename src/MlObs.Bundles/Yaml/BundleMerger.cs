// BundleMerger: folds the base bundle and its overlays into one bundle as Juju's
// ReadAndMergeBundleData does: top-level scalars and machines are replaced; an application or saas
// listed with a null value is removed with its relations; a new application is added; an existing
// one is merged field by field (scalars and lists replaced, maps merged key by key, a null or empty
// map cleared, a null entry deleted); relations are appended. Every value keeps its location.
namespace MlObs.Bundles.Yaml;

/// <summary>An application after every overlay, each value with the place that set it.</summary>
internal sealed class MergedApplication
{
    public required string Name { get; init; }

    /// <summary>Where the application was first defined.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>The directory of the document that set <c>charm</c> (relative charm paths resolve against it).</summary>
    public string CharmDirectory { get; set; } = string.Empty;

    public Dictionary<string, Located> Scalars { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Located> Lists { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, MergedMap> Maps { get; } = new(StringComparer.Ordinal);

    /// <summary>The unit count as written (<c>scale</c> or <c>num_units</c>), if any.</summary>
    public Located? Units => Scalars.GetValueOrDefault("scale") ?? Scalars.GetValueOrDefault("num_units");
}

/// <summary>A mapping-valued application field after merging.</summary>
internal sealed class MergedMap(Located key)
{
    public Located Key { get; set; } = key;

    public Dictionary<string, Located> Entries { get; } = new(StringComparer.Ordinal);
}

/// <summary>A consumed offer after merging.</summary>
internal sealed record MergedSaas(string Name, SourceLocation Location, Located? Url);

/// <summary>The bundle Juju would deploy: the base with every overlay applied.</summary>
internal sealed class MergedBundle
{
    /// <summary>The file of the base bundle (findings about the whole bundle point at its start).</summary>
    public string BaseFile { get; set; } = string.Empty;

    public Dictionary<string, Located> TopScalars { get; } = new(StringComparer.Ordinal);

    public Located? Machines { get; set; }

    public Dictionary<string, MergedApplication> Applications { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, MergedSaas> Saas { get; } = new(StringComparer.Ordinal);

    public List<DocumentRelation> Relations { get; } = [];

    public bool IsKubernetes => TopScalars.TryGetValue("bundle", out var type) && YamlFile.TryString(type.Value, out var text) && text == "kubernetes";
}

internal static class BundleMerger
{
    public static MergedBundle Merge(IEnumerable<BundleDocument> documents, List<BundleProblem> problems)
    {
        var bundle = new MergedBundle();
        foreach (var document in documents)
        {
            if (!document.IsOverlay)
            {
                bundle.BaseFile = document.File;
            }

            foreach (var (key, value) in document.TopScalars)
            {
                bundle.TopScalars[key] = value;
            }

            if (document.Machines is not null)
            {
                bundle.Machines = document.Machines;
            }

            foreach (var application in document.Applications)
            {
                Apply(bundle, document, application, problems);
            }

            foreach (var saas in document.Saas)
            {
                if (saas.Removed)
                {
                    Remove(bundle, saas.Name, saas.Location, document, problems, "saas");
                }
                else
                {
                    bundle.Saas[saas.Name] = new MergedSaas(saas.Name, saas.Location, saas.Url);
                }
            }

            bundle.Relations.AddRange(document.Relations);
        }

        return bundle;
    }

    private static void Apply(MergedBundle bundle, BundleDocument document, DocumentApplication application, List<BundleProblem> problems)
    {
        if (application.Removed)
        {
            if (!document.IsOverlay)
            {
                problems.Add(new BundleProblem(ProblemSeverity.Error, "type", application.Location,
                    $"application '{application.Name}' has no body: in the base bundle an application needs at least a charm (a null value removes an application only in an overlay)")
                { Application = application.Name });
                return;
            }

            Remove(bundle, application.Name, application.Location, document, problems, "application");
            return;
        }

        if (!bundle.Applications.TryGetValue(application.Name, out var merged))
        {
            merged = new MergedApplication { Name = application.Name, Location = application.Location, CharmDirectory = document.Directory };
            bundle.Applications.Add(application.Name, merged);
        }

        foreach (var (key, value) in application.Scalars)
        {
            // Juju normalises scale to num_units in each document, so one replaces the other.
            if (key is "scale" or "num_units")
            {
                merged.Scalars.Remove("scale");
                merged.Scalars.Remove("num_units");
            }

            merged.Scalars[key] = value;
            if (key == "charm")
            {
                merged.CharmDirectory = document.Directory;
            }
        }

        foreach (var (key, value) in application.Lists)
        {
            merged.Lists[key] = value;
        }

        foreach (var (key, map) in application.Maps)
        {
            if (!merged.Maps.TryGetValue(key, out var target))
            {
                target = new MergedMap(map.Key);
                merged.Maps.Add(key, target);
            }

            target.Key = map.Key;
            if (map.Entries.Count == 0)
            {
                target.Entries.Clear();
                continue;
            }

            foreach (var entry in map.Entries)
            {
                if (YamlFile.IsNull(entry.Value))
                {
                    target.Entries.Remove(entry.Key);
                }
                else
                {
                    target.Entries[entry.Key] = entry;
                }
            }
        }
    }

    private static void Remove(MergedBundle bundle, string name, SourceLocation at, BundleDocument document, List<BundleProblem> problems, string what)
    {
        var removed = what == "saas" ? bundle.Saas.Remove(name) : bundle.Applications.Remove(name);
        if (!removed)
        {
            problems.Add(new BundleProblem(ProblemSeverity.Warning, "remove-unknown", at,
                $"{document.File} removes {what} '{name}' (null value), but the bundle before it does not define it")
            { Application = name });
            return;
        }

        bundle.Relations.RemoveAll(r => r.First.Application == name || r.Second.Application == name);
    }
}
