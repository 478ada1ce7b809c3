// CharmMeta: the charm's metadata (endpoints, containers, storage, resources, actions, config
// options), read from the charm root at every dispatch as ops does.
using System.Collections.ObjectModel;

namespace MlObs.Ops.Metadata;

/// <summary>
/// The charm's metadata. A packed charm carries <c>metadata.yaml</c>, <c>config.yaml</c> and
/// <c>actions.yaml</c>; an unpacked one carries <c>charmcraft.yaml</c>. Both read to equal values.
/// </summary>
public sealed record CharmMeta
{
    private IReadOnlyDictionary<string, RelationMeta> _requires = Empty<RelationMeta>();
    private IReadOnlyDictionary<string, RelationMeta> _provides = Empty<RelationMeta>();
    private IReadOnlyDictionary<string, RelationMeta> _peers = Empty<RelationMeta>();

    // Derived from the three sections; every init accessor that feeds it resets it, so `with`
    // never carries a stale merge.
    private IReadOnlyDictionary<string, RelationMeta>? _relations;

    /// <summary>The charm name (<c>name</c>, required).</summary>
    public required string Name { get; init; }

    /// <summary>The one-line <c>summary</c>, if any.</summary>
    public string? Summary { get; init; }

    /// <summary>The <c>description</c>, if any.</summary>
    public string? Description { get; init; }

    /// <summary>Whether the charm is a subordinate (<c>subordinate: true</c>).</summary>
    public bool Subordinate { get; init; }

    /// <summary>The endpoints under <c>requires</c>, keyed by endpoint name.</summary>
    public IReadOnlyDictionary<string, RelationMeta> Requires
    {
        get => _requires;
        init
        {
            _requires = value ?? throw new ArgumentNullException(nameof(value));
            _relations = null;
        }
    }

    /// <summary>The endpoints under <c>provides</c>, keyed by endpoint name.</summary>
    public IReadOnlyDictionary<string, RelationMeta> Provides
    {
        get => _provides;
        init
        {
            _provides = value ?? throw new ArgumentNullException(nameof(value));
            _relations = null;
        }
    }

    /// <summary>The endpoints under <c>peers</c>, keyed by endpoint name.</summary>
    public IReadOnlyDictionary<string, RelationMeta> Peers
    {
        get => _peers;
        init
        {
            _peers = value ?? throw new ArgumentNullException(nameof(value));
            _relations = null;
        }
    }

    /// <summary>Every endpoint of <see cref="Requires"/>, <see cref="Provides"/> and <see cref="Peers"/>, keyed by endpoint name.</summary>
    public IReadOnlyDictionary<string, RelationMeta> Relations => _relations ??= MergeRelations();

    /// <summary>The workload <c>containers</c>, keyed by container name.</summary>
    public IReadOnlyDictionary<string, ContainerMeta> Containers { get; init; } = Empty<ContainerMeta>();

    /// <summary>The <c>storage</c> declarations, keyed by storage name.</summary>
    public IReadOnlyDictionary<string, StorageMeta> Storages { get; init; } = Empty<StorageMeta>();

    /// <summary>The <c>resources</c>, keyed by resource name.</summary>
    public IReadOnlyDictionary<string, ResourceMeta> Resources { get; init; } = Empty<ResourceMeta>();

    /// <summary>The actions, keyed by action name.</summary>
    public IReadOnlyDictionary<string, ActionMeta> Actions { get; init; } = Empty<ActionMeta>();

    /// <summary>The config options, keyed by option name.</summary>
    public IReadOnlyDictionary<string, ConfigOptionMeta> Config { get; init; } = Empty<ConfigOptionMeta>();

    /// <summary>The names under <c>extra-bindings</c>.</summary>
    public IReadOnlyList<string> ExtraBindings { get; init; } = [];

    /// <summary>
    /// The <c>assumes</c> entries as text. A plain entry stays as written (<c>juju &gt;= 3.6</c>);
    /// a group reads <c>any-of(a, b)</c> or <c>all-of(a, b)</c>.
    /// </summary>
    public IReadOnlyList<string> Assumes { get; init; } = [];

    /// <summary>
    /// Reads the metadata of the charm at <paramref name="charmDir"/>: <c>metadata.yaml</c> with
    /// the optional <c>config.yaml</c> and <c>actions.yaml</c> when <c>metadata.yaml</c> exists
    /// (a packed charm), otherwise <c>charmcraft.yaml</c>.
    /// </summary>
    /// <param name="charmDir">The charm root, <c>JUJU_CHARM_DIR</c> at dispatch.</param>
    /// <returns>The parsed metadata.</returns>
    /// <exception cref="CharmMetaException">Neither file exists, or the metadata is invalid.</exception>
    public static CharmMeta Load(string charmDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(charmDir);
        var metadataPath = Path.Combine(charmDir, "metadata.yaml");
        if (File.Exists(metadataPath))
        {
            var configPath = Path.Combine(charmDir, "config.yaml");
            var actionsPath = Path.Combine(charmDir, "actions.yaml");
            return MetaParser.FromLegacy(
                new SourceText(metadataPath, ReadText(metadataPath)),
                File.Exists(configPath) ? new SourceText(configPath, ReadText(configPath)) : null,
                File.Exists(actionsPath) ? new SourceText(actionsPath, ReadText(actionsPath)) : null);
        }

        var charmcraftPath = Path.Combine(charmDir, "charmcraft.yaml");
        if (File.Exists(charmcraftPath))
        {
            return MetaParser.FromCharmcraft(new SourceText(charmcraftPath, ReadText(charmcraftPath)));
        }

        throw new CharmMetaException($"no metadata.yaml or charmcraft.yaml in {charmDir}");
    }

