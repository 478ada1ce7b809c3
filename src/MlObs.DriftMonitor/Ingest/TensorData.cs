using System.Globalization;
using System.Text.Json;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// The values of a tabular tensor (shape [n] or [n, k]) in row-major order, flat or nested as the shape: element e is row
/// e / k, column e % k.
/// </summary>
internal static class TensorData
{
    /// <summary>The shape as text: "[2, 4]".</summary>
    public static string ShapeText(IReadOnlyList<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>
    /// Reads a shape: an array of non-negative integers (numbers, or strings of digits as Seldon v2 writes them).
    /// </summary>
    /// <exception cref="PayloadException">Malformed when it is not such an array.</exception>
    public static long[] ReadShape(ReadOnlySpan<byte> json, string what)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Refusals.Malformed($"The shape of {what} must be an array of non-negative integers, got {Refusals.Excerpt(json)}.");
        var shape = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            long dimension = -1;
            bool ok = reader.TokenType switch
            {
                JsonTokenType.Number => reader.TryGetInt64(out dimension),
                JsonTokenType.String => long.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out dimension),
                _ => false,
            };
            if (!ok || dimension < 0)
                throw Refusals.Malformed($"The shape of {what} must be an array of non-negative integers, got {Refusals.Excerpt(json)}.");
            shape.Add(dimension);
        }
        return [.. shape];
    }

    /// <summary>
    /// Checks that a shape is tabular (one or two dimensions) and small enough, and returns its rows and columns.
    /// </summary>
    /// <exception cref="PayloadException">WrongShape otherwise.</exception>
    public static (int Rows, int Columns) Tabular(long[] shape, string what)
    {
        if (shape.Length is < 1 or > 2)
        {
            throw Refusals.WrongShape(
                $"{what} has shape {ShapeText(shape)}: only tensors of one or two dimensions (rows × features) are monitored.");
        }
        long rows = shape[0];
        long columns = shape.Length == 2 ? shape[1] : 1;
        if (rows > int.MaxValue || columns > int.MaxValue || rows * columns > int.MaxValue)
            throw Refusals.WrongShape($"{what} has shape {ShapeText(shape)}, more values than one batch can hold.");
        return ((int)rows, (int)columns);
    }

    /// <summary>
    /// Refuses a shape that holds more values than its data's JSON text could: every value takes at least one byte. This
    /// keeps a small payload with a huge shape from allocating columns for it.
    /// </summary>
    /// <exception cref="PayloadException">WrongShape when the data is too short for the shape.</exception>
    public static void CheckFits(long[] shape, int dataLength, string what)
    {
        (int rows, int columns) = Tabular(shape, what);
        long needed = (long)rows * columns;
        if (needed > dataLength)
        {
            throw Refusals.WrongShape(
                $"The data of {what} cannot hold the {needed} values of its shape {ShapeText(shape)}: it is {dataLength} bytes of JSON.");
        }
    }

    /// <summary>
    /// Puts the values of <paramref name="data"/> into the columns <paramref name="slots"/> (null slots are dropped
    /// columns). The data is a JSON array, flat (rows × columns values) or nested as the shape (rows arrays of columns
    /// values); for a shape of one dimension it is flat.
    /// </summary>
    /// <exception cref="PayloadException">
    /// WrongShape when the number of values or the nesting does not match the shape; Malformed when the data is not an array;
    /// WrongType from the typing of a value.
    /// </exception>
    public static void Fill(
        BatchBuilder builder, ColumnSlot?[] slots, ReadOnlySpan<byte> data, long[] shape, string what)
    {
        (int rows, int columns) = Tabular(shape, what);
        var reader = new Utf8JsonReader(data);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Refusals.Malformed($"The data of {what} must be an array, got {JsonFields.Describe(reader.TokenType)}.");
        long needed = (long)rows * columns;
        long count = 0;
        int row = 0;
        bool? nested = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            bool isArray = reader.TokenType == JsonTokenType.StartArray;
            nested ??= isArray;
            if (isArray != nested.Value || (isArray && shape.Length == 1))
            {
                throw Refusals.WrongShape(
                    $"The data of {what} is not nested as its shape {ShapeText(shape)}: it must be a flat array of values or "
                    + "an array of rows, each an array of values.");
            }
            if (!isArray)
            {
                if (count < needed && columns > 0)
                    builder.Put(slots[(int)(count % columns)], (int)(count / columns), ref reader, data);
                else
                    reader.Skip();
                count++;
                continue;
            }
            int values = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    throw Refusals.WrongShape(
                        $"Row {row} of the data of {what} holds an array: the data is nested deeper than its shape {ShapeText(shape)}.");
                }
                if (row < rows && values < columns)
                    builder.Put(slots[values], row, ref reader, data);
                else
                    reader.Skip();
                values++;
            }
            if (values != columns)
            {
                throw Refusals.WrongShape(
                    $"Row {row} of the data of {what} has {values} values but its shape {ShapeText(shape)} has {columns} per row.");
            }
            count += values;
            row++;
        }
        if (nested == true && row != rows)
            throw Refusals.WrongShape($"The data of {what} has {row} rows but its shape {ShapeText(shape)} has {rows}.");
        if (count != needed)
        {
            throw Refusals.WrongShape(
                $"The data of {what} has {count} values but its shape {ShapeText(shape)} holds {needed}.");
        }
    }
}
