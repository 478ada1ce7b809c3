// CharmProject: a charmcraft.yaml, checked as charmcraft and Juju would check it, and the files charmcraft derives from
// it for the packed charm: metadata.yaml (CharmMetadata.from_charm), config.yaml, actions.yaml and manifest.yaml
// (charmcraft/services/package.py write_metadata, charmcraft/models/metadata.py, models/manifest.py).
using System.Text.RegularExpressions;

namespace MlObs.Ops.Testing.Packing;

/// <summary>A parsed charmcraft.yaml and the problems found in it.</summary>
internal sealed partial class CharmProject
{
    public const string FileName = "charmcraft.yaml";

    // The charmcraft.yaml keys that metadata.yaml carries unchanged (CharmMetadata's fields, dashes for underscores).
    private static readonly string[] MetadataKeys =
    [
        "name", "summary", "description", "assumes", "charm-user", "containers", "devices", "extra-bindings",
        "peers", "provides", "requires", "resources", "storage", "subordinate", "terms",
    ];

    private static readonly string[] RelationSections = ["requires", "provides", "peers"];
    private static readonly string[] ConfigTypes = ["string", "int", "float", "boolean", "secret"];
    private static readonly string[] JsonSchemaTypes = ["string", "integer", "number", "boolean", "object", "array", "null"];
    private static readonly Dictionary<string, string> ArchitectureOfRid = new(StringComparer.Ordinal)
    {
        ["linux-x64"] = "amd64",
        ["linux-arm64"] = "arm64",
    };

    private readonly List<CharmPackProblem> _problems = [];

    private CharmProject(YamlMap root) => Root = root;

    public YamlMap Root { get; }

    public string Name => Text(Root["name"]) ?? string.Empty;

    public IReadOnlyList<CharmPackProblem> Problems => _problems;

    /// <summary>The platform label and base chosen for the architecture (set by <see cref="Check"/>).</summary>
    public string? PlatformLabel { get; private set; }

    public string? BaseName { get; private set; }

    public string? BaseChannel { get; private set; }

    public string? Architecture { get; private set; }

    public IEnumerable<string> RelationEndpoints =>
        RelationSections.SelectMany(section => Root[section] is YamlMap map ? map.Keys : []);

    public IEnumerable<string> ActionNames => Root["actions"] is YamlMap map ? map.Keys : [];

    public IEnumerable<string> ContainerNames => Root["containers"] is YamlMap map ? map.Keys : [];

    public IEnumerable<string> StorageNames => Root["storage"] is YamlMap map ? map.Keys : [];

    public static bool IsKnownRuntime(string rid) => ArchitectureOfRid.ContainsKey(rid);

    /// <summary>Parses the text; a YAML error or a root that is not a mapping is a problem, and the result null.</summary>
    public static CharmProject? Parse(string text, List<CharmPackProblem> problems)
    {
        YamlValue? root;
        try
        {
            root = CharmYaml.Parse(text);
        }
        catch (FormatException e)
        {
            problems.Add(Error(string.Empty, $"not valid YAML: {e.Message}"));
            return null;
        }

        if (root is not YamlMap map)
        {
            problems.Add(Error(string.Empty, "expected a mapping of keys (type, name, summary, ...)"));
            return null;
        }

        return new CharmProject(map);
    }

    /// <summary>The file name charmcraft gives the packed charm: <c>NAME_PLATFORM.charm</c>, ':' in the platform label as '-'.</summary>
    public string? CharmFileName => PlatformLabel is null ? null : $"{Name}_{PlatformLabel.Replace(':', '-')}.charm";

    /// <summary>Checks the whole file for the runtime identifier's architecture; problems go to <see cref="Problems"/>.</summary>
    public void Check(string runtimeIdentifier)
    {
        CheckIdentity();
        CheckPlatform(ArchitectureOfRid[runtimeIdentifier]);
        CheckResourcesAndContainers();
        CheckRelations();
        CheckStorage();
        CheckConfig();
        CheckActions();
    }

