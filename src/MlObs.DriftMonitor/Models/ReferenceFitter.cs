using System.Buffers;
using System.Text;
using System.Text.Json;
using MlObs.Drift.Data;
using MlObs.Drift.Profiles;
using MlObs.Drift.Tables;
using MlObs.DriftMonitor.Ingest;

namespace MlObs.DriftMonitor.Models;

/// <summary>
/// Fits reference profiles from uploaded or configured datasets: CSV and Parquet through <see cref="TableFile"/> (the same
/// kind inference as <c>mlobs drift compare</c>), JSON lines and JSON arrays of objects by way of a CSV rendering, and
/// profiles saved by <c>mlobs drift profile</c> as they are.
/// </summary>
public static class ReferenceFitter
{
    /// <summary>The <c>format</c> of a saved profile document.</summary>
    private static ReadOnlySpan<byte> ProfileMarker => "\"mlobs-drift-profile\""u8;

    /// <summary>
    /// Fits the dataset in <paramref name="path"/> (spooled by the caller) read as <paramref name="format"/>.
    /// </summary>
    /// <exception cref="PayloadException">The dataset is malformed, empty or not a table (400).</exception>
    public static ReferenceProfile Fit(string path, PayloadFormat format, ProfileOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (format is PayloadFormat.Json or PayloadFormat.JsonLines)
        {
            if (IsSavedProfile(path))
                return LoadSavedProfile(path);
            string csv = path + ".csv";
            try
            {
                JsonToCsv(path, csv);
                return FitTable(csv, options, ct);
            }
            finally
            {
                File.Delete(csv);
            }
        }
        if (format is not (PayloadFormat.Csv or PayloadFormat.Parquet))
        {
            throw new PayloadException(RejectionReasons.UnsupportedMediaType,
                "A reference is CSV (text/csv), Parquet (application/vnd.apache.parquet), JSON lines (application/x-ndjson), a JSON array of objects, or a profile saved by 'mlobs drift profile'.", 415);
        }
        string named = path + (format == PayloadFormat.Parquet ? ".parquet" : ".csv");
        File.Move(path, named);
        try
        {
            return FitTable(named, options, ct);
        }
        finally
        {
            File.Move(named, path);
        }
    }

    private static ReferenceProfile FitTable(string path, ProfileOptions options, CancellationToken ct)
    {
        try
        {
            var read = new TableReadOptions { ReuseBuffers = true };
            TableSchema schema = TableFile.InferSchema(path, read, ct);
            if (schema.Columns.Count == 0)
                throw new PayloadException(RejectionReasons.Malformed, "The reference has no columns.");
            ReferenceProfile profile = ReferenceProfiles.Fit(schema, () => TableFile.Read(path, schema, read, ct), options);
            return profile.Rows == 0 ? throw new PayloadException(RejectionReasons.Malformed, "The reference has a header but no rows.") : profile;
        }
        catch (TableReadException e)
        {
            throw new PayloadException(RejectionReasons.Malformed, $"The reference cannot be read: {e.Message}");
        }
    }

    private static bool IsSavedProfile(string path)
    {
        using FileStream file = File.OpenRead(path);
        byte[] head = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            int n = file.ReadAtLeast(head.AsSpan(0, 256), 256, throwOnEndOfStream: false);
            return head.AsSpan(0, n).IndexOf(ProfileMarker) >= 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    private static ReferenceProfile LoadSavedProfile(string path)
    {
        try
        {
            return ReferenceProfileJson.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or FormatException)
        {
            throw new PayloadException(RejectionReasons.Malformed, $"The saved profile cannot be read: {e.Message}");
        }
    }

    /// <summary>
    /// Renders JSON lines (or one JSON array of objects) as CSV: the columns are the keys in order of first appearance; strings
    /// are quoted, numbers and booleans written as they are, null and absent keys left empty. Nested values are refused.
    /// </summary>
    internal static void JsonToCsv(string jsonPath, string csvPath)
    {
        byte[] bytes = File.ReadAllBytes(jsonPath);
        var columns = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<string?[]>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        int row = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.StartArray && row == 0 && reader.CurrentDepth == 0)
                    continue;
                if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == 0)
                    continue;
                if (reader.TokenType != JsonTokenType.StartObject)
                    throw new PayloadException(RejectionReasons.Malformed, $"Reference record {row + 1}: expected a JSON object of feature → value.");
                var values = new string?[Math.Max(columns.Count, 4)];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    string key = reader.GetString()!;
                    reader.Read();
                    if (!index.TryGetValue(key, out int c))
                    {
                        c = columns.Count;
                        index[key] = c;
                        columns.Add(key);
                    }
                    if (c >= values.Length)
                        Array.Resize(ref values, Math.Max(c + 1, values.Length * 2));
                    values[c] = reader.TokenType switch
                    {
                        JsonTokenType.String => Quote(reader.GetString()!),
                        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                        JsonTokenType.True => "true",
                        JsonTokenType.False => "false",
                        JsonTokenType.Null => null,
                        _ => throw new PayloadException(RejectionReasons.WrongType, $"Reference record {row + 1}, feature '{key}': nested values are not tabular."),
                    };
                }
                rows.Add(values);
                row++;
            }
        }
        catch (JsonException e)
        {
            throw new PayloadException(RejectionReasons.Malformed, $"Reference record {row + 1}: invalid JSON ({e.Message}).");
        }
        if (rows.Count == 0)
            throw new PayloadException(RejectionReasons.Malformed, "The reference holds no records.");
        using var writer = new StreamWriter(csvPath, false, new UTF8Encoding(false));
        writer.Write(string.Join(',', columns.Select(Quote)));
        writer.Write('\n');
        var line = new StringBuilder();
        foreach (string?[] values in rows)
        {
            line.Clear();
            for (int c = 0; c < columns.Count; c++)
            {
                if (c > 0)
                    line.Append(',');
                if (c < values.Length)
                    line.Append(values[c]);
            }
            writer.Write(line);
            writer.Write('\n');
        }
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
