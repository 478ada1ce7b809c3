using System.Text.Json;
using MlObs.Drift.Data;

namespace MlObs.Drift.Profiles;

/// <summary>
/// Saves and loads a <see cref="ReferenceProfile"/> as JSON (<c>"format": "mlobs-drift-profile"</c>, <c>format_version</c>
/// <see cref="ReferenceProfile.FormatVersion"/>). Numeric arrays (edges, counts, sorted values) are base64 of little-endian
/// IEEE doubles and int64s, so values round-trip bit for bit and a 1,000,000-value reference stays about 11 MB.
/// </summary>
public static class ReferenceProfileJson
{
    private const string FormatName = "mlobs-drift-profile";

    /// <summary>Writes the profile.</summary>
    public static void Write(ReferenceProfile profile, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        VersionedJson.WriteHeader(w, FormatName, ReferenceProfile.FormatVersion);
        ProfileOptions o = profile.Options;
        w.WriteStartObject("options");
        w.WriteString("mode", o.Mode == ProfileMode.Exact ? "exact" : "streaming");
        w.WriteNumber("bins", o.Bins);
        w.WriteNumber("grid_bins", o.GridBins);
        w.WriteNumber("discrete_limit", o.DiscreteLimit);
        w.WriteNumber("category_limit", o.CategoryLimit);
        w.WriteNumber("sample_size", o.SampleSize);
        w.WriteNumber("calibration_splits", o.CalibrationSplits);
        w.WriteNumber("seed", o.Seed);
        w.WriteEndObject();
        w.WriteNumber("rows", profile.Rows);
        w.WriteStartArray("columns");
        foreach (ColumnProfile c in profile.Columns)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("kind", c.Kind.Name());
            w.WriteNumber("rows", c.Rows);
            w.WriteNumber("count", c.Count);
            w.WriteStartObject("calibration");
            foreach ((string method, Calibration cal) in c.Calibration.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject(method);
                w.WriteNumber("mean", cal.Mean);
                w.WriteNumber("std", cal.Std);
                w.WriteNumber("splits", cal.Splits);
                w.WriteNumber("sample_size", cal.SampleSize);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            switch (c)
            {
                case NumericColumnProfile n:
                    WriteNumberOrNull(w, "min", n.Min);
                    WriteNumberOrNull(w, "max", n.Max);
                    WriteNumberOrNull(w, "mean", n.Mean);
                    WriteNumberOrNull(w, "std", n.Std);
                    w.WriteBoolean("discrete", n.IsDiscrete);
                    if (n.Grid is null)
                    {
                        w.WriteNull("grid");
                    }
                    else
                    {
                        w.WriteStartObject("grid");
                        VersionedJson.WriteArray<double>(w, "edges", n.Grid.Edges);
                        w.WriteStartArray("coarse_edge_indices");
                        foreach (int i in n.Grid.CoarseEdgeIndices)
                            w.WriteNumberValue(i);
                        w.WriteEndArray();
                        VersionedJson.WriteArray<long>(w, "counts", n.GridCounts);
                        VersionedJson.WriteArray<double>(w, "offsets", n.GridOffsets);
                        w.WriteEndObject();
                    }
                    if (n.SortedValues is null)
                        w.WriteNull("sorted_values");
                    else
                        VersionedJson.WriteArray<double>(w, "sorted_values", n.SortedValues);
                    break;
                case CategoricalColumnProfile k:
                    w.WriteStartArray("categories");
                    foreach (string s in k.Categories)
                        w.WriteStringValue(s);
                    w.WriteEndArray();
                    w.WriteStartArray("counts");
                    foreach (long v in k.Counts)
                        w.WriteNumberValue(v);
                    w.WriteEndArray();
                    w.WriteNumber("other_count", k.OtherCount);
                    break;
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Writes the profile to a file (atomically: a temporary file renamed over the target).</summary>
    public static void Save(ReferenceProfile profile, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string temp = path + ".tmp-" + Environment.ProcessId;
        using (FileStream f = File.Create(temp))
            Write(profile, f);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a profile from a file.</summary>
    /// <exception cref="InvalidDataException">The file is not a profile, has another format version, or is inconsistent.</exception>
    public static ReferenceProfile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream f = File.OpenRead(path);
        try
        {
            return Read(f);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads a profile.</summary>
    /// <exception cref="InvalidDataException">The data is not a profile, has another format version, or is inconsistent.</exception>
    public static ReferenceProfile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return VersionedJson.Read(stream, FormatName, "drift reference profile", ReferenceProfile.FormatVersion, "fit the reference again",
            root =>
            {
                JsonElement o = root.GetProperty("options");
                var options = new ProfileOptions
                {
                    Mode = o.GetProperty("mode").GetString() switch
                    {
                        "exact" => ProfileMode.Exact,
                        "streaming" => ProfileMode.Streaming,
                        var m => throw new InvalidDataException($"Unknown mode '{m}'."),
                    },
                    Bins = o.GetProperty("bins").GetInt32(),
                    GridBins = o.GetProperty("grid_bins").GetInt32(),
                    DiscreteLimit = o.GetProperty("discrete_limit").GetInt32(),
                    CategoryLimit = o.GetProperty("category_limit").GetInt32(),
                    SampleSize = o.GetProperty("sample_size").GetInt32(),
                    CalibrationSplits = o.GetProperty("calibration_splits").GetInt32(),
                    Seed = o.GetProperty("seed").GetInt32(),
                };
                long rows = root.GetProperty("rows").GetInt64();
                var columns = new List<ColumnProfile>();
                foreach (JsonElement c in root.GetProperty("columns").EnumerateArray())
                    columns.Add(ReadColumn(c));
                return new ReferenceProfile(options, rows, columns);
            });
    }

    private static ColumnProfile ReadColumn(JsonElement c)
    {
        string name = c.GetProperty("name").GetString() ?? throw new InvalidDataException("A column has no name.");
        string kindText = c.GetProperty("kind").GetString() ?? "";
        if (!ColumnKinds.TryParse(kindText, out ColumnKind kind))
            throw new InvalidDataException($"Column '{name}' has unknown kind '{kindText}'.");
        long rows = c.GetProperty("rows").GetInt64();
        long count = c.GetProperty("count").GetInt64();
        var calibration = new Dictionary<string, Calibration>(StringComparer.Ordinal);
        foreach (JsonProperty p in c.GetProperty("calibration").EnumerateObject())
        {
            calibration[p.Name] = new Calibration(p.Value.GetProperty("mean").GetDouble(), p.Value.GetProperty("std").GetDouble(),
                p.Value.GetProperty("splits").GetInt32(), p.Value.GetProperty("sample_size").GetInt32());
        }
        if (kind.IsNumeric())
        {
            NumericGrid? grid = null;
            long[]? counts = null;
            double[]? offsets = null;
            JsonElement g = c.GetProperty("grid");
            if (g.ValueKind != JsonValueKind.Null)
            {
                double[] edges = VersionedJson.ReadArray<double>(g.GetProperty("edges"));
                int[] coarse = [.. g.GetProperty("coarse_edge_indices").EnumerateArray().Select(e => e.GetInt32())];
                grid = new NumericGrid(edges, coarse);
                counts = VersionedJson.ReadArray<long>(g.GetProperty("counts"));
                offsets = VersionedJson.ReadArray<double>(g.GetProperty("offsets"));
            }
            JsonElement sv = c.GetProperty("sorted_values");
            double[]? sorted = sv.ValueKind == JsonValueKind.Null ? null : VersionedJson.ReadArray<double>(sv);
            return new NumericColumnProfile(name, kind, rows, count, NumberOrNaN(c, "min"), NumberOrNaN(c, "max"),
                NumberOrNaN(c, "mean"), NumberOrNaN(c, "std"), grid, counts, offsets, c.GetProperty("discrete").GetBoolean(), sorted, calibration);
        }
        string[] categories = [.. c.GetProperty("categories").EnumerateArray().Select(e => e.GetString() ?? "")];
        long[] categoryCounts = [.. c.GetProperty("counts").EnumerateArray().Select(e => e.GetInt64())];
        return new CategoricalColumnProfile(name, kind, rows, count, categories, categoryCounts,
            c.GetProperty("other_count").GetInt64(), calibration);
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
            w.WriteNumber(name, value);
        else
            w.WriteNull(name);
    }

    private static double NumberOrNaN(JsonElement c, string name)
    {
        JsonElement e = c.GetProperty(name);
        return e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble();
    }
}
