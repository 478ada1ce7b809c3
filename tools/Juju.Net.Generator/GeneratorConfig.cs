// GeneratorConfig: which facades (and which of their versions) the generator emits, read from
// facades.json so that adding a facade is a one-line change reviewed with the code it produces.
using System.Text.Json;

namespace Juju.Net.Generator;

/// <summary>The generator's configuration: the namespace of the code and the facades to emit, each with the version the schema must have.</summary>
/// <param name="Namespace">The C# namespace of every generated type.</param>
/// <param name="Facades">Facade name → expected version, sorted by name.</param>
internal sealed record GeneratorConfig(string Namespace, IReadOnlyDictionary<string, int> Facades)
{
    /// <summary>Reads a config file; every mistake in it names the file and the key.</summary>
    public static GeneratorConfig Load(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new GeneratorException($"{path}:{e.LineNumber + 1}: not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new GeneratorException($"{path}: the config is a JSON object with \"namespace\" and \"facades\".");
            }

            var ns = root.TryGetProperty("namespace", out var nsElement) && nsElement.ValueKind == JsonValueKind.String
                ? nsElement.GetString()!
                : throw new GeneratorException($"{path}: \"namespace\" (a string, e.g. \"Juju.Net\") is missing.");
            if (!root.TryGetProperty("facades", out var facadesElement) || facadesElement.ValueKind != JsonValueKind.Object)
            {
                throw new GeneratorException($"{path}: \"facades\" (an object of facade name → version, e.g. {{\"Client\": 8}}) is missing.");
            }

            var facades = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var facade in facadesElement.EnumerateObject())
            {
                if (facade.Value.ValueKind != JsonValueKind.Number || !facade.Value.TryGetInt32(out var version) || version < 1)
                {
                    throw new GeneratorException($"{path}: facades.{facade.Name}: the version is a positive integer, not {facade.Value.GetRawText()}.");
                }

                facades[facade.Name] = version;
            }

            if (facades.Count == 0)
            {
                throw new GeneratorException($"{path}: \"facades\" lists no facade.");
            }

            return new GeneratorConfig(ns, facades);
        }
    }
}

/// <summary>A mistake in the generator's input (schema or config), with a message that names the file and the place.</summary>
internal sealed class GeneratorException(string message) : Exception(message);
