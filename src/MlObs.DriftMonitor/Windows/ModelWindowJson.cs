using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using MlObs.Drift.Windows;

namespace MlObs.DriftMonitor.Windows;

/// <summary>
/// The JSON document of a <see cref="ModelWindow"/>:
/// <code>
/// { "format": "mlobs-drift-model-window", "version": 1, "profile_fingerprint": "…", "keeps_values": false,
///   "settings": { "kind": "sliding", "records": 10000, "duration": null, "panes": 10 }, "late_records": 0,
///   "panes": [ { "start": "2024-06-01T00:00:00+00:00", "end": null, "records": 1000,
///                "oldest": "…", "newest": "…", "state": { …the WindowStateJson document… } } ] }
/// </code>
/// <c>duration</c> is a <see cref="TimeSpan"/> in the invariant "c" format (<c>d.hh:mm:ss.fffffff</c>); times are ISO 8601
/// with their offset; <c>end</c> is null for panes of windows sized by records; <c>oldest</c> and <c>newest</c> are the
/// receive times of the pane's first and last records. Each pane's <c>state</c> is embedded as a nested object, exactly as
/// <see cref="WindowStateJson"/> writes it (bit-exact counters, and the profile fingerprint it is checked against).
/// </summary>
internal static class ModelWindowJson
{
    private const string FormatName = "mlobs-drift-model-window";
    private const int FormatVersion = 1;

    public static void Write(ModelWindow window, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("version", FormatVersion);
        w.WriteString("profile_fingerprint", window.Profile.Fingerprint);
        w.WriteBoolean("keeps_values", window.KeepsValues);
        WindowSettings settings = window.Settings;
        w.WriteStartObject("settings");
        w.WriteString("kind", settings.Kind == WindowKind.Sliding ? "sliding" : "tumbling");
        if (settings.Records is long records)
            w.WriteNumber("records", records);
        else
            w.WriteNull("records");
        if (settings.Duration is TimeSpan duration)
            w.WriteString("duration", duration.ToString("c", CultureInfo.InvariantCulture));
        else
            w.WriteNull("duration");
        w.WriteNumber("panes", settings.Panes);
        w.WriteEndObject();
        w.WriteNumber("late_records", window.LateRecords);
        w.WriteStartArray("panes");
        using var state = new MemoryStream();
        foreach (WindowPane pane in window.Panes)
        {
            w.WriteStartObject();
            w.WriteString("start", pane.Start);
            if (pane.End is { } end)
                w.WriteString("end", end);
            else
                w.WriteNull("end");
            w.WriteNumber("records", pane.Records);
            WriteTime(w, "oldest", pane.Records > 0 ? pane.Oldest : null);
            WriteTime(w, "newest", pane.Records > 0 ? pane.Newest : null);
            state.SetLength(0);
            WindowStateJson.Write(pane.State, state);
            w.WritePropertyName("state");
            w.WriteRawValue(state.GetBuffer().AsSpan(0, (int)state.Length), skipInputValidation: true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads the document into the empty <paramref name="window"/> (which carries the current settings).</summary>
    public static void Read(Stream stream, ModelWindow window)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The saved model window is not a JSON document: {e.Message}", e);
        }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            try
            {
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement format)
                    || format.ValueKind != JsonValueKind.String || format.GetString() != FormatName)
                {
                    throw new InvalidDataException($"Not a saved model window (\"format\" must be \"{FormatName}\").");
                }
                int version = root.GetProperty("version").GetInt32();
                if (version != FormatVersion)
                {
                    throw new InvalidDataException(
                        $"Model window format version {version} is not supported (this build reads version {FormatVersion}); start a new window.");
                }
                string fingerprint = root.GetProperty("profile_fingerprint").GetString() ?? "";
                if (fingerprint != window.Profile.Fingerprint)
                {
                    throw new InvalidDataException(
                        $"The saved model window was built on another reference profile (fingerprint {fingerprint}, not "
                        + $"{window.Profile.Fingerprint}); start a new window.");
                }
                bool keepsValues = root.GetProperty("keeps_values").GetBoolean();
                if (keepsValues != window.KeepsValues)
                {
                    throw new InvalidDataException(
                        $"The saved model window {(keepsValues ? "keeps" : "does not keep")} its values and this one "
                        + $"{(window.KeepsValues ? "does" : "does not")}; start a new window.");
                }
                WindowSettings saved = ReadSettings(root.GetProperty("settings"));
                long lateRecords = root.GetProperty("late_records").GetInt64();
                var panes = new List<WindowPane>();
                int index = 0;
                foreach (JsonElement pane in root.GetProperty("panes").EnumerateArray())
                    panes.Add(ReadPane(pane, index++, saved, window));
                window.Restore(saved, panes, lateRecords);
            }
            catch (Exception e) when (e is KeyNotFoundException or FormatException or InvalidOperationException or ArgumentException
                or OverflowException)
            {
                throw new InvalidDataException($"Malformed saved model window: {e.Message}", e);
            }
        }
    }

    private static WindowSettings ReadSettings(JsonElement settings)
    {
        WindowKind kind = settings.GetProperty("kind").GetString() switch
        {
            "sliding" => WindowKind.Sliding,
            "tumbling" => WindowKind.Tumbling,
            var other => throw new InvalidDataException($"Unknown window kind \"{other}\" in the saved model window."),
        };
        JsonElement records = settings.GetProperty("records");
        JsonElement duration = settings.GetProperty("duration");
        var saved = new WindowSettings(
            kind,
            records.ValueKind == JsonValueKind.Null ? null : records.GetInt64(),
            duration.ValueKind == JsonValueKind.Null
                ? null
                : TimeSpan.ParseExact(duration.GetString() ?? "", "c", CultureInfo.InvariantCulture),
            settings.GetProperty("panes").GetInt32());
        saved.Validate();
        return saved;
    }

    private static WindowPane ReadPane(JsonElement element, int index, WindowSettings saved, ModelWindow window)
    {
        DateTimeOffset start = element.GetProperty("start").GetDateTimeOffset();
        DateTimeOffset? end = ReadTime(element.GetProperty("end"));
        if (saved.Duration is not null && end is null)
            throw new InvalidDataException($"Pane {index} of the saved model window has no end, but the window is sized by time.");
        WindowState state;
        using (var json = new MemoryStream(JsonMarshal.GetRawUtf8Value(element.GetProperty("state")).ToArray(), writable: false))
        {
            try
            {
                state = WindowStateJson.Read(json, window.Profile);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"Pane {index} of the saved model window: {e.Message}", e);
            }
        }
        long records = element.GetProperty("records").GetInt64();
        if (records != state.Rows)
        {
            throw new InvalidDataException(
                $"Pane {index} of the saved model window records {records} records but its state holds {state.Rows} rows.");
        }
        var pane = new WindowPane(state, start, end);
        if (records > 0)
        {
            DateTimeOffset oldest = ReadTime(element.GetProperty("oldest"))
                ?? throw new InvalidDataException($"Pane {index} of the saved model window has records but no \"oldest\" time.");
            DateTimeOffset newest = ReadTime(element.GetProperty("newest"))
                ?? throw new InvalidDataException($"Pane {index} of the saved model window has records but no \"newest\" time.");
            pane.Restore(oldest, newest);
        }
        return pane;
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? time)
    {
        if (time is { } t)
            w.WriteString(name, t);
        else
            w.WriteNull(name);
    }

    private static DateTimeOffset? ReadTime(JsonElement element) =>
        element.ValueKind == JsonValueKind.Null ? null : element.GetDateTimeOffset();
}
