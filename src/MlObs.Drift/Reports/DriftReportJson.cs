using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MlObs.Drift.Data;

namespace MlObs.Drift.Reports;

/// <summary>
/// The JSON form of a <see cref="DriftReport"/>: what <c>mlobs drift compare --format json</c> prints and the drift monitor's
/// report endpoint returns. The shape is fixed and described by <c>docs/drift-report.schema.json</c>:
/// <list type="bullet">
/// <item>snake_case keys in a fixed order; every key is always written (absent values are JSON <c>null</c>, never omitted);</item>
/// <item>finite numbers in their shortest round-trip form, so <see cref="Read(string)"/> gives back the same doubles bit for bit;</item>
/// <item>non-finite numbers (a PSI or χ² of +∞ when the window has a category the reference never saw, for example) as the
/// strings <c>"Infinity"</c>, <c>"-Infinity"</c> and <c>"NaN"</c> — JSON has no literal for them, <c>null</c> already means "not
/// computed", and these are the strings System.Text.Json reads with <c>JsonNumberHandling.AllowNamedFloatingPointLiterals</c>;</item>
/// <item>column kinds by their lower-case names (<see cref="ColumnKinds.Name"/>).</item>
/// </list>
/// Written with <see cref="Utf8JsonWriter"/> and read with <see cref="JsonDocument"/>: no reflection, safe for trimming and Native AOT.
/// </summary>
public static class DriftReportJson
{
    private const string PositiveInfinityText = "Infinity";
    private const string NegativeInfinityText = "-Infinity";
    private const string NaNText = "NaN";

    private static readonly string[] ReportKeys =
        ["format_version", "preset", "mode", "reference_rows", "current_rows", "dataset", "columns"];

    private static readonly string[] DatasetKeys =
    [
        "columns", "drifted_columns", "drift_share", "drift_share_threshold", "drift", "missing_columns", "new_columns",
        "skipped_columns", "correction",
    ];

    private static readonly string[] ColumnKeys =
    [
        "column", "kind", "method", "statistic", "p_value", "threshold", "drift", "n_reference", "n_current",
        "missing_reference", "missing_current", "status", "message", "drift_rule", "threshold_source", "p_value_raw",
        "error_bound", "invalid_current", "constant_reference", "constant_current", "unseen", "histogram",
    ];

    private static readonly string[] UnseenKeys = ["share", "distinct", "top"];

    private static readonly string[] CategoryCountKeys = ["value", "count"];

    private static readonly string[] HistogramKeys = ["labels", "edges", "reference", "current"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Writes the report as UTF-8 JSON (no byte order mark) to <paramref name="stream"/>, which is left open.</summary>
    /// <param name="report">The report.</param>
    /// <param name="stream">Where to write.</param>
    /// <param name="indented">Two-space indentation and "\n" line ends when true; one line when false.</param>
    public static void Write(DriftReport report, Stream stream, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, WriterOptions(indented));
        Write(report, writer);
    }

    /// <summary>
    /// Writes the report as one JSON object at the writer's current position, then flushes the writer. The writer's own options
    /// (indentation, encoder) apply.
    /// </summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Where to write.</param>
    public static void Write(DriftReport report, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report.Dataset, nameof(report));
        ArgumentNullException.ThrowIfNull(report.Columns, nameof(report));