    private void CheckIdentity()
    {
        if (Text(Root["type"]) != "charm")
        {
            AddError("type", Root["type"] is null ? "missing; a charm needs 'type: charm'" : $"is '{Text(Root["type"])}'; a charm needs 'type: charm'");
        }

        var name = Text(Root["name"]);
        if (name is null)
        {
            AddError("name", "missing");
        }
        else if (!CharmNameRegex().IsMatch(name) || name.Contains("--", StringComparison.Ordinal))
        {
            AddError("name", $"'{name}' is not a charm name (lowercase letters, digits and single hyphens, starting with a letter)");
        }

        foreach (var key in new[] { "summary", "description" })
        {
            if (Text(Root[key]) is not { Length: > 0 })
            {
                AddError(key, "missing; charmcraft requires a non-empty string");
            }
        }

        if (Root["charm-user"] is { } user && Text(user) is not ("root" or "sudoer" or "non-root"))
        {
            AddError("charm-user", $"'{Text(user)}' is not one of root, sudoer, non-root");
        }

        if (Root["assumes"] is { } assumes and not YamlList)
        {
            AddError("assumes", "expected a list (e.g. '- juju >= 3.6', '- k8s-api')");
        }
    }

    private void CheckPlatform(string architecture)
    {
        if (Root["bases"] is not null)
        {
            AddError("bases", "the legacy 'bases:' form is not supported by mlobs charm pack; use 'base: ubuntu@24.04' with 'platforms:'");
            return;
        }

        var baseText = Text(Root["base"]);
        if (Root["platforms"] is not YamlMap platforms || platforms.Entries.Count == 0)
        {
            AddError("platforms", "missing; declare at least the platform to build for, e.g. 'platforms: {amd64: }'");
            return;
        }

        foreach (var (label, value) in platforms.Entries)
        {
            var (platformBase, targets) = value switch
            {
                YamlScalar { IsNull: true } => SplitLabel(label),
                YamlMap map => (null, (map["build-for"] as YamlList)?.Items.Select(Text).OfType<string>().ToList() ?? []),
                _ => (null, new List<string>()),
            };
            foreach (var target in targets)
            {
                var (targetBase, targetArch) = target.Contains(':', StringComparison.Ordinal)
                    ? (target[..target.IndexOf(':', StringComparison.Ordinal)], target[(target.IndexOf(':', StringComparison.Ordinal) + 1)..])
                    : (platformBase, target);
                if (targetArch != architecture)
                {
                    continue;
                }

                var chosenBase = baseText ?? targetBase;
                if (chosenBase is null || !BaseRegex().IsMatch(chosenBase))
                {
                    AddError("base", chosenBase is null ? "missing; e.g. 'base: ubuntu@24.04'" : $"'{chosenBase}' is not a base (e.g. ubuntu@24.04)");
                    return;
                }

                PlatformLabel = label;
                BaseName = chosenBase[..chosenBase.IndexOf('@', StringComparison.Ordinal)];
                BaseChannel = chosenBase[(chosenBase.IndexOf('@', StringComparison.Ordinal) + 1)..];
                Architecture = architecture;
                return;
            }
        }

        AddError("platforms", $"no platform builds for {architecture} (declared: {string.Join(", ", platforms.Keys)})");

        static (string? Base, List<string> Targets) SplitLabel(string label) =>
            label.Contains(':', StringComparison.Ordinal)
                ? (label[..label.IndexOf(':', StringComparison.Ordinal)], [label[(label.IndexOf(':', StringComparison.Ordinal) + 1)..]])
                : (null, [label]);
    }