    // The bytes and one UTF-8 decode, as File.ReadAllText gives for UTF-8 (its BOM skipped, bad bytes
    // replaced): ReadAllText's StreamReader, buffered FileStream and StringBuilder cost every dispatch
    // about 0.2 ms for three small files. A UTF-16 or UTF-32 BOM goes to ReadAllText, which decodes those.
    private static string ReadText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var head = bytes.AsSpan();
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return File.ReadAllText(path);
        }

        var start = head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        return System.Text.Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }

    /// <summary>
    /// Parses a <c>charmcraft.yaml</c>: config options under <c>config: options:</c> and actions
    /// under <c>actions:</c>.
    /// </summary>
    /// <param name="yaml">The file's text.</param>
    /// <returns>The parsed metadata.</returns>
    /// <exception cref="CharmMetaException">The text is not valid YAML or not valid metadata.</exception>
    public static CharmMeta FromCharmcraftYaml(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return MetaParser.FromCharmcraft(new SourceText("charmcraft.yaml", yaml));
    }

    /// <summary>
    /// Parses the files of a packed charm: <c>metadata.yaml</c>, <c>config.yaml</c> (options under
    /// a top-level <c>options:</c>) and <c>actions.yaml</c> (a map of actions).
    /// </summary>
    /// <param name="metadataYaml">The text of <c>metadata.yaml</c>.</param>
    /// <param name="configYaml">The text of <c>config.yaml</c>, or <see langword="null"/> when the charm has none.</param>
    /// <param name="actionsYaml">The text of <c>actions.yaml</c>, or <see langword="null"/> when the charm has none.</param>
    /// <returns>The parsed metadata.</returns>
    /// <exception cref="CharmMetaException">A text is not valid YAML or not valid metadata.</exception>
    public static CharmMeta FromLegacy(string metadataYaml, string? configYaml, string? actionsYaml)
    {
        ArgumentNullException.ThrowIfNull(metadataYaml);
        return MetaParser.FromLegacy(
            new SourceText("metadata.yaml", metadataYaml),
            configYaml is null ? null : new SourceText("config.yaml", configYaml),
            actionsYaml is null ? null : new SourceText("actions.yaml", actionsYaml));
    }

    /// <summary>Compares every declaration by content; dictionaries ignore order, lists do not.</summary>
    /// <param name="other">The metadata to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same charm.</returns>
    public bool Equals(CharmMeta? other) =>
        other is not null
        && Name == other.Name
        && Summary == other.Summary
        && Description == other.Description
        && Subordinate == other.Subordinate
        && Structural.DictionaryEquals(Requires, other.Requires)
        && Structural.DictionaryEquals(Provides, other.Provides)
        && Structural.DictionaryEquals(Peers, other.Peers)
        && Structural.DictionaryEquals(Containers, other.Containers)
        && Structural.DictionaryEquals(Storages, other.Storages)
        && Structural.DictionaryEquals(Resources, other.Resources)
        && Structural.DictionaryEquals(Actions, other.Actions)
        && Structural.DictionaryEquals(Config, other.Config)
        && Structural.ListEquals(ExtraBindings, other.ExtraBindings)
        && Structural.ListEquals(Assumes, other.Assumes);

    /// <summary>A hash consistent with <see cref="Equals(CharmMeta?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        hash.Add(Summary);
        hash.Add(Description);
        hash.Add(Subordinate);
        hash.Add(Structural.DictionaryHash(Requires));
        hash.Add(Structural.DictionaryHash(Provides));
        hash.Add(Structural.DictionaryHash(Peers));
        hash.Add(Structural.DictionaryHash(Containers));
        hash.Add(Structural.DictionaryHash(Storages));
        hash.Add(Structural.DictionaryHash(Resources));
        hash.Add(Structural.DictionaryHash(Actions));
        hash.Add(Structural.DictionaryHash(Config));
        hash.Add(Structural.ListHash(ExtraBindings));
        hash.Add(Structural.ListHash(Assumes));
        return hash.ToHashCode();
    }

    private static ReadOnlyDictionary<string, T> Empty<T>() => ReadOnlyDictionary<string, T>.Empty;

    private ReadOnlyDictionary<string, RelationMeta> MergeRelations()
    {
        var merged = new OrderedDictionary<string, RelationMeta>(StringComparer.Ordinal);
        foreach (var section in new[] { _requires, _provides, _peers })
        {
            foreach (var (name, relation) in section)
            {
                // The parser rejects an endpoint declared twice; a hand-built value keeps the first.
                merged.TryAdd(name, relation);
            }
        }

        return new ReadOnlyDictionary<string, RelationMeta>(merged);
    }
}
