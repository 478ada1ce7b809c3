// JsonValues: builds standalone JsonElement values (config defaults, action param defaults,
// normalised config values) without reflection.
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MlObs.Ops.Metadata;

internal static class JsonValues
{
    public static JsonElement Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// A JSON string. Escaped here rather than by <see cref="Utf8JsonWriter"/>, whose escaping builds
    /// <c>JavaScriptEncoder.Default</c> (a class constructor that cost every dispatch about 0.2 ms for
    /// the config defaults); only what JSON requires is escaped, and the value reads back the same.
    /// </summary>
    public static JsonElement String(string value)
    {
        var json = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                < ' ' => json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => json.Append(c),
            };
        }

        using var document = JsonDocument.Parse(json.Append('"').ToString());
        return document.RootElement.Clone();
    }

    public static JsonElement Number(long value) => Build(w => w.WriteNumberValue(value));

    public static JsonElement Number(double value) => Build(w => w.WriteNumberValue(value));

    public static JsonElement Boolean(bool value) => Build(w => w.WriteBooleanValue(value));
}
