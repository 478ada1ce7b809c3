// JujuSchema: the parts of Juju's API schema (apiserver/facades/schema.json) the generator reads:
// facades with their version and methods, and the named definitions the methods' $refs point to.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Juju.Net.Generator;

/// <summary>One method of a facade: its name and the definitions of its params and result (either may be absent).</summary>
internal sealed record SchemaMethod(string Name, string? Params, string? Result);

/// <summary>One facade of the schema at the one version the file holds.</summary>
internal sealed record SchemaFacade(string Name, int Version, IReadOnlyList<SchemaMethod> Methods);

/// <summary>The loaded schema: facades by name, and the definitions of the selected facades by name.</summary>
internal sealed class JujuSchema
{
    private JujuSchema(string sha256, IReadOnlyDictionary<string, SchemaFacade> facades, IReadOnlyDictionary<string, JsonObject> definitions)
    {
        Sha256 = sha256;
        Facades = facades;
        Definitions = definitions;
    }

    /// <summary>The SHA-256 of the schema file, written into every generated file's header.</summary>
    public string Sha256 { get; }

    /// <summary>The selected facades by name.</summary>
    public IReadOnlyDictionary<string, SchemaFacade> Facades { get; }

    /// <summary>The definitions of the selected facades; a name means the same body in every facade (checked).</summary>
    public IReadOnlyDictionary<string, JsonObject> Definitions { get; }

    /// <summary>Reads the facades that <paramref name="config"/> lists from the schema file at <paramref name="path"/>.</summary>
    public static JujuSchema Load(string path, GeneratorConfig config)
    {
        var bytes = File.ReadAllBytes(path);
        JsonArray root;
        try
        {
            root = JsonNode.Parse(bytes) as JsonArray
                ?? throw new GeneratorException($"{path}: the schema is a JSON array of facades ([{{\"Name\", \"Version\", \"Schema\"}}, …]).");
        }
        catch (JsonException e)
        {
            throw new GeneratorException($"{path}:{e.LineNumber + 1}: not valid JSON: {e.Message}");
        }

        var facades = new SortedDictionary<string, SchemaFacade>(StringComparer.Ordinal);
        var definitions = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        var definedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < root.Count; i++)
        {
            var facade = root[i] as JsonObject ?? throw new GeneratorException($"{path}: facade [{i}] is not an object.");
            var name = (string?)facade["Name"] ?? throw new GeneratorException($"{path}: facade [{i}] has no \"Name\".");
            if (!config.Facades.TryGetValue(name, out var wanted))
            {
                continue;
            }

            var version = (int?)facade["Version"] ?? throw new GeneratorException($"{path}: facade {name} has no \"Version\".");
            if (version != wanted)
            {
                throw new GeneratorException($"{path}: facade {name} is version {version} in the schema, but the config asks for {wanted}; update the config's facades.{name}.");
            }

            var schema = facade["Schema"] as JsonObject ?? throw new GeneratorException($"{path}: facade {name} has no \"Schema\" object.");
            var methods = new List<SchemaMethod>();
            foreach (var (methodName, methodNode) in (schema["properties"] as JsonObject ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var properties = methodNode?["properties"] as JsonObject;
                methods.Add(new SchemaMethod(
                    methodName,
                    RefName(path, $"{name}.{methodName}.Params", properties?["Params"]),
                    RefName(path, $"{name}.{methodName}.Result", properties?["Result"])));
            }

            facades[name] = new SchemaFacade(name, version, methods);
            foreach (var (defName, defNode) in schema["definitions"] as JsonObject ?? [])
            {
                var body = defNode as JsonObject ?? throw new GeneratorException($"{path}: {name} definition {defName} is not an object.");
                if (definitions.TryGetValue(defName, out var existing))
                {
                    if (!JsonNode.DeepEquals(existing, body))
                    {
                        throw new GeneratorException($"{path}: definition {defName} differs between facades {definedBy[defName]} and {name}; the generator needs one body per name.");
                    }

                    continue;
                }

                definitions[defName] = body;
                definedBy[defName] = name;
            }
        }

        var missing = config.Facades.Keys.Where(f => !facades.ContainsKey(f)).ToList();
        if (missing.Count > 0)
        {
            throw new GeneratorException($"{path}: the schema has no facade {string.Join(", ", missing)} that the config lists.");
        }

        return new JujuSchema(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), facades, definitions);
    }

    /// <summary>The definition name a <c>{"$ref": "#/definitions/X"}</c> points to, or null when <paramref name="node"/> is absent.</summary>
    public static string? RefName(string path, string where, JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var reference = (string?)node["$ref"];
        const string Prefix = "#/definitions/";
        return reference is not null && reference.StartsWith(Prefix, StringComparison.Ordinal)
            ? reference[Prefix.Length..]
            : throw new GeneratorException($"{path}: {where} is not a \"$ref\" to \"#/definitions/…\": {node.ToJsonString()}");
    }
}
