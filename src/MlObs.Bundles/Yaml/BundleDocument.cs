// BundleDocument: one YAML document of a bundle or overlay after the schema check, holding only
// well-typed values, each with the place it was written. BundleMerger folds them into one bundle.
using YamlDotNet.RepresentationModel;

namespace MlObs.Bundles.Yaml;

/// <summary>A value with the key that introduced it and where that key is.</summary>
internal sealed record Located(string Key, YamlNode Value, SourceLocation Location);

/// <summary>A mapping-valued application field (options, resources, offers, ...) with its entries.</summary>
/// <param name="Key">The field name and where it is.</param>
/// <param name="Entries">The entries in file order; empty when the field is null or <c>{}</c> (an overlay clears it).</param>
internal sealed record LocatedMap(Located Key, IReadOnlyList<Located> Entries);

/// <summary>An application as one document writes it; <see cref="Removed"/> when the value is null.</summary>
internal sealed class DocumentApplication
{
    public required string Name { get; init; }

    public required SourceLocation Location { get; init; }

    /// <summary>The application is listed with a null value: an overlay removes it.</summary>
    public bool Removed { get; init; }

    public Dictionary<string, Located> Scalars { get; } = new(StringComparer.Ordinal);

    /// <summary>Fields whose value is a list (<c>to</c>).</summary>
    public Dictionary<string, Located> Lists { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, LocatedMap> Maps { get; } = new(StringComparer.Ordinal);
}

/// <summary>A saas entry; <see cref="Url"/> is null when the entry is null (an overlay removes it) or has no url.</summary>
internal sealed record DocumentSaas(string Name, SourceLocation Location, bool Removed, Located? Url);

/// <summary>One side of a relation as written: <c>app</c> or <c>app:endpoint</c>.</summary>
internal sealed record RelationSide(string Application, string? Endpoint, SourceLocation Location)
{
    public override string ToString() => Endpoint is null ? Application : $"{Application}:{Endpoint}";
}

/// <summary>A relation between two sides.</summary>
internal sealed record DocumentRelation(RelationSide First, RelationSide Second, SourceLocation Location)
{
    public override string ToString() => $"[{First}, {Second}]";
}

/// <summary>One YAML document of a bundle file: the base bundle or an overlay.</summary>
internal sealed class BundleDocument
{
    public required string File { get; init; }

    /// <summary>The directory relative charm paths are resolved against (the file's own).</summary>
    public required string Directory { get; init; }

    public required bool IsOverlay { get; init; }

    public Dictionary<string, Located> TopScalars { get; } = new(StringComparer.Ordinal);

    public Located? Machines { get; set; }

    public List<DocumentApplication> Applications { get; } = [];

    public List<DocumentSaas> Saas { get; } = [];

    public List<DocumentRelation> Relations { get; } = [];
}
