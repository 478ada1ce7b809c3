using System.Text.Json;
using MlObs.Drift.Data;
using MlObs.Drift.Tables;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// Turns inference payloads and plain rows into typed <see cref="RowBatch"/>es whose columns are named after the model's
/// features. Values are typed by the reference kind of their column (<see cref="FeatureSchema.KindOf"/>); a name the reference
/// lacks is kept as a text column (a schema change, never a refusal), at most <see cref="MaxNewColumns"/> of them per batch.
/// The batch holds the reference columns that appeared, in reference order, then the new columns in order of appearance;
/// every column has one value per row, missing where a row lacks it. Every refusal is a <see cref="PayloadException"/>.
/// </summary>
public static class InferencePayloads
{
    /// <summary>The most columns the reference lacks that one batch keeps; the values of further new names are dropped.</summary>
    public const int MaxNewColumns = BatchBuilder.MaxNewColumns;

    /// <summary>
    /// Decodes the inputs of an inference request, its format detected from the body: KServe v1 (<c>instances</c>, or
    /// <c>inputs</c> holding rows), V2 / Open Inference Protocol (<c>inputs</c> holding tensors) or Seldon v1 (<c>data</c>,
    /// <c>jsonData</c>). Positional values are named by <see cref="FeatureSchema.InputNames"/>.
    /// </summary>
    /// <param name="json">The request body (UTF-8 JSON, an optional byte order mark).</param>
    /// <param name="schema">The model's features.</param>
    /// <returns>One row per instance.</returns>
    /// <exception cref="PayloadException">
    /// <see cref="RejectionReasons.Malformed"/> (invalid JSON, unknown or non-tabular structure),
    /// <see cref="RejectionReasons.WrongShape"/> (value counts that do not match the features or the tensor shapes),
    /// <see cref="RejectionReasons.WrongType"/> (a value that is not of its feature's kind); the message names the member,
    /// feature, tensor or instance at fault.
    /// </exception>
    public static RowBatch DecodeRequest(ReadOnlySpan<byte> json, FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        try
        {
            json = JsonFields.WithoutBom(json);
            List<JsonField> fields = JsonFields.Of(json, "the request body");
            if (JsonFields.Find(fields, "instances") is { } instances)
                return KServeV1Decoder.DecodeInstances(instances.Value(json), schema, "instances");
            if (JsonFields.Find(fields, "inputs") is { } inputs)
            {
                return OpenInferenceDecoder.IsTensorList(inputs.Value(json))
                    ? OpenInferenceDecoder.Decode(inputs.Value(json), schema, outputs: false)
                    : KServeV1Decoder.DecodeInstances(inputs.Value(json), schema, "inputs");
            }
            if (SeldonDecoder.Recognizes(fields))
                return SeldonDecoder.Decode(json, fields, schema, response: false);
            throw Unrecognized(fields, "request", "instances, inputs (KServe v1 or Open Inference Protocol), data or jsonData (Seldon)");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw Malformed(e);
        }
    }

    /// <summary>
    /// Decodes the predictions of an inference response, its format detected from the body: KServe v1 (<c>predictions</c>),
    /// V2 / Open Inference Protocol (<c>outputs</c>) or Seldon v1 (<c>data</c>, <c>jsonData</c>). Positional outputs are
    /// named by <see cref="FeatureSchema.OutputName"/>.
    /// </summary>
    /// <param name="json">The response body (UTF-8 JSON).</param>
    /// <param name="schema">The model's features.</param>
    /// <returns>One row per prediction.</returns>
    /// <exception cref="PayloadException">As <see cref="DecodeRequest"/>.</exception>
    public static RowBatch DecodeResponse(ReadOnlySpan<byte> json, FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        try
        {
            json = JsonFields.WithoutBom(json);
            List<JsonField> fields = JsonFields.Of(json, "the response body");
            if (JsonFields.Find(fields, "predictions") is { } predictions)
                return KServeV1Decoder.DecodePredictions(predictions.Value(json), schema);
            if (JsonFields.Find(fields, "outputs") is { } outputs)
                return OpenInferenceDecoder.Decode(outputs.Value(json), schema, outputs: true);
            if (SeldonDecoder.Recognizes(fields))
                return SeldonDecoder.Decode(json, fields, schema, response: true);
            throw Unrecognized(fields, "response", "predictions (KServe v1), outputs (Open Inference Protocol), data or jsonData (Seldon)");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw Malformed(e);
        }
    }

    /// <summary>
    /// Decodes plain rows: a JSON array of objects, one JSON object, or JSON lines (one object per line, blank lines
    /// skipped). Each object is a row of named features; a feature a row lacks is missing in that row.
    /// </summary>
    /// <param name="body">The body (UTF-8).</param>
    /// <param name="schema">The model's features.</param>
    /// <returns>One row per object.</returns>
    /// <exception cref="PayloadException">
    /// Malformed, WrongType: the message names the row (its index in the array, from 0) or the line (from 1).
    /// </exception>
    public static RowBatch DecodeRows(ReadOnlySpan<byte> body, FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        try
        {
            return JsonRowsDecoder.Decode(body, schema);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw Malformed(e);
        }
    }

