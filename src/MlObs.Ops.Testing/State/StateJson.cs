// StateJson: the public entry points to read and write the emulator's state document
// (docs/emulator-state.md), with path-naming errors for anything malformed.
using System.Text.Json;

namespace MlObs.Ops.Testing.State;

/// <summary>
/// Reads and writes <see cref="UnitState"/> as JSON with Scenario's snake_case names. Reading is
/// strict: a missing required field, a value of the wrong type and an unknown field are all
/// <see cref="StateFormatException"/>s naming the JSON path. Writing is stable: fields in schema
/// order, map keys sorted, two-space indents, so equal states give byte-equal files.
/// </summary>
public static class StateJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>The field names each object of the document accepts, keyed by the object's name in the JSON Schema's <c>$defs</c> (the root is <c>state</c>).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> FieldNames => StateJsonNames.All;

    /// <summary>Parses a state document.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The state.</returns>
    /// <exception cref="StateFormatException">The text is not JSON, or does not follow the schema; the message names the path.</exception>
    public static UnitState Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new StateFormatException($"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {ex.Message}", ex);
        }

        using (document)
        {
            return StateJsonReader.Read(document.RootElement);
        }
    }

    /// <summary>Reads a state document from a file.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The state.</returns>
    /// <exception cref="StateFormatException">The file does not follow the schema; the message starts with the file name.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static UnitState ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = File.ReadAllText(path);
        try
        {
            return Read(text);
        }
        catch (StateFormatException ex)
        {
            throw new StateFormatException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes a state as an indented JSON document ending in a newline.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The JSON text.</returns>
    public static string Write(UnitState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return StateJsonWriter.Write(state);
    }

    /// <summary>Writes a state to a file, replacing it.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="state">The state.</param>
    public static void WriteFile(string path, UnitState state)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, Write(state));
    }
}
