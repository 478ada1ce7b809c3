using System.Globalization;
using System.Text.Json;
using MlObs.Drift.Data;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// Seldon Core v1 protocol payloads: <c>{"data": {"names"?, "ndarray" | "tensor"}}</c> and <c>{"jsonData": …}</c>; the
/// non-tabular forms (<c>strData</c>, <c>binData</c>, <c>data.tftensor</c>) are refused.
/// </summary>
internal static class SeldonDecoder
{
    private const string TabularOnly =
        "only tabular payloads (data.ndarray, data.tensor, jsonData objects) are monitored";

    /// <summary>Whether the top-level members are a Seldon payload.</summary>
    public static bool Recognizes(List<JsonField> fields) =>
        JsonFields.Find(fields, "data") is { Token: JsonTokenType.StartObject }
        || JsonFields.Find(fields, "jsonData") is not null
        || JsonFields.Find(fields, "strData") is not null
        || JsonFields.Find(fields, "binData") is not null;

    /// <summary>Decodes a Seldon request (columns named by the input names) or response (by the output names).</summary>
    public static RowBatch Decode(ReadOnlySpan<byte> json, List<JsonField> fields, FeatureSchema schema, bool response)
    {
        foreach (string form in (ReadOnlySpan<string>)["strData", "binData"])
        {
            if (JsonFields.Find(fields, form) is not null)
                throw Refusals.Malformed($"The Seldon payload carries {form}: {TabularOnly}.");
        }
        if (JsonFields.Find(fields, "data") is { Token: JsonTokenType.StartObject } data)
            return DecodeData(data.Value(json), schema, response);
        JsonField jsonData = JsonFields.Find(fields, "jsonData")!.Value;
        return DecodeJsonData(jsonData.Value(json), schema);
    }

    private static RowBatch DecodeJsonData(ReadOnlySpan<byte> json, FeatureSchema schema)
    {
        var builder = new BatchBuilder(schema, r => $"row {r} of jsonData");
        var reader = new Utf8JsonReader(json);
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            builder.RowLabel = _ => "jsonData";
            JsonRowsDecoder.ReadRow(builder, 0, ref reader, json);
            return builder.Build(1);
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Refusals.Malformed(
                $"jsonData is {JsonFields.Describe(reader.TokenType)}: {TabularOnly}, so jsonData must be an object or an array of objects.");
        }
        int row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Refusals.Malformed(
                    $"Row {row} of jsonData is {JsonFields.Describe(reader.TokenType)}; each row must be an object of named features.");
            }
            JsonRowsDecoder.ReadRow(builder, row, ref reader, json);
            row++;
        }
        return builder.Build(row);
    }

    private static RowBatch DecodeData(ReadOnlySpan<byte> json, FeatureSchema schema, bool response)
    {
        List<JsonField> fields = JsonFields.Of(json, "data");
        if (JsonFields.Find(fields, "tftensor") is not null)
            throw Refusals.Malformed($"The Seldon payload carries data.tftensor: {TabularOnly}.");
        List<string>? names = JsonFields.Find(fields, "names") is { } namesField && namesField.Token != JsonTokenType.Null
            ? ReadNames(namesField.Value(json))
            : null;
        if (JsonFields.Find(fields, "ndarray") is { } ndarray)
            return DecodeNdarray(ndarray.Value(json), names, schema, response);
        if (JsonFields.Find(fields, "tensor") is { } tensor)
            return DecodeTensor(tensor.Value(json), names, schema, response);
        throw Refusals.Malformed("The Seldon data has neither ndarray nor tensor: " + TabularOnly + ".");
    }

    private static RowBatch DecodeNdarray(ReadOnlySpan<byte> array, List<string>? names, FeatureSchema schema, bool response)
    {
        // First pass: the number of rows and of values per row (every row the same).
        var reader = new Utf8JsonReader(array);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Refusals.Malformed($"data.ndarray must be an array of rows, got {JsonFields.Describe(reader.TokenType)}.");
        int rows = 0;
        int width = -1;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int values = 1;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                values = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Skip();
                    values++;
                }
            }
            else
            {
                reader.Skip();
            }
            if (width >= 0 && values != width)
                throw Refusals.WrongShape($"Row {rows} of data.ndarray has {values} values but the rows before it have {width}.");
            width = values;
            rows++;
        }
        int columns = Math.Max(width, 0);
        var builder = new BatchBuilder(schema, r => $"row {r} of data.ndarray");
        ColumnSlot?[] slots = Slots(builder, Columns(columns, names, schema, response));
        // Second pass: the values.
        reader = new Utf8JsonReader(array);
        reader.Read();
        int row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                builder.Put(slots[0], row++, ref reader, array);
                continue;
            }
            int j = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                builder.Put(slots[j++], row, ref reader, array);
            row++;
        }
        return builder.Build(rows);
    }

    private static RowBatch DecodeTensor(ReadOnlySpan<byte> json, List<string>? names, FeatureSchema schema, bool response)
    {
        List<JsonField> fields = JsonFields.Of(json, "data.tensor");
        JsonField shapeField = JsonFields.Find(fields, "shape") ?? throw Refusals.Malformed("data.tensor has no 'shape'.");
        JsonField valuesField = JsonFields.Find(fields, "values") ?? throw Refusals.Malformed("data.tensor has no 'values'.");
        const string What = "data.tensor";
        long[] shape = TensorData.ReadShape(shapeField.Value(json), What);
        (int rows, int columns) = TensorData.Tabular(shape, What);
        TensorData.CheckFits(shape, valuesField.End - valuesField.Start, What);
        var builder = new BatchBuilder(schema, r => $"row {r} of data.tensor");
        ColumnSlot?[] slots = Slots(builder, Columns(columns, names, schema, response));
        TensorData.Fill(builder, slots, valuesField.Value(json), shape, What);
        return builder.Build(rows);
    }

    /// <summary>
    /// The column names of k positional values: the configured names (inputs for a request, outputs for a response) when
    /// their count is k, else <c>data.names</c> (which must then have k names), else the defaults: outputs named by
    /// <see cref="FeatureSchema.OutputName"/>, inputs <c>input_{j}</c>.
    /// </summary>
    private static List<string> Columns(int count, List<string>? names, FeatureSchema schema, bool response)
    {
        IReadOnlyList<string> configured = response ? schema.OutputNames : schema.InputNames;
        if (configured.Count == count)
            return [.. configured];
        if (names is not null)
        {
            if (names.Count != count)
            {
                throw Refusals.WrongShape(
                    $"data.names has {names.Count} names ({Refusals.NameList(names)}) but each row has {count} values.");
            }
            return names;
        }
        var defaults = new List<string>(count);
        for (int j = 0; j < count; j++)
            defaults.Add(response ? schema.OutputName(j) : string.Create(CultureInfo.InvariantCulture, $"input_{j}"));
        return defaults;
    }

    private static ColumnSlot?[] Slots(BatchBuilder builder, List<string> names)
    {
        var slots = new ColumnSlot?[names.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < slots.Length; j++)
        {
            if (!seen.Add(names[j]))
                throw Refusals.Malformed($"data.names names column '{names[j]}' twice.");
            slots[j] = builder.Column(names[j]);
        }
        return slots;
    }

    private static List<string> ReadNames(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Refusals.Malformed($"data.names must be an array of strings, got {JsonFields.Describe(reader.TokenType)}.");
        var names = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Refusals.Malformed(
                    $"data.names must be an array of strings, but name {names.Count} is {JsonFields.Describe(reader.TokenType)}.");
            }
            names.Add(reader.GetString()!);
        }
        return names;
    }
}
