// JujuApiSchema: Juju's client API schema (../shared/juju-schema/schema.json) as the fake controller uses it:
// the facades with their version and AvailableTo, each method's Params and Result definitions, and a strict
// validator (required keys, types, no unknown keys, $ref and patternProperties followed) that knows the
// schema's lies of juju-api.md §2.4 (embedded-struct artefacts, Number as a string, Delta as a tuple,
// Macaroon free-form).
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Juju.Net.Testing;

/// <summary>One facade of the schema: its version, who may use it, and its methods' Params and Result definitions.</summary>
/// <param name="Name">The facade name.</param>
/// <param name="Version">The one version the schema file holds.</param>
/// <param name="AvailableTo">Who may use it: <c>model-user</c>, <c>controller-user</c>, agents.</param>
/// <param name="Methods">Method name → (Params definition or null, Result definition or null).</param>
public sealed record SchemaFacade(string Name, int Version, IReadOnlyList<string> AvailableTo, IReadOnlyDictionary<string, (string? Params, string? Result)> Methods);

/// <summary>Juju's client API schema, loaded for validating requests and replies.</summary>
public sealed class JujuApiSchema
{
    private const string RefPrefix = "#/definitions/";
    private readonly Dictionary<string, JsonObject> _definitions;
    private readonly Dictionary<string, HashSet<string>> _artefacts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    private JujuApiSchema(string path, Dictionary<string, SchemaFacade> facades, Dictionary<string, JsonObject> definitions)
    {
        Path = path;
        Facades = facades;
        _definitions = definitions;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>The facades by name.</summary>
    public IReadOnlyDictionary<string, SchemaFacade> Facades { get; }

    /// <summary>Reads the schema file (a JSON array of <c>{Name, Version, AvailableTo, Schema}</c>).</summary>
    /// <param name="path">Usually <c>../shared/juju-schema/schema.json</c> beside the repository root.</param>
    /// <exception cref="InvalidDataException">The file is not Juju's schema; the message says where.</exception>
    public static JujuApiSchema Load(string path)
    {
        JsonArray root;
        try
        {
            root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonArray ?? throw new InvalidDataException($"{path}: expected a JSON array of facades.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{e.LineNumber + 1}: not valid JSON: {e.Message}", e);
        }

        var facades = new Dictionary<string, SchemaFacade>(StringComparer.Ordinal);
        var definitions = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var node in root)
        {
            var name = (string?)node?["Name"] ?? throw new InvalidDataException($"{path}: a facade has no Name.");
            var schema = node!["Schema"] as JsonObject ?? throw new InvalidDataException($"{path}: facade {name} has no Schema.");
            var methods = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
            foreach (var (method, body) in schema["properties"] as JsonObject ?? [])
            {
                methods[method] = (RefName(body?["properties"]?["Params"]), RefName(body?["properties"]?["Result"]));
            }

            var availableTo = (node["AvailableTo"] as JsonArray ?? []).Select(a => (string?)a ?? "").ToList();
            facades[name] = new SchemaFacade(name, (int?)node["Version"] ?? throw new InvalidDataException($"{path}: facade {name} has no Version."), availableTo, methods);
            foreach (var (definition, body) in schema["definitions"] as JsonObject ?? [])
            {
                definitions.TryAdd(definition, body as JsonObject ?? throw new InvalidDataException($"{path}: definition {definition} of {name} is not an object."));
            }
        }

        return new JujuApiSchema(path, facades, definitions);
    }

    /// <summary>Checks a method's params (absent params count as <c>{}</c>); returns the problems, empty when valid.</summary>
    /// <param name="facade">The facade name.</param>
    /// <param name="method">The method name.</param>
    /// <param name="parameters">The envelope's <c>params</c>.</param>
    public IReadOnlyList<string> ValidateParams(string facade, string method, JsonNode? parameters)
    {
        var (paramsDefinition, _) = Facades[facade].Methods[method];
        if (paramsDefinition is null)
        {
            return parameters is null or JsonObject { Count: 0 } ? [] : [$"$: {facade}.{method} takes no params, got {parameters.ToJsonString()}"];
        }

        return Validate(paramsDefinition, parameters ?? new JsonObject());
    }

