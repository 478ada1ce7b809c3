// MetaParser: turns the YAML of metadata.yaml / config.yaml / actions.yaml / charmcraft.yaml into
// CharmMeta through YamlDotNet's representation model, checking the rules Juju (and ops'
// testing consistency checker) apply, with errors that name the file, position and field.
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlObs.Ops.Metadata;

internal sealed class MetaParser
{
    private const int MaxDepth = 64;
    private const string ConfigTypes = "one of string, int, float, boolean, secret";
    private const string ParamTypes = "one of string, boolean, integer, number, array, object";

    private readonly string _source;

    private MetaParser(string source) => _source = source;

    public static CharmMeta FromCharmcraft(SourceText file) =>
        Read(file, allowEmpty: false, static (parser, root) =>
        {
            var config = parser.Mapping(Find(root, "config"), "config");
            return parser.ReadMetadata(root!) with
            {
                Config = parser.ReadConfigOptions(config is null ? null : Find(config, "options"), "config.options"),
                Actions = parser.ReadActions(Find(root, "actions"), "actions"),
            };
        });

    public static CharmMeta FromLegacy(SourceText metadata, SourceText? config, SourceText? actions)
    {
        var meta = Read(metadata, allowEmpty: false, static (parser, root) => parser.ReadMetadata(root!));

        if (config is not null)
        {
            meta = meta with
            {
                Config = Read(config, allowEmpty: true, static (parser, root) => parser.ReadConfigOptions(root is null ? null : Find(root, "options"), "options")),
            };
        }

        if (actions is not null)
        {
            meta = meta with { Actions = Read(actions, allowEmpty: true, static (parser, root) => parser.ReadActions(root, "the actions map")) };
        }

        return meta;
    }

    // Reads one file: through BlockYamlReader when the text is in its subset, else through
    // YamlDotNet. Nodes the fast reader builds carry no position, so when the metadata turns out
    // to be wrong the file is read again through YamlDotNet, and the error is the one (message,
    // line and column) that reading alone reports.
    private static T Read<T>(SourceText file, bool allowEmpty, Func<MetaParser, YamlMappingNode?, T> read)
    {
        var parser = new MetaParser(file.Name);
        if (BlockYamlReader.TryRead(file.Text, out var fastRoot))
        {
            try
            {
                return read(parser, parser.CheckRoot(fastRoot, allowEmpty));
            }
            catch (CharmMetaException)
            {
                // Fall through to YamlDotNet for the positioned error.
            }
        }

        return read(parser, parser.LoadRoot(file.Text, allowEmpty));
    }