    private void CheckResourcesAndContainers()
    {
        var resources = Root["resources"] as YamlMap;
        if (Root["resources"] is { } r and not YamlMap)
        {
            AddError("resources", $"expected a mapping (line {r.Line})");
        }

        foreach (var (name, value) in resources?.Entries ?? [])
        {
            var type = (value as YamlMap)?["type"];
            switch (Text(type))
            {
                case "oci-image":
                    break;
                case "file":
                    if (Text(((YamlMap)value)["filename"]) is null)
                    {
                        AddError($"resources.{name}.filename", "missing; a file resource needs a filename");
                    }

                    break;
                default:
                    AddError($"resources.{name}.type", type is null ? "missing; oci-image or file" : $"'{Text(type)}' is not oci-image or file");
                    break;
            }
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        if (Root["containers"] is { } c and not YamlMap)
        {
            AddError("containers", $"expected a mapping (line {c.Line})");
        }

        foreach (var (name, value) in (Root["containers"] as YamlMap)?.Entries ?? [])
        {
            if (value is not YamlMap container)
            {
                AddError($"containers.{name}", "expected a mapping with 'resource:' (an oci-image resource) or 'bases:'");
                continue;
            }

            var resource = Text(container["resource"]);
            if (resource is null)
            {
                if (container["bases"] is null)
                {
                    AddError($"containers.{name}.resource", "missing; a Kubernetes charm's container needs an oci-image resource (or bases:)");
                }
            }
            else if (resources?[resource] is not YamlMap declared)
            {
                AddError($"containers.{name}.resource", $"names the resource '{resource}', but resources declares no '{resource}' (add resources.{resource} with type: oci-image)");
            }
            else if (Text(declared["type"]) != "oci-image")
            {
                AddError($"containers.{name}.resource", $"names the resource '{resource}', whose type is {Text(declared["type"]) ?? "missing"}, not oci-image");
            }
            else
            {
                used.Add(resource);
            }

            foreach (var mount in (container["mounts"] as YamlList)?.Items ?? [])
            {
                var storage = Text((mount as YamlMap)?["storage"]);
                if (storage is null || (Root["storage"] as YamlMap)?[storage] is null)
                {
                    AddError($"containers.{name}.mounts", storage is null ? "a mount without 'storage:'" : $"mounts the storage '{storage}', which storage does not declare");
                }
            }
        }

        foreach (var (name, value) in resources?.Entries ?? [])
        {
            if (Text((value as YamlMap)?["type"]) == "oci-image" && !used.Contains(name))
            {
                AddWarning($"resources.{name}", "an oci-image resource that no container uses");
            }
        }
    }

    private void CheckRelations()
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var section in RelationSections)
        {
            if (Root[section] is null)
            {
                continue;
            }

            if (Root[section] is not YamlMap map)
            {
                AddError(section, "expected a mapping of endpoints");
                continue;
            }

            foreach (var (endpoint, value) in map.Entries)
            {
                var key = $"{section}.{endpoint}";
                if (seen.TryGetValue(endpoint, out var other))
                {
                    AddError(key, $"the endpoint is also declared under {other}; endpoint names are unique across requires, provides and peers");
                }

                seen[endpoint] = section;
                if (!EndpointRegex().IsMatch(endpoint) || endpoint == "juju" || endpoint.StartsWith("juju-", StringComparison.Ordinal))
                {
                    AddError(key, $"'{endpoint}' is not a valid endpoint name (lowercase letters, digits, '-' and '_', starting with a letter; 'juju' and 'juju-*' are reserved)");
                }

                var iface = value switch
                {
                    YamlScalar { Kind: YamlScalarKind.String } s => s.Text,
                    YamlMap m => Text(m["interface"]),
                    _ => null,
                };
                if (iface is null)
                {
                    AddError($"{key}.interface", "missing; every endpoint names its interface");
                }
                else if (!InterfaceRegex().IsMatch(iface) || iface == "juju" || (iface.StartsWith("juju-", StringComparison.Ordinal) && iface != "juju-info"))
                {
                    AddError($"{key}.interface", $"'{iface}' is not a valid interface name (lowercase letters, digits, '-' and '_', starting with a letter; 'juju' and 'juju-*' other than juju-info are reserved)");
                }

                if (value is YamlMap body && body["limit"] is { } limit && (limit is not YamlScalar { Kind: YamlScalarKind.Int } l || l.Text.StartsWith('-')))
                {
                    AddError($"{key}.limit", "expected a non-negative integer");
                }
            }
        }
    }

    private void CheckStorage()
    {
        foreach (var (name, value) in (Root["storage"] as YamlMap)?.Entries ?? [])
        {
            if (Text((value as YamlMap)?["type"]) is not ("filesystem" or "block"))
            {
                AddError($"storage.{name}.type", "expected filesystem or block");
            }
        }
    }

    private void CheckConfig()
    {
        if (Root["config"] is null)
        {
            return;
        }

        if (Root["config"] is not YamlMap config || config["options"] is not YamlMap options)
        {
            AddError("config", "expected 'options:' with one mapping per option");
            return;
        }

        foreach (var (name, value) in options.Entries)
        {
            var type = Text((value as YamlMap)?["type"]);
            if (type is null || !ConfigTypes.Contains(type, StringComparer.Ordinal))
            {
                AddError($"config.options.{name}.type", type is null ? "missing; one of string, int, float, boolean, secret" : $"'{type}' is not one of string, int, float, boolean, secret");
            }
        }
    }

    private void CheckActions()
    {
        if (Root["actions"] is null)
        {
            return;
        }

        if (Root["actions"] is not YamlMap actions)
        {
            AddError("actions", "expected a mapping of actions");
            return;
        }

        foreach (var (name, value) in actions.Entries)
        {
            var key = $"actions.{name}";
            if (!ActionNameRegex().IsMatch(name))
            {
                AddError(key, $"'{name}' is not a valid action name (lowercase letters, digits and '-', starting with a letter)");
            }

            if (value is not YamlMap action)
            {
                AddError(key, "expected a mapping with description and params");
                continue;
            }

            if (Text(action["description"]) is not { Length: > 0 })
            {
                AddError($"{key}.description", "missing; every action needs a description (juju actions shows it)");
            }

            var parameters = action["params"];
            if (parameters is not null and not YamlMap)
            {
                AddError($"{key}.params", "expected a mapping of parameter name to JSON Schema");
            }

            foreach (var (param, schema) in (parameters as YamlMap)?.Entries ?? [])
            {
                CheckSchema($"{key}.params.{param}", schema);
            }

            if (action["required"] is { } required)
            {
                if (required is not YamlList list)
                {
                    AddError($"{key}.required", "expected a list of parameter names");
                }
                else
                {
                    foreach (var item in list.Items)
                    {
                        var p = Text(item);
                        if (p is null || (parameters as YamlMap)?[p] is null)
                        {
                            AddError($"{key}.required", $"'{p}' is not one of the action's params");
                        }
                    }
                }
            }

            if (action["additionalProperties"] is { } additional and not YamlScalar { Kind: YamlScalarKind.Bool })
            {
                AddError($"{key}.additionalProperties", "expected true or false");
            }
        }
    }

    private void CheckSchema(string key, YamlValue schema)
    {
        if (schema is not YamlMap map)
        {
            AddError(key, "expected a JSON Schema mapping (type, description, default, ...)");
            return;
        }

        switch (map["type"])
        {
            case null:
                break;
            case YamlScalar s when JsonSchemaTypes.Contains(s.Text, StringComparer.Ordinal):
                break;
            case YamlList l when l.Items.All(i => JsonSchemaTypes.Contains(Text(i) ?? string.Empty, StringComparer.Ordinal)):
                break;
            default:
                AddError($"{key}.type", $"not a JSON Schema type ({string.Join(", ", JsonSchemaTypes)})");
                break;
        }

        if (map["enum"] is { } e and not YamlList)
        {
            AddError($"{key}.enum", "expected a list");
        }

        if (map["properties"] is YamlMap properties)
        {
            foreach (var (name, child) in properties.Entries)
            {
                CheckSchema($"{key}.properties.{name}", child);
            }
        }

        if (map["items"] is YamlMap items)
        {
            CheckSchema($"{key}.items", items);
        }
    }

    /// <summary>metadata.yaml: the metadata keys, title as display-name and links flattened as CharmMetadata.from_charm does.</summary>
    public YamlMap Metadata()
    {
        var entries = new List<KeyValuePair<string, YamlValue>>();
        foreach (var key in MetadataKeys)
        {
            if (Root[key] is { } value && !(value is YamlScalar { IsNull: true }))
            {
                entries.Add(KeyValuePair.Create(key, value));
            }
        }

        if (Root["title"] is YamlScalar { IsNull: false } title)
        {
            entries.Add(KeyValuePair.Create("display-name", (YamlValue)title));
        }

        if (Root["links"] is YamlMap links)
        {
            foreach (var (key, value) in links.Entries)
            {
                switch (key)
                {
                    case "documentation":
                        entries.Add(KeyValuePair.Create("docs", value));
                        break;
                    case "contact":
                        entries.Add(KeyValuePair.Create("maintainers", value is YamlList ? value : YamlList.Of(value)));
                        break;
                    case "issues" or "source" or "website":
                        entries.Add(KeyValuePair.Create(key, value));
                        break;
                    default:
                        break;
                }
            }
        }

        return new YamlMap(entries, 0);
    }

    /// <summary>config.yaml (the config section), or null when there are no options.</summary>
    public YamlMap? Config() => Root["config"] is YamlMap { Entries.Count: > 0 } config ? config : null;

    /// <summary>actions.yaml (the actions section), or null when there are none.</summary>
    public YamlMap? Actions() => Root["actions"] is YamlMap { Entries.Count: > 0 } actions ? actions : null;

    /// <summary>manifest.yaml in charmcraft's field order (written unsorted).</summary>
    public YamlMap Manifest(string packerVersion, DateTimeOffset startedAt) => YamlMap.Of(
        ("charmcraft-version", YamlScalar.Str(packerVersion)),
        ("charmcraft-started-at", YamlScalar.Str(startedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", System.Globalization.CultureInfo.InvariantCulture))),
        ("bases", YamlList.Of(YamlMap.Of(
            ("name", YamlScalar.Str(BaseName ?? "ubuntu")),
            ("channel", YamlScalar.Str(BaseChannel ?? string.Empty)),
            ("architectures", YamlList.Of(YamlScalar.Str(Architecture ?? "amd64")))))),
        ("analysis", YamlMap.Of(("attributes", YamlList.Of(
            YamlMap.Of(("name", YamlScalar.Str("language")), ("result", YamlScalar.Str("unknown"))),
            YamlMap.Of(("name", YamlScalar.Str("framework")), ("result", YamlScalar.Str("unknown"))))))));

    public static string? Text(YamlValue? value) => value is YamlScalar { IsNull: false } s ? s.Text : null;

    private void AddError(string key, string message) => _problems.Add(Error(key, message));

    private void AddWarning(string key, string message) => _problems.Add(new CharmPackProblem(CharmPackSeverity.Warning, FileName, key, message));

    private static CharmPackProblem Error(string key, string message) => new(CharmPackSeverity.Error, FileName, key, message);

    [GeneratedRegex("^[a-z][a-z0-9-]*[a-z0-9]$")]
    private static partial Regex CharmNameRegex();

    [GeneratedRegex(@"^[a-z]+@[0-9][0-9.]*$")]
    private static partial Regex BaseRegex();

    [GeneratedRegex("^[a-z][a-z0-9_-]*$")]
    private static partial Regex EndpointRegex();

    [GeneratedRegex("^[a-z][a-z0-9_-]*$")]
    private static partial Regex InterfaceRegex();

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex ActionNameRegex();
}
