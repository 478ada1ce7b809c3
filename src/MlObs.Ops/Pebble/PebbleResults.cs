// PebbleResults: reads the JSON results of Pebble's API into the client's records, turning any
// shape mismatch into a PebbleProtocolException that names the field.
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json;

namespace MlObs.Ops.Pebble;

internal static class PebbleResults
{
    public static SystemInfo SystemInfo(JsonElement result)
    {
        Object(result, "system info");
        return new SystemInfo(Str(result, "boot-id"), Str(result, "version"), OptStr(result, "http-address"), OptStr(result, "https-address"));
    }

    public static ServiceInfo Service(JsonElement item)
    {
        Object(item, "service info");
        var name = Str(item, "name");
        return new ServiceInfo(
            name,
            Choice(item, "startup", LayerNames.ParseStartup),
            Choice(item, "current", ParseServiceStatus),
            OptTime(item, "current-since"));
    }

    public static CheckInfo Check(JsonElement item)
    {
        Object(item, "check info");
        var level = OptStr(item, "level");
        return new CheckInfo(
            Str(item, "name"),
            level is null ? null : LayerNames.ParseLevel(level) ?? throw Bad($"unknown check level \"{level}\""),
            Choice(item, "startup", LayerNames.ParseStartup),
            Choice(item, "status", ParseCheckStatus),
            OptInt(item, "successes") ?? 0,
            OptInt(item, "failures") ?? 0,
            OptInt(item, "threshold") ?? 0,
            OptStr(item, "change-id"),
            OptStr(item, "prev-change-id"));
    }

    public static Change Change(JsonElement item)
    {
        Object(item, "change");
        var tasks = Property(item, "tasks") is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Select(Task).ToArray()
            : [];
        return new Change(
            Str(item, "id"),
            Str(item, "kind"),
            OptStr(item, "summary") ?? string.Empty,
            Str(item, "status"),
            Bool(item, "ready"),
            OptStr(item, "err"),
            Time(item, "spawn-time"),
            OptTime(item, "ready-time"),
            tasks,
            RawMap(item, "data"));
    }

    private static ChangeTask Task(JsonElement item)
    {
        Object(item, "task");
        var progress = Property(item, "progress") is { ValueKind: JsonValueKind.Object } p
            ? new TaskProgress(OptStr(p, "label") ?? string.Empty, OptInt(p, "done") ?? 0, OptInt(p, "total") ?? 0)
            : new TaskProgress(string.Empty, 0, 0);
        return new ChangeTask(
            Str(item, "id"),
            Str(item, "kind"),
            OptStr(item, "summary") ?? string.Empty,
            Str(item, "status"),
            StrList(item, "log"),
            progress,
            Time(item, "spawn-time"),
            OptTime(item, "ready-time"),
            RawMap(item, "data"));
    }

    public static PebbleFileInfo File(JsonElement item)
    {
        Object(item, "file info");
        var permissions = Str(item, "permissions");
        int mode;
        try
        {
            mode = Convert.ToInt32(permissions, 8);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            throw Bad($"permissions \"{permissions}\" are not octal", ex);
        }

        return new PebbleFileInfo(
            Str(item, "path"),
            Str(item, "name"),
            Str(item, "type") switch
            {
                "file" => PebbleFileType.File,
                "directory" => PebbleFileType.Directory,
                "symlink" => PebbleFileType.Symlink,
                "socket" => PebbleFileType.Socket,
                "named-pipe" => PebbleFileType.NamedPipe,
                "device" => PebbleFileType.Device,
                _ => PebbleFileType.Unknown,
            },
            OptLong(item, "size"),
            mode,
            Time(item, "last-modified"),
            OptInt(item, "user-id"),
            OptStr(item, "user"),
            OptInt(item, "group-id"),
            OptStr(item, "group"));
    }

    public static Notice Notice(JsonElement item)
    {
        Object(item, "notice");
        return new Notice(
            Str(item, "id"),
            OptLong(item, "user-id"),
            Str(item, "type"),
            Str(item, "key"),
            Time(item, "first-occurred"),
            Time(item, "last-occurred"),
            Time(item, "last-repeated"),
            OptInt(item, "occurrences") ?? 0,
            StrMap(item, "last-data"),
            OptDuration(item, "repeat-after"),
            OptDuration(item, "expire-after"));
    }

    public static LogEntry Log(JsonElement item)
    {
        Object(item, "log entry");
        return new LogEntry(Time(item, "time"), Str(item, "service"), OptStr(item, "message") ?? string.Empty);
    }