    /// <summary>
    /// Reads an uploaded CSV file (a header line, then rows; gzip accepted; the delimiter sniffed) with
    /// <see cref="TableFile.Read"/>: reference columns with their reference kinds, other columns as text (new columns, at most
    /// <see cref="MaxNewColumns"/>). As for every table file, a value that does not parse as its column's kind is missing and
    /// counted in <see cref="ColumnValues.InvalidCount"/>, not refused.
    /// </summary>
    /// <param name="path">The spooled upload.</param>
    /// <param name="schema">The model's features.</param>
    /// <returns>All rows of the file in one batch.</returns>
    /// <exception cref="PayloadException">
    /// Malformed when the file cannot be read as a table: "line N, column C: problem" (e.g. a row with the wrong number of
    /// fields, a repeated header name, an empty file).
    /// </exception>
    public static RowBatch DecodeCsv(string path, FeatureSchema schema)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        try
        {
            TableSchema columns = CsvColumns(TableFile.ReadHeader(path), schema);
            return Concatenate(TableFile.Read(path, columns).ToList(), columns);
        }
        catch (TableReadException e)
        {
            var where = new List<string>(2);
            if (e.Line is { } line)
                where.Add(FormattableString.Invariant($"line {line}"));
            if (e.Column is { } column)
                where.Add($"column '{column}'");
            // The spooled file's path means nothing to the client.
            string problem = e.Problem ?? e.Message;
            if (!string.IsNullOrEmpty(e.Path))
                problem = problem.Replace(e.Path, "the upload", StringComparison.Ordinal);
            throw Refusals.Malformed(where.Count == 0 ? $"The CSV cannot be read: {problem}." : $"CSV {string.Join(", ", where)}: {problem}.");
        }
    }

    /// <summary>
    /// The columns to read: the reference columns the file has (reference order and kinds), then the file's other columns as
    /// categorical text, up to <see cref="MaxNewColumns"/>. <see cref="TableFile.Read"/> takes the kinds from this schema.
    /// </summary>
    private static TableSchema CsvColumns(IReadOnlyList<string> header, FeatureSchema schema)
    {
        var inFile = new HashSet<string>(header, StringComparer.Ordinal);
        var specs = new List<ColumnSpec>(header.Count);
        foreach (ColumnSpec spec in schema.Columns.Columns)
        {
            if (inFile.Contains(spec.Name))
                specs.Add(spec);
        }
        var added = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in header)
        {
            if (added.Count >= MaxNewColumns)
                break;
            if (schema.Columns.IndexOf(name) < 0 && added.Add(name))
                specs.Add(new ColumnSpec(name, ColumnKind.Categorical));
        }
        return new TableSchema(specs);
    }

    private static RowBatch Concatenate(List<RowBatch> batches, TableSchema columns)
    {
        if (batches.Count == 1)
            return batches[0];
        int rows = batches.Sum(b => b.RowCount);
        var merged = new ColumnValues[columns.Columns.Count];
        for (int c = 0; c < merged.Length; c++)
        {
            ColumnSpec spec = columns.Columns[c];
            int invalid = batches.Sum(b => b.Columns[c].InvalidCount);
            if (spec.Kind.IsNumeric())
            {
                var values = new double[rows];
                int at = 0;
                foreach (RowBatch batch in batches)
                {
                    ReadOnlySpan<double> part = ((NumericValues)batch.Columns[c]).Values.Span;
                    part.CopyTo(values.AsSpan(at));
                    at += part.Length;
                }
                merged[c] = new NumericValues(spec.Name, values, invalid);
            }
            else
            {
                var values = new string?[rows];
                int at = 0;
                foreach (RowBatch batch in batches)
                {
                    ReadOnlySpan<string?> part = ((CategoryValues)batch.Columns[c]).Values.Span;
                    part.CopyTo(values.AsSpan(at));
                    at += part.Length;
                }
                merged[c] = new CategoryValues(spec.Name, values, invalid);
            }
        }
        return new RowBatch(rows, merged);
    }

    private static PayloadException Unrecognized(List<JsonField> fields, string half, string expected)
    {
        string found = fields.Count == 0 ? "no members" : "members " + Refusals.NameList([.. fields.Select(f => f.Name)]);
        return Refusals.Malformed($"The {half} body is not a known inference payload: expected {expected}; found {found}.");
    }

    private static PayloadException Malformed(Exception e) => e is JsonException
        ? Refusals.Malformed($"The body is not valid JSON: {e.Message}")
        : Refusals.Malformed($"The body cannot be read: {e.Message}");
}
