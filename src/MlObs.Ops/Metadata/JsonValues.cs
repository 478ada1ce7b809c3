// JsonValues: builds standalone JsonElement values (config defaults, action param defaults,
// normalised config values) without reflection.
using System.Buffers;
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

    public static JsonElement String(string value) => Build(w => w.WriteStringValue(value));

    public static JsonElement Number(long value) => Build(w => w.WriteNumberValue(value));

    public static JsonElement Number(double value) => Build(w => w.WriteNumberValue(value));

    public static JsonElement Boolean(bool value) => Build(w => w.WriteBooleanValue(value));
}