        writer.WriteStartObject();
        writer.WriteNumber("format_version", DriftReport.FormatVersion);
        writer.WriteString("preset", report.Preset);
        writer.WriteString("mode", report.Mode);
        writer.WriteNumber("reference_rows", report.ReferenceRows);
        writer.WriteNumber("current_rows", report.CurrentRows);
        writer.WritePropertyName("dataset");
        WriteDataset(writer, report.Dataset);
        writer.WriteStartArray("columns");
        foreach (ColumnDrift column in report.Columns)
            WriteColumn(writer, column);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>The report as a JSON string.</summary>
    /// <param name="report">The report.</param>
    /// <param name="indented">Two-space indentation and "\n" line ends when true; one line when false.</param>
    /// <returns>The JSON text, without a trailing line end.</returns>
    public static string ToJson(DriftReport report, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(report);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions(indented)))
            Write(report, writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a report written by <see cref="Write(DriftReport, Stream, bool)"/> from UTF-8 JSON (a byte order mark is allowed).</summary>
    /// <param name="utf8Json">The JSON; read to its end, left open.</param>
    /// <returns>The report.</returns>
    /// <exception cref="JsonException">
    /// The text is not JSON, or not a drift report of format version 1: a key is missing, unknown or repeated, a value has the wrong
    /// type, a count is negative or not an integer, a string is outside its vocabulary (see the schema), or a histogram's arrays
    /// disagree in length. The message and <see cref="JsonException.Path"/> name the offending place ("$.columns[2].p_value").
    /// </exception>
    public static DriftReport Read(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        using JsonDocument document = JsonDocument.Parse(utf8Json, DocumentOptions);
        return ReadReport(document.RootElement);
    }

    /// <summary>Reads a report from JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The report.</returns>
    /// <exception cref="JsonException">As for <see cref="Read(Stream)"/>.</exception>
    public static DriftReport Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using JsonDocument document = JsonDocument.Parse(json, DocumentOptions);
        return ReadReport(document.RootElement);
    }

    private static JsonWriterOptions WriterOptions(bool indented) => new()
    {
        Indented = indented,
        NewLine = "\n",
        // Column names and categories stay readable (é, 東京) instead of \u escapes. The text is served as application/json or
        // written to a file; it is never pasted into HTML, where the HTML renderer escapes everything itself.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static void WriteDataset(Utf8JsonWriter writer, DatasetDrift dataset)
    {
        writer.WriteStartObject();
        writer.WriteNumber("columns", dataset.Columns);
        writer.WriteNumber("drifted_columns", dataset.DriftedColumns);
        WriteDouble(writer, "drift_share", dataset.DriftShare);
        WriteDouble(writer, "drift_share_threshold", dataset.DriftShareThreshold);
        writer.WriteBoolean("drift", dataset.Drift);
        WriteStrings(writer, "missing_columns", dataset.MissingColumns);
        WriteStrings(writer, "new_columns", dataset.NewColumns);
        writer.WriteNumber("skipped_columns", dataset.SkippedColumns);
        writer.WriteString("correction", dataset.Correction);
        writer.WriteEndObject();
    }

    private static void WriteColumn(Utf8JsonWriter writer, ColumnDrift column)
    {
        writer.WriteStartObject();
        writer.WriteString("column", column.Column);
        writer.WriteString("kind", column.Kind.Name());
        writer.WriteString("method", column.Method);
        WriteDouble(writer, "statistic", column.Statistic);
        WriteDouble(writer, "p_value", column.PValue);
        WriteDouble(writer, "threshold", column.Threshold);
        writer.WriteBoolean("drift", column.Drift);
        writer.WriteNumber("n_reference", column.NReference);
        writer.WriteNumber("n_current", column.NCurrent);
        WriteDouble(writer, "missing_reference", column.MissingReference);
        WriteDouble(writer, "missing_current", column.MissingCurrent);
        writer.WriteString("status", column.Status);
        writer.WriteString("message", column.Message);
        writer.WriteString("drift_rule", column.DriftRule);
        writer.WriteString("threshold_source", column.ThresholdSource);
        WriteDouble(writer, "p_value_raw", column.PValueRaw);
        WriteDouble(writer, "error_bound", column.ErrorBound);
        writer.WriteNumber("invalid_current", column.InvalidCurrent);
        writer.WriteBoolean("constant_reference", column.ConstantReference);
        writer.WriteBoolean("constant_current", column.ConstantCurrent);

        writer.WritePropertyName("unseen");
        if (column.Unseen is { } unseen)
        {
            writer.WriteStartObject();
            WriteDouble(writer, "share", unseen.Share);
            writer.WriteNumber("distinct", unseen.Distinct);
            writer.WriteStartArray("top");
            foreach (CategoryCount category in unseen.Top)
            {
                writer.WriteStartObject();
                writer.WriteString("value", category.Value);
                writer.WriteNumber("count", category.Count);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName("histogram");
        if (column.Histogram is { } histogram)
        {
            writer.WriteStartObject();
            WriteStrings(writer, "labels", histogram.Labels);
            WriteDoubles(writer, "edges", histogram.Edges);
            WriteDoubles(writer, "reference", histogram.Reference);
            WriteDoubles(writer, "current", histogram.Current);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }

    private static void WriteDouble(Utf8JsonWriter writer, string name, double? value)
    {
        writer.WritePropertyName(name);
        WriteDoubleValue(writer, value);
    }

    private static void WriteDoubleValue(Utf8JsonWriter writer, double? value)
    {
        if (value is not { } v)
            writer.WriteNullValue();
        else if (double.IsFinite(v))
            writer.WriteNumberValue(v);
        else
            writer.WriteStringValue(double.IsNaN(v) ? NaNText : v > 0 ? PositiveInfinityText : NegativeInfinityText);
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values)
            writer.WriteStringValue(value);
        writer.WriteEndArray();
    }

    private static void WriteDoubles(Utf8JsonWriter writer, string name, IReadOnlyList<double>? values)
    {
        if (values is null)
        {
            writer.WriteNull(name);
            return;
        }
        writer.WriteStartArray(name);
        foreach (double value in values)
            WriteDoubleValue(writer, value);
        writer.WriteEndArray();
    }

    private static DriftReport ReadReport(JsonElement root)
    {
        var o = new ObjectReader(root, "$", ReportKeys);
        long version = ReadLong(o.Get("format_version"), o.PathOf("format_version"));
        if (version != DriftReport.FormatVersion)
        {
            throw Error(o.PathOf("format_version"),
                $"format version {version} is not supported (this reader reads version {DriftReport.FormatVersion})");
        }

        string preset = ReadEnum(o.Get("preset"), o.PathOf("preset"), ReportValues.Presets);
        string mode = ReadEnum(o.Get("mode"), o.PathOf("mode"), ReportValues.Modes);
        long referenceRows = ReadLong(o.Get("reference_rows"), o.PathOf("reference_rows"));
        long currentRows = ReadLong(o.Get("current_rows"), o.PathOf("current_rows"));
        DatasetDrift dataset = ReadDataset(o.Get("dataset"), o.PathOf("dataset"));

        JsonElement columnsElement = o.Get("columns");
        string columnsPath = o.PathOf("columns");
        ExpectKind(columnsElement, columnsPath, JsonValueKind.Array, "an array");
        var columns = new List<ColumnDrift>(columnsElement.GetArrayLength());
        int index = 0;
        foreach (JsonElement item in columnsElement.EnumerateArray())
            columns.Add(ReadColumn(item, $"{columnsPath}[{index++}]"));

        return new DriftReport(preset, mode, referenceRows, currentRows, dataset, columns);
    }

    private static DatasetDrift ReadDataset(JsonElement element, string path)
    {
        var o = new ObjectReader(element, path, DatasetKeys);
        return new DatasetDrift(
            Columns: ReadInt(o.Get("columns"), o.PathOf("columns")),
            DriftedColumns: ReadInt(o.Get("drifted_columns"), o.PathOf("drifted_columns")),
            DriftShare: ReadDouble(o.Get("drift_share"), o.PathOf("drift_share")),
            DriftShareThreshold: ReadDouble(o.Get("drift_share_threshold"), o.PathOf("drift_share_threshold")),
            Drift: ReadBool(o.Get("drift"), o.PathOf("drift")),
            MissingColumns: ReadStrings(o.Get("missing_columns"), o.PathOf("missing_columns")),
            NewColumns: ReadStrings(o.Get("new_columns"), o.PathOf("new_columns")),
            SkippedColumns: ReadInt(o.Get("skipped_columns"), o.PathOf("skipped_columns")),
            Correction: ReadEnum(o.Get("correction"), o.PathOf("correction"), ReportValues.Corrections));
    }

    private static ColumnDrift ReadColumn(JsonElement element, string path)
    {
        var o = new ObjectReader(element, path, ColumnKeys);
        string column = ReadString(o.Get("column"), o.PathOf("column"));
        string kindText = ReadString(o.Get("kind"), o.PathOf("kind"));
        if (!ColumnKinds.TryParse(kindText, out ColumnKind kind) || kind.Name() != kindText)
            throw Error(o.PathOf("kind"), $"'{kindText}' is not a column kind (numerical, categorical, boolean or datetime)");

        return new ColumnDrift(
            Column: column,
            Kind: kind,
            Method: ReadNullableString(o.Get("method"), o.PathOf("method")),
            Statistic: ReadNullableDouble(o.Get("statistic"), o.PathOf("statistic")),
            PValue: ReadNullableDouble(o.Get("p_value"), o.PathOf("p_value")),
            Threshold: ReadNullableDouble(o.Get("threshold"), o.PathOf("threshold")),
            Drift: ReadBool(o.Get("drift"), o.PathOf("drift")),
            NReference: ReadLong(o.Get("n_reference"), o.PathOf("n_reference")),
            NCurrent: ReadLong(o.Get("n_current"), o.PathOf("n_current")),
            MissingReference: ReadDouble(o.Get("missing_reference"), o.PathOf("missing_reference")),
            MissingCurrent: ReadDouble(o.Get("missing_current"), o.PathOf("missing_current")),
            Status: ReadEnum(o.Get("status"), o.PathOf("status"), ReportValues.Statuses))
        {
            Message = ReadNullableString(o.Get("message"), o.PathOf("message")),
            DriftRule = ReadNullableString(o.Get("drift_rule"), o.PathOf("drift_rule")),
            ThresholdSource = IsNull(o.Get("threshold_source"))
                ? null
                : ReadEnum(o.Get("threshold_source"), o.PathOf("threshold_source"), ReportValues.ThresholdSources),
            PValueRaw = ReadNullableDouble(o.Get("p_value_raw"), o.PathOf("p_value_raw")),
            ErrorBound = ReadNullableDouble(o.Get("error_bound"), o.PathOf("error_bound")),
            InvalidCurrent = ReadLong(o.Get("invalid_current"), o.PathOf("invalid_current")),
            ConstantReference = ReadBool(o.Get("constant_reference"), o.PathOf("constant_reference")),
            ConstantCurrent = ReadBool(o.Get("constant_current"), o.PathOf("constant_current")),
            Unseen = IsNull(o.Get("unseen")) ? null : ReadUnseen(o.Get("unseen"), o.PathOf("unseen")),
            Histogram = IsNull(o.Get("histogram")) ? null : ReadHistogram(o.Get("histogram"), o.PathOf("histogram")),
        };
    }

    private static UnseenCategories ReadUnseen(JsonElement element, string path)
    {
        var o = new ObjectReader(element, path, UnseenKeys);
        double share = ReadDouble(o.Get("share"), o.PathOf("share"));
        long distinct = ReadLong(o.Get("distinct"), o.PathOf("distinct"));
        JsonElement topElement = o.Get("top");
        string topPath = o.PathOf("top");
        ExpectKind(topElement, topPath, JsonValueKind.Array, "an array");
        var top = new List<CategoryCount>(topElement.GetArrayLength());
        int index = 0;
        foreach (JsonElement item in topElement.EnumerateArray())
        {
            var c = new ObjectReader(item, $"{topPath}[{index++}]", CategoryCountKeys);
            top.Add(new CategoryCount(ReadString(c.Get("value"), c.PathOf("value")), ReadLong(c.Get("count"), c.PathOf("count"))));
        }
        return new UnseenCategories(share, distinct, top);
    }

    private static HistogramPair ReadHistogram(JsonElement element, string path)
    {
        var o = new ObjectReader(element, path, HistogramKeys);
        string[] labels = ReadStrings(o.Get("labels"), o.PathOf("labels"));
        double[]? edges = IsNull(o.Get("edges")) ? null : ReadDoubles(o.Get("edges"), o.PathOf("edges"));
        double[] reference = ReadDoubles(o.Get("reference"), o.PathOf("reference"));
        double[] current = ReadDoubles(o.Get("current"), o.PathOf("current"));
        if (reference.Length != labels.Length)
            throw Error(o.PathOf("reference"), $"has {reference.Length} values for {labels.Length} labels");
        if (current.Length != labels.Length)
            throw Error(o.PathOf("current"), $"has {current.Length} values for {labels.Length} labels");
        if (edges is not null && edges.Length != Math.Max(labels.Length - 1, 0))
            throw Error(o.PathOf("edges"), $"has {edges.Length} values for {labels.Length} labels (expected one fewer than the labels)");
        return new HistogramPair(labels, edges, reference, current);
    }

    private static bool IsNull(JsonElement element) => element.ValueKind == JsonValueKind.Null;

    private static string ReadString(JsonElement element, string path)
    {
        ExpectKind(element, path, JsonValueKind.String, "a string");
        return element.GetString()!;
    }

    private static string? ReadNullableString(JsonElement element, string path) =>
        IsNull(element) ? null : ReadString(element, path);

    private static string ReadEnum(JsonElement element, string path, string[] allowed)
    {
        string value = ReadString(element, path);
        if (Array.IndexOf(allowed, value) < 0)
            throw Error(path, $"'{value}' is not one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}");
        return value;
    }

    private static bool ReadBool(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error(path, $"expected true or false, found {Describe(element)}"),
    };

    private static long ReadLong(JsonElement element, string path)
    {
        ExpectKind(element, path, JsonValueKind.Number, "a non-negative integer");
        if (!element.TryGetInt64(out long value) || value < 0)
            throw Error(path, $"expected a non-negative integer, found {element.GetRawText()}");
        return value;
    }

    private static int ReadInt(JsonElement element, string path)
    {
        long value = ReadLong(element, path);
        if (value > int.MaxValue)
            throw Error(path, $"{value} is too large (at most {int.MaxValue})");
        return (int)value;
    }

    private static double ReadDouble(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            if (!element.TryGetDouble(out double value) || !double.IsFinite(value))
                throw Error(path, $"{element.GetRawText()} is out of the range of a double");
            return value;
        }
        if (element.ValueKind == JsonValueKind.String)
        {
            string? text = element.GetString();
            switch (text)
            {
                case PositiveInfinityText: return double.PositiveInfinity;
                case NegativeInfinityText: return double.NegativeInfinity;
                case NaNText: return double.NaN;
            }
        }
        throw Error(path, $"expected a number (or \"Infinity\", \"-Infinity\", \"NaN\"), found {Describe(element)}");
    }

    private static double? ReadNullableDouble(JsonElement element, string path) =>
        IsNull(element) ? null : ReadDouble(element, path);

    private static string[] ReadStrings(JsonElement element, string path)
    {
        ExpectKind(element, path, JsonValueKind.Array, "an array of strings");
        var values = new string[element.GetArrayLength()];
        int index = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            values[index] = ReadString(item, $"{path}[{index}]");
            index++;
        }
        return values;
    }

    private static double[] ReadDoubles(JsonElement element, string path)
    {
        ExpectKind(element, path, JsonValueKind.Array, "an array of numbers");
        var values = new double[element.GetArrayLength()];
        int index = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            values[index] = ReadDouble(item, $"{path}[{index}]");
            index++;
        }
        return values;
    }

    private static void ExpectKind(JsonElement element, string path, JsonValueKind kind, string what)
    {
        if (element.ValueKind != kind)
            throw Error(path, $"expected {what}, found {Describe(element)}");
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Abbreviate(element.GetRawText())}",
        JsonValueKind.Number => $"the number {Abbreviate(element.GetRawText())}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    private static string Abbreviate(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 39), "…");

    private static JsonException Error(string path, string message) =>
        new($"Invalid drift report at {path}: {message}.", path, lineNumber: null, bytePositionInLine: null);

    /// <summary>The properties of one JSON object, checked against the keys it may have; every key must be read once.</summary>
    private sealed class ObjectReader
    {
        private readonly string _path;
        private readonly Dictionary<string, JsonElement> _properties;

        public ObjectReader(JsonElement element, string path, string[] keys)
        {
            _path = path;
            ExpectKind(element, path, JsonValueKind.Object, "an object");
            _properties = new Dictionary<string, JsonElement>(keys.Length, StringComparer.Ordinal);
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (Array.IndexOf(keys, property.Name) < 0)
                    throw Error(PathOf(property.Name), "unknown property (this reader knows format version 1)");
                if (!_properties.TryAdd(property.Name, property.Value))
                    throw Error(PathOf(property.Name), "the property appears twice");
            }
            foreach (string key in keys)
            {
                if (!_properties.ContainsKey(key))
                    throw Error(path, $"the property '{key}' is missing");
            }
        }

        public JsonElement Get(string key) => _properties[key];

        public string PathOf(string key) => IsPlainKey(key)
            ? $"{_path}.{key}"
            : string.Create(CultureInfo.InvariantCulture, $"{_path}['{key.Replace("'", "\\'", StringComparison.Ordinal)}']");

        private static bool IsPlainKey(string key) =>
            key.Length > 0 && key.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');
    }
}