    /// <summary>Checks a method's result (absent counts as <c>{}</c>); returns the problems, empty when valid.</summary>
    /// <param name="facade">The facade name.</param>
    /// <param name="method">The method name.</param>
    /// <param name="result">The reply's <c>response</c>.</param>
    public IReadOnlyList<string> ValidateResult(string facade, string method, JsonNode? result)
    {
        var (_, resultDefinition) = Facades[facade].Methods[method];
        if (resultDefinition is null)
        {
            return result is null or JsonObject { Count: 0 } ? [] : [$"$: {facade}.{method} has no result, got {result.ToJsonString()}"];
        }

        return Validate(resultDefinition, result ?? new JsonObject());
    }

    /// <summary>Checks <paramref name="node"/> against the named definition; returns the problems (with JSON paths), empty when valid.</summary>
    /// <param name="definition">A definition name, e.g. <c>ApplicationsDeploy</c>.</param>
    /// <param name="node">The JSON to check.</param>
    public IReadOnlyList<string> Validate(string definition, JsonNode? node)
    {
        var errors = new List<string>();
        CheckRef(definition, node, "$", errors);
        return errors;
    }

    private static string? RefName(JsonNode? node) =>
        (string?)node?["$ref"] is { } reference && reference.StartsWith(RefPrefix, StringComparison.Ordinal) ? reference[RefPrefix.Length..] : null;

    private void CheckRef(string name, JsonNode? node, string path, List<string> errors)
    {
        switch (name)
        {
            // Go's version.Number marshals as "3.6.27", not as the object the schema shows (LP#2025108).
            case "Number" when node is JsonValue v && v.GetValueKind() == JsonValueKind.String:
                return;

            // multiwatcher.Delta marshals as [kind, "change"|"remove", entity] (LP#2025105).
            case "Delta":
                if (node is not JsonArray { Count: 3 } tuple || tuple[0]?.GetValueKind() != JsonValueKind.String
                    || (string?)tuple[1] is not ("change" or "remove") || tuple[2] is not JsonObject)
                {
                    errors.Add($"{path}: expected a delta [kind, \"change\"|\"remove\", {{entity}}], got {Show(node)}");
                }

                return;

            // gopkg.in/macaroon.v2 marshals itself (keys c, l, i, s64, …); the schema's reflection sees no
            // exported fields and writes an object that allows no keys (the generator maps it to JsonElement).
            case "Macaroon":
                if (node is not (null or JsonObject))
                {
                    errors.Add($"{path}: expected a macaroon object, got {Show(node)}");
                }

                return;
        }

        if (!_definitions.TryGetValue(name, out var definition))
        {
            errors.Add($"{path}: the schema has no definition {name}");
            return;
        }

        Check(definition, node, path, errors, name);
    }

    private void Check(JsonObject schema, JsonNode? node, string path, List<string> errors, string? definitionName = null)
    {
        if (RefName(schema) is { } reference)
        {
            CheckRef(reference, node, path, errors);
            return;
        }

        var type = (string?)schema["type"];
        if (node is null)
        {
            // Go writes and reads nil slices, maps and pointers as null; a null string, number or bool is a client bug.
            if (type is "string" or "integer" or "boolean")
            {
                errors.Add($"{path}: null where {type} is expected");
            }

            return;
        }

        switch (type)
        {
            // Go's interface{} (map[string]interface{} values: bundle change args, config values) is reflected as an
            // object that allows any key; on the wire it is any JSON value (strings, numbers, lists), as the generator
            // also reads it (JsonElement).
            case "object" when schema["properties"] is null && schema["patternProperties"] is null && schema["additionalProperties"] is JsonValue any && (bool)any:
                break;
            case "object":
                CheckObject(schema, node, path, errors, definitionName);
                break;
            case "array":
                if (node is not JsonArray array)
                {
                    errors.Add($"{path}: expected an array, got {Show(node)}");
                    break;
                }

                if (schema["items"] is JsonObject items)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        Check(items, array[i], $"{path}[{i}]", errors);
                    }
                }

