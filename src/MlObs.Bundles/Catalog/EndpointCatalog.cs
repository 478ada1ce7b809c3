// EndpointCatalog: bundles/catalog/ read into memory (charms/<name>.yaml, one per external charm, and
// offers.yaml), the import of the shared JSON catalog, and the writer of a charm's catalog file.
using System.Globalization;
using System.Text;
using System.Text.Json;
using MlObs.Bundles.Yaml;
using MlObs.Ops.Metadata;
using YamlDotNet.RepresentationModel;

namespace MlObs.Bundles.Catalog;

/// <summary>The endpoints of the external charms the bundles name, and the offers they consume.</summary>
public sealed class EndpointCatalog
{
    /// <summary>The folder under the catalog that holds one <c>NAME.yaml</c> per charm.</summary>
    public const string CharmsFolder = "charms";

    /// <summary>The file under the catalog that lists the offers.</summary>
    public const string OffersFile = "offers.yaml";

    private static readonly string[] CharmKeys = ["charm", "source", "from", "endpoints"];
    private static readonly string[] EndpointKeys = ["role", "interface", "optional", "limit"];
    private static readonly string[] OfferKeys = ["application", "charm", "endpoints", "source"];

    private EndpointCatalog(IReadOnlyDictionary<string, CatalogCharm> charms, IReadOnlyDictionary<string, CatalogOffer> offers)
    {
        Charms = charms;
        Offers = offers;
    }

    /// <summary>The charms by name.</summary>
    public IReadOnlyDictionary<string, CatalogCharm> Charms { get; }

    /// <summary>The offers by offer name.</summary>
    public IReadOnlyDictionary<string, CatalogOffer> Offers { get; }

    /// <summary>Reads <c>DIR/charms/*.yaml</c> and <c>DIR/offers.yaml</c>.</summary>
    /// <param name="directory">The catalog folder, e.g. <c>bundles/catalog</c>.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="CatalogException">A file is missing or malformed; the message names the file and line.</exception>
    public static async Task<EndpointCatalog> LoadAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var charmsDir = Path.Combine(directory, CharmsFolder);
        if (!Directory.Exists(charmsDir))
        {
            throw new CatalogException($"{charmsDir}: the catalog's charms folder does not exist");
        }

