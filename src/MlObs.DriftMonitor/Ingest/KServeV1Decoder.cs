using System.Text.Json;
using MlObs.Drift.Data;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// KServe v1 (TensorFlow-serving style) payloads: requests <c>{"instances": [...]}</c> (or <c>{"inputs": [...]}</c>), responses
/// <c>{"predictions": [...]}</c>. A row is an array (positional features), an object (named features) or a single value.
/// </summary>
internal static class KServeV1Decoder
{
    /// <summary>Decodes the rows of an <c>instances</c> (or <c>inputs</c>) array.</summary>
    /// <param name="array">The array's JSON text.</param>
    /// <param name="schema">The model's features: positional rows take <see cref="FeatureSchema.InputNames"/>.</param>
    /// <param name="member">The member the array came from, for messages.</param>
    public static RowBatch DecodeInstances(ReadOnlySpan<byte> array, FeatureSchema schema, string member)
    {
        var builder = new BatchBuilder(schema, r => $"instance {r}");
        IReadOnlyList<string> inputs = schema.InputNames;
        ColumnSlot?[]? positional = null;
        var reader = new Utf8JsonReader(array);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Refusals.Malformed($"'{member}' must be an array of instances, got {JsonFields.Describe(reader.TokenType)}.");
        int row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int start = (int)reader.TokenStartIndex;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    JsonRowsDecoder.ReadRow(builder, row, ref reader, array);
                    break;
                case JsonTokenType.StartArray:
                    positional ??= Resolve(builder, inputs);
                    int values = 0;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (values < positional.Length)
                            builder.Put(positional[values], row, ref reader, array);
                        else
                            reader.Skip();
                        values++;
                    }
                    if (values != inputs.Count)
                    {
                        throw Refusals.WrongShape(
                            $"Expected {inputs.Count} values per instance ({Refusals.NameList(inputs)}), got {values} in instance {row}.");
                    }
                    break;
                default:
                    if (inputs.Count != 1)
                    {
                        throw Refusals.WrongShape(
                            $"Instance {row} is a single value but the model has {inputs.Count} inputs ({Refusals.NameList(inputs)}): "
                            + "send each instance as an array or an object.");
                    }
                    positional ??= Resolve(builder, inputs);
                    builder.Put(positional[0], row, ref reader, array);
                    break;
            }
            if (row == 0)
                builder.ReserveRows(JsonRowsDecoder.EstimateRows(array.Length, (int)reader.BytesConsumed - start));
            row++;
        }
        return builder.Build(row);
    }

    /// <summary>
    /// Decodes a <c>predictions</c> array: single values are the output <see cref="FeatureSchema.OutputName"/>(0), arrays the
    /// positional outputs (every prediction the same length), objects named outputs.
    /// </summary>
    public static RowBatch DecodePredictions(ReadOnlySpan<byte> array, FeatureSchema schema)
    {
        var builder = new BatchBuilder(schema, r => $"prediction {r}");
        var positional = new List<ColumnSlot?>();
        int width = -1;
        var reader = new Utf8JsonReader(array);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Refusals.Malformed($"'predictions' must be an array, got {JsonFields.Describe(reader.TokenType)}.");
        int row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    JsonRowsDecoder.ReadRow(builder, row, ref reader, array);
                    break;
                case JsonTokenType.StartArray:
                    int values = 0;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        while (positional.Count <= values)
                            positional.Add(builder.Column(schema.OutputName(positional.Count)));
                        builder.Put(positional[values], row, ref reader, array);
                        values++;
                    }
                    if (width >= 0 && values != width)
                    {
                        throw Refusals.WrongShape(
                            $"Prediction {row} has {values} values but the predictions before it have {width}.");
                    }
                    width = values;
                    break;
                default:
                    if (positional.Count == 0)
                        positional.Add(builder.Column(schema.OutputName(0)));
                    builder.Put(positional[0], row, ref reader, array);
                    break;
            }
            row++;
        }
        return builder.Build(row);
    }

    private static ColumnSlot?[] Resolve(BatchBuilder builder, IReadOnlyList<string> names)
    {
        var slots = new ColumnSlot?[names.Count];
        for (int i = 0; i < slots.Length; i++)
            slots[i] = builder.Column(names[i]);
        return slots;
    }
}
