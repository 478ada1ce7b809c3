using System.Runtime.InteropServices;
using System.Text.Json;

namespace MlObs.Drift.Profiles;

/// <summary>
/// What the saved engine documents (profiles, windows) share: a <c>"format"</c> name and a <c>format_version</c> checked on
/// load, numeric arrays as base64 of little-endian values, and every malformation reported as <see cref="InvalidDataException"/>.
/// </summary>
internal static class VersionedJson
{
    public static void WriteHeader(Utf8JsonWriter writer, string format, int version)
    {
        writer.WriteString("format", format);
        writer.WriteNumber("format_version", version);
    }

    public static void WriteArray<T>(Utf8JsonWriter writer, string name, ReadOnlySpan<T> values) where T : struct =>
        writer.WriteBase64String(name, MemoryMarshal.AsBytes(values));

    public static T[] ReadArray<T>(JsonElement element) where T : struct
    {
        byte[] bytes = element.GetBytesFromBase64();
        if (bytes.Length % Marshal.SizeOf<T>() != 0)
            throw new InvalidDataException("A base64 array has a length that is not a whole number of values.");
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    /// <summary>
    /// Parses the document, checks its format name and version, and reads it with <paramref name="body"/>; JSON, format and
    /// shape errors all become <see cref="InvalidDataException"/>.
    /// </summary>
    public static T Read<T>(Stream stream, string format, string what, int version, string advice, Func<JsonElement, T> body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a JSON document: {e.Message}", e);
        }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            try
            {
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement name)
                    || name.GetString() != format)
                {
                    throw new InvalidDataException($"Not a {what} (\"format\" must be \"{format}\").");
                }
                int found = root.GetProperty("format_version").GetInt32();
                if (found != version)
                    throw new InvalidDataException($"{what} format version {found} is not supported (this build reads version {version}); {advice}.");
                return body(root);
            }
            catch (Exception e) when (e is KeyNotFoundException or FormatException or InvalidOperationException or ArgumentException)
            {
                throw new InvalidDataException($"Malformed {what}: {e.Message}", e);
            }
        }
    }
}