    public static IReadOnlyList<T> List<T>(JsonElement? result, string what, Func<JsonElement, T> read)
    {
        // Pebble (Go) encodes an empty slice as null in places; treat it as empty, as ops does.
        if (result is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"expected {what} to be a list but it was {value.ValueKind}");
        }

        return value.EnumerateArray().Select(read).ToArray();
    }

    public static JsonElement Object(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Object ? element : throw Bad($"expected {what} to be an object but it was {element.ValueKind}");

    public static JsonElement? Property(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static string Str(JsonElement obj, string name) =>
        Property(obj, name) is { ValueKind: JsonValueKind.String } value
            ? value.GetString()!
            : throw Bad($"expected \"{name}\" to be a string");

    public static string? OptStr(JsonElement obj, string name) => Property(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString() is { Length: > 0 } text ? text : null,
        _ => throw Bad($"expected \"{name}\" to be a string"),
    };

    public static bool Bool(JsonElement obj, string name) => Property(obj, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw Bad($"expected \"{name}\" to be true or false"),
    };

    public static int? OptInt(JsonElement obj, string name) => Property(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var number) => number,
        _ => throw Bad($"expected \"{name}\" to be an integer"),
    };

    private static long? OptLong(JsonElement obj, string name) => Property(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt64(out var number) => number,
        _ => throw Bad($"expected \"{name}\" to be an integer"),
    };

    private static DateTimeOffset Time(JsonElement obj, string name) =>
        OptTime(obj, name) ?? throw Bad($"expected \"{name}\" to be a time");

    // RFC 3339 with up to nanoseconds (Go's time.Time), or whole seconds (file listings).
    private static DateTimeOffset? OptTime(JsonElement obj, string name)
    {
        var text = OptStr(obj, name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(TruncateFraction(text), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time
            : throw Bad($"expected \"{name}\" to be an RFC 3339 time, not \"{text}\"");
    }

    // Go writes up to nine fractional digits; .NET keeps seven (100 ns) and would round, so cut the rest.
    private static string TruncateFraction(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return text;
        }

        var end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end - dot - 1 > 7 ? text[..(dot + 8)] + text[end..] : text;
    }

    private static TimeSpan? OptDuration(JsonElement obj, string name)
    {
        var text = OptStr(obj, name);
        return text is null ? null : GoDuration.TryParse(text, out var value) ? value : throw Bad($"expected \"{name}\" to be a duration, not \"{text}\"");
    }

    public static IReadOnlyList<string> StrList(JsonElement obj, string name) => Property(obj, name) switch
    {
        null => [],
        { ValueKind: JsonValueKind.Array } array => array.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Bad($"expected \"{name}\" to hold strings"))
            .ToArray(),
        _ => throw Bad($"expected \"{name}\" to be a list"),
    };

    private static ReadOnlyDictionary<string, string> StrMap(JsonElement obj, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Property(obj, name) is { } value)
        {
            foreach (var property in Object(value, name).EnumerateObject())
            {
                map[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : throw Bad($"expected \"{name}\" to map to strings");
            }
        }

        return map.AsReadOnly();
    }

    private static ReadOnlyDictionary<string, JsonElement> RawMap(JsonElement obj, string name)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (Property(obj, name) is { } value)
        {
            foreach (var property in Object(value, name).EnumerateObject())
            {
                map[property.Name] = property.Value.Clone();
            }
        }

        return map.AsReadOnly();
    }

    private static T Choice<T>(JsonElement obj, string name, Func<string, T?> parse)
        where T : struct
    {
        var text = Str(obj, name);
        return parse(text) ?? throw Bad($"unexpected \"{name}\" value \"{text}\"");
    }

    private static ServiceStatus? ParseServiceStatus(string text) => text switch
    {
        "active" => ServiceStatus.Active,
        "inactive" => ServiceStatus.Inactive,
        "error" => ServiceStatus.Error,
        "backoff" => ServiceStatus.Backoff,
        _ => null,
    };

    private static CheckStatus? ParseCheckStatus(string text) => text switch
    {
        "up" => CheckStatus.Up,
        "down" => CheckStatus.Down,
        "inactive" => CheckStatus.Inactive,
        _ => null,
    };

    public static PebbleProtocolException Bad(string message, Exception? inner = null) =>
        new($"unexpected response from Pebble: {message}", inner);
}