                break;
            case "string":
                if (node.GetValueKind() != JsonValueKind.String)
                {
                    errors.Add($"{path}: expected a string, got {Show(node)}");
                }
                else if ((string?)schema["format"] == "date-time"
                    && !DateTimeOffset.TryParse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
                {
                    errors.Add($"{path}: expected an RFC 3339 date-time, got {Show(node)}");
                }

                break;
            case "integer":
                if (node.GetValueKind() != JsonValueKind.Number || !IsInteger(node.ToJsonString()))
                {
                    errors.Add($"{path}: expected an integer, got {Show(node)}");
                }

                break;
            case "boolean":
                if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{path}: expected a boolean, got {Show(node)}");
                }

                break;
            case null:
                break;
            default:
                errors.Add($"{path}: the schema's type \"{type}\" is not one Juju's schema uses");
                break;
        }
    }

    private void CheckObject(JsonObject schema, JsonNode node, string path, List<string> errors, string? definitionName)
    {
        if (node is not JsonObject obj)
        {
            errors.Add($"{path}: expected an object, got {Show(node)}");
            return;
        }

        var properties = schema["properties"] as JsonObject ?? [];
        var artefacts = definitionName is null ? [] : Artefacts(definitionName, properties);
        foreach (var required in schema["required"] as JsonArray ?? [])
        {
            var key = (string?)required ?? "";
            if (!artefacts.Contains(key) && !obj.ContainsKey(key))
            {
                errors.Add($"{path}: the required key \"{key}\" is missing");
            }
        }

        var patterns = schema["patternProperties"] as JsonObject;
        var additional = schema["additionalProperties"];
        foreach (var (key, value) in obj)
        {
            if (properties[key] is JsonObject property && !artefacts.Contains(key))
            {
                Check(property, value, $"{path}.{key}", errors);
                continue;
            }

            var matched = false;
            foreach (var (pattern, patternSchema) in patterns ?? [])
            {
                if (Pattern(pattern).IsMatch(key))
                {
                    Check(patternSchema as JsonObject ?? [], value, $"{path}.{key}", errors);
                    matched = true;
                    break;
                }
            }

            if (!matched && additional is JsonValue a && a.GetValueKind() == JsonValueKind.False)
            {
                errors.Add(artefacts.Contains(key)
                    ? $"{path}: \"{key}\" is an embedded Go struct; its keys go inline and \"{key}\" itself never appears on the wire"
                    : $"{path}: unknown key \"{key}\"{(definitionName is null ? "" : $" (definition {definitionName})")}");
            }
        }
    }

    /// <summary>Properties that are artefacts of Go struct embedding: name == $ref name, and the ref's keys all inlined.</summary>
    private HashSet<string> Artefacts(string definitionName, JsonObject properties)
    {
        lock (_artefacts)
        {
            if (_artefacts.TryGetValue(definitionName, out var known))
            {
                return known;
            }

            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, property) in properties)
            {
                if (RefName(property) == key && _definitions.TryGetValue(key, out var embedded)
                    && (embedded["properties"] as JsonObject ?? []).All(p => properties.ContainsKey(p.Key)))
                {
                    found.Add(key);
                }
            }

            _artefacts[definitionName] = found;
            return found;
        }
    }

    private Regex Pattern(string pattern)
    {
        lock (_patterns)
        {
            if (!_patterns.TryGetValue(pattern, out var regex))
            {
                regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                _patterns[pattern] = regex;
            }

            return regex;
        }
    }

    private static bool IsInteger(string literal) =>
        long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
        || ulong.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length > 80 ? text[..77] + "..." : text;
    }
}
