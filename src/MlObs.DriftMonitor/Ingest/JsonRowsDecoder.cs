using System.Text.Json;
using MlObs.Drift.Data;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// Plain JSON rows: an array of objects (rows named by index), one object, or JSON lines (rows named by line number, blank
/// lines skipped). Each object is one row of named features; a feature a row lacks is missing in that row.
/// </summary>
internal static class JsonRowsDecoder
{
    public static RowBatch Decode(ReadOnlySpan<byte> body, FeatureSchema schema)
    {
        body = JsonFields.WithoutBom(body);
        int first = FirstNonSpace(body);
        if (first < 0)
            throw Refusals.Malformed("The body is empty: expected a JSON array of objects, one JSON object, or JSON lines.");
        return body[first] switch
        {
            (byte)'[' => DecodeArray(body, schema),
            (byte)'{' when IsSingleValue(body) => DecodeObject(body, schema),
            (byte)'{' => DecodeLines(body, schema),
            _ => throw Refusals.Malformed(
                "The body is not a JSON array of objects, a JSON object or JSON lines: it starts with "
                + $"'{Refusals.Excerpt(body[first..Math.Min(body.Length, first + 20)])}'."),
        };
    }

    /// <summary>Reads the members of the object under the reader as the features of <paramref name="row"/>.</summary>
    public static void ReadRow(BatchBuilder builder, int row, ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        int position = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ColumnSlot? slot = builder.Column(ref reader, position++);
            reader.Read();
            builder.Put(slot, row, ref reader, json);
        }
    }

    private static RowBatch DecodeArray(ReadOnlySpan<byte> body, FeatureSchema schema)
    {
        var builder = new BatchBuilder(schema, r => $"row {r}");
        var reader = new Utf8JsonReader(body);
        reader.Read();
        int row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Refusals.Malformed(
                    $"Row {row} is {JsonFields.Describe(reader.TokenType)}; each row must be a JSON object of named features.");
            }
            int start = (int)reader.TokenStartIndex;
            ReadRow(builder, row, ref reader, body);
            if (row == 0)
                builder.ReserveRows(EstimateRows(body.Length, (int)reader.BytesConsumed - start));
            row++;
        }
        while (reader.Read())
        {
        }
        return builder.Build(row);
    }

    private static RowBatch DecodeObject(ReadOnlySpan<byte> body, FeatureSchema schema)
    {
        var builder = new BatchBuilder(schema, _ => "the row");
        var reader = new Utf8JsonReader(body);
        reader.Read();
        ReadRow(builder, 0, ref reader, body);
        return builder.Build(1);
    }

    private static RowBatch DecodeLines(ReadOnlySpan<byte> body, FeatureSchema schema)
    {
        int line = 0;
        var builder = new BatchBuilder(schema, _ => $"line {line}");
        int row = 0;
        while (!body.IsEmpty)
        {
            line++;
            int end = body.IndexOf((byte)'\n');
            ReadOnlySpan<byte> text = end < 0 ? body : body[..end];
            body = end < 0 ? [] : body[(end + 1)..];
            int first = FirstNonSpace(text);
            if (first < 0)
                continue;
            text = text[first..];
            try
            {
                var reader = new Utf8JsonReader(text);
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw Refusals.Malformed(
                        $"Line {line} is {JsonFields.Describe(reader.TokenType)}; each line must be one JSON object of named features.");
                }
                ReadRow(builder, row, ref reader, text);
                int consumed = (int)reader.BytesConsumed;
                if (row == 0)
                    builder.ReserveRows(EstimateRows(body.Length + consumed, consumed + 1));
                if (FirstNonSpace(text[consumed..]) >= 0)
                    throw Refusals.Malformed($"Line {line} has more than one JSON value: each line must hold exactly one object.");
            }
            catch (JsonException e)
            {
                throw Refusals.Malformed($"Line {line} is not valid JSON: {e.Message}");
            }
            row++;
        }
        return builder.Build(row);
    }

    /// <summary>The rows a body probably holds, from the length of its first row (plus a separator) and a 10% margin.</summary>
    public static long EstimateRows(int bodyLength, int firstRowLength) =>
        (long)bodyLength * 11 / (10L * Math.Max(1, firstRowLength + 1)) + 1;

    /// <summary>Whether the body holds one JSON value and only white space after it.</summary>
    private static bool IsSingleValue(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read() || !reader.TrySkip())
                return true;
        }
        catch (JsonException)
        {
            // Let the line reader report the error with its line number.
            return false;
        }
        return FirstNonSpace(body[(int)reader.BytesConsumed..]) < 0;
    }

    /// <summary>The index of the first byte that is not JSON white space, or -1.</summary>
    private static int FirstNonSpace(ReadOnlySpan<byte> text) => text.IndexOfAnyExcept(" \t\r\n"u8);
}
