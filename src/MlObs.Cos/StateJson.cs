// StateJson: the text form of the COS components' stored state, read and written without System.Text.Json's
// serializer. That state is read in every dispatch, and the serializer's first use of each type costs a reflection
// pass over the type's attributes (about a millisecond per type in a Native AOT charm). The shapes are those the
// serializer wrote before (property names as declared, nulls written), so state stored by earlier charm revisions
// reads back unchanged.
using System.Buffers;
using System.Text;
using System.Text.Json;
using MlObs.Cos.GrafanaDashboard;

namespace MlObs.Cos;

/// <summary>Readers and writers for the stored state of MlObs.Cos.</summary>
internal static class StateJson
{
    /// <summary>A map of strings: <c>{"1": "digest"}</c>.</summary>
    public static Dictionary<string, string>? ReadStringMap(string json) =>
        Read(json, root => ReadMap(root, value => Text(value)));

    public static string WriteStringMap(Dictionary<string, string> map) => Write(w => WriteMap(w, map, (v, text) => v.WriteStringValue(text)));

    /// <summary>The feedback of each relation: <c>{"3": {"EventOwner": …, "Event": …, "Missing": [], "Invalid": []}}</c>.</summary>
    public static Dictionary<string, RemoteFeedback>? ReadFeedback(string json) =>
        Read(json, root => ReadMap(root, value => new RemoteFeedback(
            NullableText(Property(value, "EventOwner")),
            NullableText(Property(value, "Event")),
            TextList(Property(value, "Missing")),
            TextList(Property(value, "Invalid")))));

    public static string WriteFeedback(Dictionary<string, RemoteFeedback> map) => Write(w => WriteMap(w, map, (v, feedback) =>
    {
        v.WriteStartObject();
        v.WriteString("EventOwner", feedback.EventOwner);
        v.WriteString("Event", feedback.Event);
        WriteList(v, "Missing", feedback.Missing);
        WriteList(v, "Invalid", feedback.Invalid);
        v.WriteEndObject();
    }));

    /// <summary>The dashboard provider's state: <c>{"Relations": {"2": {"SeenEvent": "", "Errors": []}}, "ScanDigest": …, "ScanProblems": []}</c>.</summary>
    public static GrafanaDashboardState? ReadDashboardState(string json) => Read(json, root =>
    {
        Expect(root, JsonValueKind.Object);
        return new GrafanaDashboardState
        {
            Relations = Property(root, "Relations") is { } relations
                ? ReadMap(relations, value => new RelationFeedback(
                    Text(Property(value, "SeenEvent") ?? throw Shape("SeenEvent is missing")),
                    List(Property(value, "Errors"), error => new GrafanaDashboardError(
                        Text(Property(error, "DashboardId") ?? throw Shape("DashboardId is missing")),
                        Text(Property(error, "Error") ?? throw Shape("Error is missing"))))))
                : new Dictionary<string, RelationFeedback>(StringComparer.Ordinal),
            ScanDigest = NullableText(Property(root, "ScanDigest")),
            ScanProblems = TextList(Property(root, "ScanProblems")),
        };
    });

    public static string WriteDashboardState(GrafanaDashboardState state) => Write(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("Relations");
        WriteMap(w, state.Relations, (v, feedback) =>
        {
            v.WriteStartObject();
            v.WriteString("SeenEvent", feedback.SeenEvent);
            v.WriteStartArray("Errors");
            foreach (var error in feedback.Errors)
            {
                v.WriteStartObject();
                v.WriteString("DashboardId", error.DashboardId);
                v.WriteString("Error", error.Error);
                v.WriteEndObject();
            }

            v.WriteEndArray();
            v.WriteEndObject();
        });
        w.WriteString("ScanDigest", state.ScanDigest);
        WriteList(w, "ScanProblems", state.ScanProblems);
        w.WriteEndObject();
    });

    // JSON null reads as no state (the caller's default), as the serializer read it.
    private static T? Read<T>(string json, Func<JsonElement, T> read)
        where T : class
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Null ? null : read(document.RootElement);
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Dictionary<string, T> ReadMap<T>(JsonElement element, Func<JsonElement, T> read)
    {
        Expect(element, JsonValueKind.Object);
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            map[property.Name] = read(property.Value);
        }

        return map;
    }

    private static void WriteMap<T>(Utf8JsonWriter writer, Dictionary<string, T> map, Action<Utf8JsonWriter, T> write)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in map)
        {
            writer.WritePropertyName(key);
            write(writer, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter writer, string name, List<string> items)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    private static JsonElement? Property(JsonElement element, string name)
    {
        Expect(element, JsonValueKind.Object);
        return element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    private static string Text(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.String } text)
        {
            throw Shape($"a string was expected, not {element?.ValueKind.ToString() ?? "null"}");
        }

        return text.GetString()!;
    }

    private static string? NullableText(JsonElement? element) => element is null ? null : Text(element);

    private static List<T> List<T>(JsonElement? element, Func<JsonElement, T> read)
    {
        if (element is null)
        {
            return [];
        }

        Expect(element.Value, JsonValueKind.Array);
        var items = new List<T>(element.Value.GetArrayLength());
        foreach (var item in element.Value.EnumerateArray())
        {
            items.Add(read(item));
        }

        return items;
    }

    private static List<string> TextList(JsonElement? element) => List(element, item => Text(item));

    private static void Expect(JsonElement element, JsonValueKind kind)
    {
        if (element.ValueKind != kind)
        {
            throw Shape($"{kind} was expected, not {element.ValueKind}");
        }
    }

    private static JsonException Shape(string problem) => new(problem);
}