    private static YamlNode? Find(YamlMappingNode? map, string key)
    {
        if (map is null)
        {
            return null;
        }

        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode { Value: var name } && name == key)
            {
                return v;
            }
        }

        return null;
    }

    // The first entry of a mapping (an empty pair for an empty one), without LINQ's First.
    private static KeyValuePair<YamlNode, YamlNode> FirstEntry(YamlMappingNode map)
    {
        foreach (var entry in map.Children)
        {
            return entry;
        }

        return default;
    }

    private static string Show(YamlNode node) => node switch
    {
        YamlScalarNode scalar => $"'{scalar.Value}'",
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a sequence",
        _ => "an unsupported node",
    };

    private static ReadOnlyDictionary<string, T> Freeze<T>(OrderedDictionary<string, T> items) => new(items);

    private YamlMappingNode? LoadRoot(string text, bool allowEmpty)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            throw new CharmMetaException(
                $"{_source}, line {ex.Start.Line}, column {ex.Start.Column}: malformed YAML: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // YamlDotNet's scanner throws these on some broken flow collections; the last event
            // it produced is the best position we have.
            var where = parser.Current is { } last ? $"{_source}, line {last.Start.Line}, column {last.Start.Column}" : _source;
            throw new CharmMetaException($"{where}: malformed YAML after this point: {ex.Message}", ex);
        }

        if (stream.Documents.Count > 1)
        {
            throw Error(stream.Documents[1].RootNode, $"expected one YAML document, found {stream.Documents.Count}");
        }

        return CheckRoot(stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, allowEmpty);
    }

    // The document's root: a mapping, or null for an empty file where that is allowed.
    private YamlMappingNode? CheckRoot(YamlNode? root, bool allowEmpty)
    {
        if (root is null || YamlScalars.IsNull(root))
        {
            return allowEmpty ? null : throw new CharmMetaException($"{_source}: the file is empty; expected a mapping with at least 'name'");
        }

        return root as YamlMappingNode
            ?? throw Error(root, $"the top-level document must be a mapping, not {Show(root)}");
    }

    private CharmMeta ReadMetadata(YamlMappingNode root)
    {
        var name = String(root, "name", Owner.None) ?? throw new CharmMetaException($"{_source}: missing required field 'name'");
        if (name.Length == 0)
        {
            throw Error(Find(root, "name"), "'name' is empty");
        }

        var requires = ReadRelations(root, "requires", RelationRole.Requires);
        var provides = ReadRelations(root, "provides", RelationRole.Provides);
        var peers = ReadRelations(root, "peers", RelationRole.Peer);
        CheckDistinctEndpoints(requires, provides, peers);

        var subordinate = Boolean(root, "subordinate", Owner.None, false);
        if (subordinate && !HasContainerScope(requires))
        {
            throw new CharmMetaException(
                $"{_source}: subordinate charm '{name}' needs a requires endpoint with scope: container");
        }

        var resources = ReadResources(root);
        var storages = ReadStorages(root);
        var containers = ReadContainers(root, resources, storages);
        var extraBindings = ReadExtraBindings(root, requires, provides, peers);

        return new CharmMeta
        {
            Name = name,
            Summary = String(root, "summary", Owner.None),
            Description = String(root, "description", Owner.None),
            Subordinate = subordinate,
            Requires = requires,
            Provides = provides,
            Peers = peers,
            Containers = containers,
            Storages = storages,
            Resources = resources,
            ExtraBindings = extraBindings,
            Assumes = ReadAssumes(root),
        };
    }

    private ReadOnlyDictionary<string, RelationMeta> ReadRelations(YamlMappingNode root, string section, RelationRole role)
    {
        var result = new OrderedDictionary<string, RelationMeta>(StringComparer.Ordinal);
        foreach (var (name, keyNode, value) in Entries(Mapping(Find(root, section), section), section))
        {
            var owner = new Owner("relation '", name, "' in ", section);

            // Juju also accepts the short form `endpoint: interface`.
            if (value is YamlScalarNode { Value: { Length: > 0 } shortInterface } && !YamlScalars.IsNull(value))
            {
                result[name] = new RelationMeta(name, role, shortInterface, null, false, "global");
                continue;
            }

            var body = Mapping(value, owner);
            var iface = String(body, "interface", owner);
            if (string.IsNullOrEmpty(iface))
            {
                throw Error(body ?? keyNode, $"{owner} has no interface");
            }

            var scope = String(body, "scope", owner) ?? "global";
            if (scope is not ("global" or "container"))
            {
                throw Invalid(Find(body, "scope")!, owner, "scope", "global or container");
            }

            result[name] = new RelationMeta(
                name,
                role,
                iface,
                Int32(body, "limit", owner),
                Boolean(body, "optional", owner, false),
                scope);
        }

        return Freeze(result);
    }

    // An endpoint name may appear in one section only. Each section is already a dictionary, so a
    // later section's names are looked up in the earlier ones (the first clash in requires, provides,
    // peers order is reported, naming the earlier section first), with no set built for the check.
    private void CheckDistinctEndpoints(
        ReadOnlyDictionary<string, RelationMeta> requires,
        ReadOnlyDictionary<string, RelationMeta> provides,
        ReadOnlyDictionary<string, RelationMeta> peers)
    {
        foreach (var name in provides.Keys)
        {
            if (requires.ContainsKey(name))
            {
                throw DeclaredTwice(name, "requires", "provides");
            }
        }

        foreach (var name in peers.Keys)
        {
            if (requires.ContainsKey(name) || provides.ContainsKey(name))
            {
                throw DeclaredTwice(name, requires.ContainsKey(name) ? "requires" : "provides", "peers");
            }
        }
    }

    private CharmMetaException DeclaredTwice(string name, string first, string second) =>
        new($"{_source}: relation '{name}' is declared in both {first} and {second}");

    private static bool HasContainerScope(ReadOnlyDictionary<string, RelationMeta> relations)
    {
        foreach (var relation in relations.Values)
        {
            if (relation.Scope == "container")
            {
                return true;
            }
        }

        return false;
    }

    private ReadOnlyDictionary<string, ResourceMeta> ReadResources(YamlMappingNode root)
    {
        var result = new OrderedDictionary<string, ResourceMeta>(StringComparer.Ordinal);
        foreach (var (name, keyNode, value) in Entries(Mapping(Find(root, "resources"), "resources"), "resources"))
        {
            var owner = new Owner("resource '", name, "'");
            var body = Mapping(value, owner);

            // Juju reads a resource without `type` as a file.
            var type = String(body, "type", owner) ?? "file";
            if (type is not ("oci-image" or "file"))
            {
                throw Invalid(Find(body, "type")!, owner, "type", "oci-image or file");
            }

            var filename = String(body, "filename", owner);
            if (type == "file" && string.IsNullOrEmpty(filename))
            {
                throw Error(body ?? keyNode, $"{owner} of type file has no filename");
            }

            result[name] = new ResourceMeta(name, type, filename, String(body, "description", owner));
        }

        return Freeze(result);
    }

    private ReadOnlyDictionary<string, StorageMeta> ReadStorages(YamlMappingNode root)
    {
        var result = new OrderedDictionary<string, StorageMeta>(StringComparer.Ordinal);
        foreach (var (name, keyNode, value) in Entries(Mapping(Find(root, "storage"), "storage"), "storage"))
        {
            var owner = new Owner("storage '", name, "'");
            var body = Mapping(value, owner);
            var type = String(body, "type", owner)
                ?? throw Error(body ?? keyNode, $"{owner} has no type; expected filesystem or block");
            if (type is not ("filesystem" or "block"))
            {
                throw Invalid(Find(body, "type")!, owner, "type", "filesystem or block");
            }

            var multipleNode = Find(body, "multiple");
            var multiple = multipleNode is YamlMappingNode multipleMap
                ? String(multipleMap, "range", new Owner("multiple of storage '", name, "'"))
                : String(body, "multiple", owner);

            result[name] = new StorageMeta(
                name,
                type,
                String(body, "description", owner),
                String(body, "location", owner),
                Boolean(body, "shared", owner, false),
                Boolean(body, "read-only", owner, false),
                String(body, "minimum-size", owner),
                multiple);
        }

        return Freeze(result);
    }

    private ReadOnlyDictionary<string, ContainerMeta> ReadContainers(
        YamlMappingNode root,
        ReadOnlyDictionary<string, ResourceMeta> resources,
        ReadOnlyDictionary<string, StorageMeta> storages)
    {
        var result = new OrderedDictionary<string, ContainerMeta>(StringComparer.Ordinal);
        foreach (var (name, _, value) in Entries(Mapping(Find(root, "containers"), "containers"), "containers"))
        {
            var owner = new Owner("container '", name, "'");
            var body = Mapping(value, owner);
            var resource = String(body, "resource", owner);
            if (resource is not null)
            {
                if (!resources.TryGetValue(resource, out var declared))
                {
                    throw Error(Find(body, "resource"), $"{owner} uses resource '{resource}', which is not declared under resources");
                }

                if (declared.Type != "oci-image")
                {
                    throw Error(Find(body, "resource"), $"{owner} uses resource '{resource}' of type {declared.Type}; a container needs an oci-image resource");
                }
            }

            var mounts = new List<ContainerMount>();
            var mountsNode = Find(body, "mounts");
            if (mountsNode is not null && !YamlScalars.IsNull(mountsNode))
            {
                if (mountsNode is not YamlSequenceNode sequence)
                {
                    throw Invalid(mountsNode, owner, "mounts", "a list of {storage, location}");
                }

                foreach (var item in sequence.Children)
                {
                    var mountOwner = new Owner("mount ", mounts.Count + 1, " of container '", name, "'");
                    var mount = Mapping(item, mountOwner) ?? throw Error(item, $"{mountOwner} is empty; expected storage and location");
                    var storage = String(mount, "storage", mountOwner);
                    if (string.IsNullOrEmpty(storage))
                    {
                        throw Error(mount, $"{mountOwner} has no storage");
                    }

                    if (!storages.ContainsKey(storage))
                    {
                        throw Error(Find(mount, "storage"), $"{mountOwner} uses storage '{storage}', which is not declared under storage");
                    }

                    mounts.Add(new ContainerMount(storage, String(mount, "location", mountOwner)));
                }
            }

            result[name] = new ContainerMeta(name, resource, mounts.AsReadOnly());
        }

        return Freeze(result);
    }

    private List<string> ReadExtraBindings(
        YamlMappingNode root,
        ReadOnlyDictionary<string, RelationMeta> requires,
        ReadOnlyDictionary<string, RelationMeta> provides,
        ReadOnlyDictionary<string, RelationMeta> peers)
    {
        var node = Find(root, "extra-bindings");
        List<string> names;
        if (node is YamlSequenceNode)
        {
            names = StringList(root, "extra-bindings", Owner.None);
        }
        else
        {
            names = [];
            foreach (var (name, _, _) in Entries(Mapping(node, "extra-bindings"), "extra-bindings"))
            {
                names.Add(name);
            }
        }

        foreach (var binding in names)
        {
            if (requires.ContainsKey(binding) || provides.ContainsKey(binding) || peers.ContainsKey(binding))
            {
                throw Error(node, $"extra binding '{binding}' has the same name as a relation endpoint");
            }
        }

        return names;
    }

    private List<string> ReadAssumes(YamlMappingNode root)
    {
        var node = Find(root, "assumes");
        if (node is null || YamlScalars.IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            throw Invalid(node, Owner.None, "assumes", "a list");
        }

        var result = new List<string>(sequence.Children.Count);
        foreach (var item in sequence.Children)
        {
            result.Add(AssumeText(item, 0));
        }

        return result;
    }

    private string AssumeText(YamlNode node, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error(node, "assumes is nested too deeply");
        }

        switch (node)
        {
            case YamlScalarNode scalar when !YamlScalars.IsNull(scalar):
                return scalar.Value ?? string.Empty;
            case YamlMappingNode map when map.Children.Count == 1
                && FirstEntry(map) is { Key: YamlScalarNode { Value: "any-of" or "all-of" } key, Value: YamlSequenceNode group }:
                var members = new string[group.Children.Count];
                for (var i = 0; i < members.Length; i++)
                {
                    members[i] = AssumeText(group.Children[i], depth + 1);
                }

                return $"{key.Value}({string.Join(", ", members)})";
            default:
                throw Error(node, $"an assumes entry is {Show(node)}; expected a requirement or an any-of / all-of list");
        }
    }

    private ReadOnlyDictionary<string, ConfigOptionMeta> ReadConfigOptions(YamlNode? node, string where)
    {
        var result = new OrderedDictionary<string, ConfigOptionMeta>(StringComparer.Ordinal);
        foreach (var (name, keyNode, value) in Entries(Mapping(node, where), where))
        {
            var owner = new Owner("config option '", name, "'");
            var body = Mapping(value, owner);
            var typeNode = Find(body, "type");

            // Juju's charm config reader treats a missing type as string ("missing type is valid
            // in python"), so a charm Juju deploys must load here too.
            ConfigOptionType type = typeNode is null || YamlScalars.IsNull(typeNode)
                ? ConfigOptionType.String
                : typeNode is YamlScalarNode { Value: var typeName }
                ? typeName switch
                {
                    "string" => ConfigOptionType.String,
                    "int" => ConfigOptionType.Int,
                    "float" => ConfigOptionType.Float,
                    "boolean" => ConfigOptionType.Boolean,
                    "secret" => ConfigOptionType.Secret,
                    _ => throw Invalid(typeNode, owner, "type", ConfigTypes),
                }
                : throw Invalid(typeNode, owner, "type", ConfigTypes);

            result[name] = new ConfigOptionMeta(
                name,
                type,
                ConfigDefault(Find(body, "default"), type, name),
                String(body, "description", owner));
        }

        return Freeze(result);
    }

    // Checks the default now and returns how to build it: see ConfigOptionMeta.
    private LazyJson ConfigDefault(YamlNode? node, ConfigOptionType type, string name)
    {
        if (node is null || YamlScalars.IsNull(node))
        {
            return default;
        }

        var typedOwner = new Owner("config option '", name, "' of type ", ConfigOptionTypes.YamlName(type));
        if (node is not YamlScalarNode { Value: var text } || text is null)
        {
            throw Invalid(node, typedOwner, "default", type is ConfigOptionType.Int ? "an int" : $"a {ConfigOptionTypes.YamlName(type)}");
        }

        switch (type)
        {
            case ConfigOptionType.Int when YamlScalars.TryParseInt64(text, out var integer):
                return LazyJson.Deferred(() => JsonValues.Number(integer));
            case ConfigOptionType.Int:
                throw Invalid(node, typedOwner, "default", "an integer");
            case ConfigOptionType.Float when YamlScalars.TryParseInt64(text, out var whole):
                // Written as a double, so `3` and `3.0` give the same default.
                return LazyJson.Deferred(() => JsonValues.Number((double)whole));
            case ConfigOptionType.Float when (YamlScalars.TryResolveFloat(text, out var number)
                    || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
                && double.IsFinite(number):
                return LazyJson.Deferred(() => JsonValues.Number(number));
            case ConfigOptionType.Float:
                throw Invalid(node, typedOwner, "default", "a finite number");
            case ConfigOptionType.Boolean when YamlScalars.TryParseBoolean(text, out var flag):
                return LazyJson.Deferred(() => JsonValues.Boolean(flag));
            case ConfigOptionType.Boolean:
                throw Invalid(node, typedOwner, "default", "true or false (or yes/no/on/off)");
            default:
                return LazyJson.Deferred(() => JsonValues.String(text));
        }
    }

    private ReadOnlyDictionary<string, ActionMeta> ReadActions(YamlNode? node, string where)
    {
        var result = new OrderedDictionary<string, ActionMeta>(StringComparer.Ordinal);
        foreach (var (name, _, value) in Entries(Mapping(node, "actions"), where))
        {
            var owner = new Owner("action '", name, "'");
            var body = Mapping(value, owner);
            var parameters = new OrderedDictionary<string, ActionParamMeta>(StringComparer.Ordinal);
            var paramsOwner = new Owner("params of action '", name, "'");
            foreach (var (paramName, _, paramValue) in Entries(Mapping(Find(body, "params"), paramsOwner), paramsOwner))
            {
                var paramOwner = new Owner("action '", name, "' param '", paramName, "'");
                var param = Mapping(paramValue, paramOwner);
                var typeNode = Find(param, "type");
                string? type = null;
                if (typeNode is not null && !YamlScalars.IsNull(typeNode))
                {
                    type = typeNode is YamlScalarNode { Value: "string" or "boolean" or "integer" or "number" or "array" or "object" } scalar
                        ? scalar.Value
                        : throw Invalid(typeNode, paramOwner, "type", ParamTypes);
                }

                var description = String(param, "description", paramOwner);
                parameters[paramName] = new ActionParamMeta(paramName, type, description, ActionDefault(Find(param, "default")));
            }

            result[name] = new ActionMeta(
                name,
                String(body, "description", owner),
                Freeze(parameters),
                StringList(body, "required", owner),
                Boolean(body, "additionalProperties", owner, true),
                String(body, "execution-group", owner),
                Boolean(body, "parallel", owner, false));
        }

        return Freeze(result);
    }

    // Checks the default now, raising the errors its writing would, and writes it on first read: see
    // ActionParamMeta.
    private LazyJson ActionDefault(YamlNode? node)
    {
        if (node is null || YamlScalars.IsNull(node))
        {
            return default;
        }

        WriteJson(null, node, 0);
        return LazyJson.Deferred(() => JsonValues.Build(writer => WriteJson(writer, node, 0)));
    }

    // An untyped YAML value as JSON, resolved the way PyYAML would resolve it for ops. Without a
    // writer it only walks the value and raises the errors writing it would raise.
    private void WriteJson(Utf8JsonWriter? writer, YamlNode node, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error(node, "value is nested too deeply (or refers to itself through an alias)");
        }

        switch (node)
        {
            case YamlScalarNode scalar:
                if (writer is not null)
                {
                    WriteScalar(writer, scalar);
                }

                break;
            case YamlSequenceNode sequence:
                writer?.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    WriteJson(writer, item, depth + 1);
                }

                writer?.WriteEndArray();
                break;
            case YamlMappingNode map:
                writer?.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    if (key is not YamlScalarNode { Value: { } keyText })
                    {
                        throw Error(key, $"a mapping key is {Show(key)}; expected a string");
                    }

                    writer?.WritePropertyName(keyText);
                    WriteJson(writer, value, depth + 1);
                }

                writer?.WriteEndObject();
                break;
            default:
                throw Error(node, "unsupported YAML node");
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (!YamlScalars.IsPlain(scalar))
        {
            writer.WriteStringValue(text);
        }
        else if (YamlScalars.IsNull(scalar))
        {
            writer.WriteNullValue();
        }
        else if (YamlScalars.TryResolveBoolean(text, out var flag))
        {
            writer.WriteBooleanValue(flag);
        }
        else if (YamlScalars.TryParseInteger(text, out var integer))
        {
            writer.WriteRawValue(integer.ToString(CultureInfo.InvariantCulture));
        }
        else if (YamlScalars.TryResolveFloat(text, out var number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            // Includes .inf and .nan, which JSON cannot carry as numbers.
            writer.WriteStringValue(text);
        }
    }

    private IEnumerable<(string Name, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode? map, Owner where)
    {
        if (map is null)
        {
            yield break;
        }

        foreach (var (key, value) in map.Children)
        {
            if (key is not YamlScalarNode { Value: { Length: > 0 } name } || YamlScalars.IsNull(key))
            {
                throw Error(key, $"{where} has a key that is not a name: {Show(key)}");
            }

            yield return (name, key, value);
        }
    }

    private YamlMappingNode? Mapping(YamlNode? node, Owner what) => node switch
    {
        null => null,
        YamlMappingNode map => map,
        _ when YamlScalars.IsNull(node) => null,
        _ => throw Error(node, $"{what} must be a mapping, not {Show(node)}"),
    };

    private string? String(YamlMappingNode? map, string key, Owner owner)
    {
        var node = Find(map, key);
        return node switch
        {
            null => null,
            _ when YamlScalars.IsNull(node) => null,
            YamlScalarNode scalar => scalar.Value,
            _ => throw Invalid(node, owner, key, "a string"),
        };
    }

    private bool Boolean(YamlMappingNode? map, string key, Owner owner, bool fallback)
    {
        var node = Find(map, key);
        if (node is null || YamlScalars.IsNull(node))
        {
            return fallback;
        }

        return node is YamlScalarNode { Value: { } text } && YamlScalars.TryParseBoolean(text, out var value)
            ? value
            : throw Invalid(node, owner, key, "true or false");
    }

    private int? Int32(YamlMappingNode? map, string key, Owner owner)
    {
        var node = Find(map, key);
        if (node is null || YamlScalars.IsNull(node))
        {
            return null;
        }

        return node is YamlScalarNode { Value: { } text } && YamlScalars.TryParseInt64(text, out var value) && value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw Invalid(node, owner, key, "an integer");
    }

    private List<string> StringList(YamlMappingNode? map, string key, Owner owner)
    {
        var node = Find(map, key);
        if (node is null || YamlScalars.IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            throw Invalid(node, owner, key, "a list of strings");
        }

        var result = new List<string>(sequence.Children.Count);
        foreach (var item in sequence.Children)
        {
            if (item is not YamlScalarNode { Value: { } text } || YamlScalars.IsNull(item))
            {
                throw Error(item, $"{(owner.IsNone ? key : $"{key} of {owner}")} must list strings, but has {Show(item)}");
            }

            result.Add(text);
        }

        return result;
    }

    // "relation 'db' in requires has limit 'one'; expected an integer", or for a non-scalar
    // "... has a sequence as limit; ...". Top-level fields read "'name' is a sequence; ...".
    private CharmMetaException Invalid(YamlNode node, Owner owner, string key, string expected) =>
        Error(node, (owner.IsNone, node) switch
        {
            (true, _) => $"'{key}' is {Show(node)}; expected {expected}",
            (_, YamlScalarNode) => $"{owner} has {key} {Show(node)}; expected {expected}",
            _ => $"{owner} has {Show(node)} as {key}; expected {expected}",
        });

    private CharmMetaException Error(YamlNode? node, string message) =>
        new(node is null
            ? $"{_source}: {message}"
            : $"{_source}, line {node.Start.Line}, column {node.Start.Column}: {message}");

    // What a field belongs to in an error message ("relation 'db' in requires", "action 'a' param
    // 'p'", "mount 2 of container 'c'"), kept as its parts and joined only when an error is raised,
    // so that reading a valid file formats no message (and no number: the first int formatted in a
    // process runs Number's class constructor). A plain string converts to one part.
    private readonly struct Owner
    {
        private readonly string? _first;
        private readonly int? _number;
        private readonly string? _second;
        private readonly string? _third;
        private readonly string? _fourth;
        private readonly string? _fifth;

        public Owner(string first, string? second = null, string? third = null, string? fourth = null, string? fifth = null)
        {
            _first = first;
            _second = second;
            _third = third;
            _fourth = fourth;
            _fifth = fifth;
        }

        public Owner(string first, int number, string second, string third, string fourth)
            : this(first, second, third, fourth) => _number = number;

        /// <summary>No owner: a top-level field.</summary>
        public static Owner None => default;

        public bool IsNone => _first is null;

        public static implicit operator Owner(string text) => new(text);

        public override string ToString() =>
            string.Concat(_first, _number?.ToString(CultureInfo.InvariantCulture), _second, _third, _fourth, _fifth);
    }
}