        var charms = new Dictionary<string, CatalogCharm>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(charmsDir, "*.yaml").Order(StringComparer.Ordinal))
        {
            var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            var charm = ParseCharm(text, path);
            var expected = Path.GetFileNameWithoutExtension(path);
            if (charm.Name != expected)
            {
                throw new CatalogException($"{path}: declares charm '{charm.Name}', but the file is named for '{expected}'");
            }

            charms.Add(charm.Name, charm);
        }

        var offersPath = Path.Combine(directory, OffersFile);
        var offers = File.Exists(offersPath)
            ? ParseOffers(await File.ReadAllTextAsync(offersPath, cancellationToken).ConfigureAwait(false), offersPath, charms)
            : new Dictionary<string, CatalogOffer>(StringComparer.Ordinal);
        return new(charms, offers);
    }

    /// <summary>Reads one charm's catalog file.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="file">The file name for messages.</param>
    /// <returns>The charm.</returns>
    /// <exception cref="CatalogException">The text is malformed.</exception>
    public static CatalogCharm ParseCharm(string text, string file)
    {
        var root = LoadMapping(text, file);
        var reader = new Reader(file);
        reader.OnlyKeys(root, CharmKeys, "a catalog charm");
        var name = reader.RequiredString(root, "charm");
        var source = reader.RequiredString(root, "source");
        var from = reader.RequiredString(root, "from") switch
        {
            "shared" => CatalogOrigin.Shared,
            "upstream" => CatalogOrigin.Upstream,
            var other => throw reader.Error(Find(root, "from")!, $"from: '{other}' is neither 'shared' (imported from the shared catalog) nor 'upstream' (written from the cited source)"),
        };
        var endpoints = new Dictionary<string, CatalogEndpoint>(StringComparer.Ordinal);
        if (Find(root, "endpoints") is { } endpointsNode && !YamlFile.IsNull(endpointsNode))
        {
            foreach (var (endpoint, keyNode, value) in reader.Mapping(endpointsNode, "endpoints"))
            {
                if (value is not YamlMappingNode spec)
                {
                    throw reader.Error(value, $"endpoint '{endpoint}' must be a mapping (role, interface), not {YamlFile.Describe(value)}");
                }

                reader.OnlyKeys(spec, EndpointKeys, $"endpoint '{endpoint}'");
                var role = reader.RequiredString(spec, "role") switch
                {
                    "provides" => RelationRole.Provides,
                    "requires" => RelationRole.Requires,
                    "peers" => RelationRole.Peer,
                    var other => throw reader.Error(value, $"endpoint '{endpoint}': role '{other}' is not provides, requires or peers"),
                };
                var @interface = reader.RequiredString(spec, "interface");
                int? limit = null;
                if (Find(spec, "limit") is { } limitNode)
                {
                    limit = YamlFile.TryInt(limitNode, out var n) && n > 0 ? (int)n : throw reader.Error(limitNode, $"endpoint '{endpoint}': limit must be a positive integer");
                }

                var optional = false;
                if (Find(spec, "optional") is { } optionalNode && !YamlFile.TryBool(optionalNode, out optional))
                {
                    throw reader.Error(optionalNode, $"endpoint '{endpoint}': optional must be true or false");
                }

                if (!endpoints.TryAdd(endpoint, new CatalogEndpoint(endpoint, role, @interface, limit, optional)))
                {
                    throw reader.Error(keyNode, $"endpoint '{endpoint}' is listed twice");
                }
            }
        }

        return new CatalogCharm(name, source, from, endpoints);
    }

    /// <summary>Reads the charms of the shared JSON catalog (<c>{"charms": {NAME: {"source", "endpoints"}}}</c>).</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="file">The file name for messages.</param>
    /// <returns>The charms, sorted by name, with <see cref="CatalogOrigin.Shared"/>.</returns>
    /// <exception cref="CatalogException">The JSON does not have the expected shape.</exception>
    public static IReadOnlyList<CatalogCharm> FromSharedJson(string json, string file)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var charms = new List<CatalogCharm>();
            foreach (var charm in document.RootElement.GetProperty("charms").EnumerateObject())
            {
                var endpoints = new Dictionary<string, CatalogEndpoint>(StringComparer.Ordinal);
                foreach (var endpoint in charm.Value.GetProperty("endpoints").EnumerateObject())
                {
                    var spec = endpoint.Value;
                    var role = spec.GetProperty("role").GetString() switch
                    {
                        "provides" => RelationRole.Provides,
                        "requires" => RelationRole.Requires,
                        "peers" => RelationRole.Peer,
                        var other => throw new CatalogException($"{file}: charms.{charm.Name}.endpoints.{endpoint.Name}.role: '{other}' is not provides, requires or peers"),
                    };
                    int? limit = spec.TryGetProperty("limit", out var l) ? l.GetInt32() : null;
                    var optional = spec.TryGetProperty("optional", out var o) && o.GetBoolean();
                    endpoints.Add(endpoint.Name, new CatalogEndpoint(endpoint.Name, role, spec.GetProperty("interface").GetString()!, limit, optional));
                }

                charms.Add(new CatalogCharm(charm.Name, charm.Value.GetProperty("source").GetString()!, CatalogOrigin.Shared, endpoints));
            }

            return charms.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CatalogException($"{file}: not the shared catalog's shape ({{\"charms\": {{NAME: {{\"source\", \"endpoints\"}}}}}}): {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <c>DIR/charms/NAME.yaml</c> for every charm of the shared JSON catalog and removes the
    /// earlier imports of charms it no longer lists; hand-written (<c>from: upstream</c>) files stay.
    /// </summary>
    /// <param name="sharedJsonPath">The shared catalog, e.g. <c>../shared/catalog/charm-endpoints.json</c>.</param>
    /// <param name="directory">The catalog folder.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>The charms written.</returns>
    /// <exception cref="CatalogException">The JSON is malformed, or a hand-written file has the name of an imported charm.</exception>
    public static async Task<IReadOnlyList<CatalogCharm>> ImportSharedJsonAsync(string sharedJsonPath, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sharedJsonPath);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var json = await File.ReadAllTextAsync(sharedJsonPath, cancellationToken).ConfigureAwait(false);
        var charms = FromSharedJson(json, sharedJsonPath);
        var charmsDir = Path.Combine(directory, CharmsFolder);
        Directory.CreateDirectory(charmsDir);
        var imported = charms.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var existing in Directory.EnumerateFiles(charmsDir, "*.yaml"))
        {
            var charm = ParseCharm(await File.ReadAllTextAsync(existing, cancellationToken).ConfigureAwait(false), existing);
            if (charm.Origin == CatalogOrigin.Upstream && imported.Contains(charm.Name))
            {
                throw new CatalogException($"{existing}: written by hand (from: upstream), but the shared catalog now lists '{charm.Name}'; delete the file and import again");
            }

            if (charm.Origin == CatalogOrigin.Shared && !imported.Contains(charm.Name))
            {
                File.Delete(existing);
            }
        }

        foreach (var charm in charms)
        {
            await File.WriteAllTextAsync(Path.Combine(charmsDir, charm.Name + ".yaml"), ToYaml(charm, Path.GetFileName(sharedJsonPath)), cancellationToken).ConfigureAwait(false);
        }

        return charms;
    }

    /// <summary>The catalog file of one charm, endpoints sorted by name, one per line.</summary>
    /// <param name="charm">The charm.</param>
    /// <param name="importedFrom">For imported charms, the shared file's name, for the header comment.</param>
    /// <returns>The YAML text.</returns>
    public static string ToYaml(CatalogCharm charm, string? importedFrom = null)
    {
        ArgumentNullException.ThrowIfNull(charm);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Relation endpoints of the {charm.Name} charm, read from its metadata at the source below.\n");
        text.Append(charm.Origin == CatalogOrigin.Shared
            ? $"# Imported from ../shared/catalog/{importedFrom ?? "charm-endpoints.json"} by `mlobs bundle import-catalog`; import again rather than edit.\n"
            : "# Written by hand: the shared catalog does not list this charm (see ../README.md).\n");
        text.Append(CultureInfo.InvariantCulture, $"charm: {charm.Name}\n");
        text.Append(CultureInfo.InvariantCulture, $"source: \"{charm.Source}\"\n");
        text.Append(charm.Origin == CatalogOrigin.Shared ? "from: shared\n" : "from: upstream\n");
        if (charm.Endpoints.Count == 0)
        {
            text.Append("endpoints: {}\n");
            return text.ToString();
        }

        text.Append("endpoints:\n");
        foreach (var endpoint in charm.Endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var role = endpoint.Role switch
            {
                RelationRole.Provides => "provides",
                RelationRole.Requires => "requires",
                _ => "peers",
            };
            text.Append(CultureInfo.InvariantCulture, $"  {endpoint.Name}: {{role: {role}, interface: {endpoint.Interface}");
            if (endpoint.Optional)
            {
                text.Append(", optional: true");
            }

            if (endpoint.Limit is { } limit)
            {
                text.Append(CultureInfo.InvariantCulture, $", limit: {limit}");
            }

            text.Append("}\n");
        }

        return text.ToString();
    }

    private static Dictionary<string, CatalogOffer> ParseOffers(string text, string file, Dictionary<string, CatalogCharm> charms)
    {
        var root = LoadMapping(text, file);
        var reader = new Reader(file);
        reader.OnlyKeys(root, ["offers"], "the offers file");
        var offers = new Dictionary<string, CatalogOffer>(StringComparer.Ordinal);
        if (Find(root, "offers") is not { } offersNode)
        {
            return offers;
        }

        foreach (var (name, _, value) in reader.Mapping(offersNode, "offers"))
        {
            if (value is not YamlMappingNode spec)
            {
                throw reader.Error(value, $"offer '{name}' must be a mapping (application, charm, endpoints, source), not {YamlFile.Describe(value)}");
            }

            reader.OnlyKeys(spec, OfferKeys, $"offer '{name}'");
            var charmName = reader.RequiredString(spec, "charm");
            if (!charms.TryGetValue(charmName, out var charm))
            {
                throw reader.Error(Find(spec, "charm")!, $"offer '{name}': charm '{charmName}' is not in the catalog's charms folder");
            }

            var endpointsNode = Find(spec, "endpoints");
            if (endpointsNode is not YamlSequenceNode list || list.Children.Count == 0)
            {
                throw reader.Error(endpointsNode ?? spec, $"offer '{name}': endpoints must be a non-empty list");
            }

            var endpoints = new List<string>();
            foreach (var item in list.Children)
            {
                if (!YamlFile.TryString(item, out var endpoint) || !charm.Endpoints.ContainsKey(endpoint))
                {
                    throw reader.Error(item, $"offer '{name}': {YamlFile.Describe(item)} is not an endpoint of {charmName}");
                }

                endpoints.Add(endpoint);
            }

            offers.Add(name, new CatalogOffer(name, reader.RequiredString(spec, "application"), charmName, endpoints, reader.RequiredString(spec, "source")));
        }

        return offers;
    }

    private static YamlMappingNode LoadMapping(string text, string file)
    {
        var documents = YamlFile.Load(text, file, out var error);
        if (error is not null)
        {
            throw new CatalogException(error.ToString());
        }

        if (documents.Count != 1 || documents[0].RootNode is not YamlMappingNode root)
        {
            throw new CatalogException($"{file}: expected one YAML document holding a mapping");
        }

        return root;
    }

    private static YamlNode? Find(YamlMappingNode map, string key) =>
        YamlFile.Entries(map).Where(e => e.Key == key).Select(e => e.Value).FirstOrDefault();

    /// <summary>Readers that throw <see cref="CatalogException"/> naming the file and line.</summary>
    private sealed class Reader(string file)
    {
        public CatalogException Error(YamlNode node, string message) => new($"{node.At(file)}: {message}");

        public string RequiredString(YamlMappingNode map, string key) =>
            Find(map, key) is { } node && YamlFile.TryString(node, out var value) && value.Length > 0
                ? value
                : throw Error(Find(map, key) ?? map, $"'{key}' must be a non-empty string");

        public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Mapping(YamlNode node, string what) =>
            node is YamlMappingNode map ? YamlFile.Entries(map, key => throw Error(key, $"{what}: keys must be strings")) : throw Error(node, $"{what} must be a mapping, not {YamlFile.Describe(node)}");

        public void OnlyKeys(YamlMappingNode map, string[] allowed, string what)
        {
            foreach (var (key, keyNode, _) in YamlFile.Entries(map, k => throw Error(k, $"{what}: keys must be strings")))
            {
                if (!allowed.Contains(key, StringComparer.Ordinal))
                {
                    throw Error(keyNode, $"{what}: unknown key '{key}' (known: {string.Join(", ", allowed)})");
                }
            }
        }
    }
}
