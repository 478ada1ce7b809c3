using System.Text.Json;
using MlObs.Drift.Profiles;

namespace MlObs.Drift.Windows;

/// <summary>
/// Saves and loads a <see cref="WindowState"/> (<c>"format": "mlobs-drift-window"</c>, <c>format_version</c> 1), so that a
/// service can keep its windows across restarts. A window is only meaningful against the profile it was built on: the file
/// records the profile's <see cref="ReferenceProfile.Fingerprint"/> and loading refuses another profile. Numeric arrays are
/// base64 of little-endian values, so counts and sums round-trip bit for bit.
/// </summary>
public static class WindowStateJson
{
    private const string FormatName = "mlobs-drift-window";
    private const int FormatVersion = 1;

    /// <summary>Writes the window.</summary>
    public static void Write(WindowState window, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        VersionedJson.WriteHeader(w, FormatName, FormatVersion);
        w.WriteString("profile_fingerprint", window.Profile.Fingerprint);
        w.WriteNumber("rows", window.Rows);
        w.WriteBoolean("keeps_values", window.KeepsValues);
        w.WriteStartArray("new_columns");
        foreach (string name in window.NewColumns)
            w.WriteStringValue(name);
        w.WriteEndArray();
        w.WriteStartArray("columns");
        foreach (ColumnWindow c in window.Columns)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteNumber("rows", c.Rows);
            w.WriteNumber("count", c.Count);
            w.WriteNumber("invalid", c.Invalid);
            switch (c)
            {
                case NumericWindow n:
                    w.WriteNumber("min", double.IsFinite(n.Min) ? n.Min : 0);
                    w.WriteNumber("max", double.IsFinite(n.Max) ? n.Max : 0);
                    w.WriteNumber("centered_sum", n.CenteredSum);
                    w.WriteNumber("centered_sum_of_squares", n.CenteredSumOfSquares);
                    w.WriteNumber("below_range_distance", n.BelowRangeDistance);
                    w.WriteNumber("above_range_distance", n.AboveRangeDistance);
                    VersionedJson.WriteArray<long>(w, "fine_counts", n.FineCounts);
                    VersionedJson.WriteArray<double>(w, "fine_offsets", n.FineOffsets);
                    if (n.Values is null)
                        w.WriteNull("values");
                    else
                        VersionedJson.WriteArray<double>(w, "values", n.Values.ToArray());
                    w.WriteStartArray("distinct");
                    foreach ((double x, long count) in n.Distinct ?? new Dictionary<double, long>())
                    {
                        w.WriteStartArray();
                        w.WriteNumberValue(x);
                        w.WriteNumberValue(count);
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                    w.WriteNumber("distinct_overflow", n.DistinctOverflow);
                    break;
                case CategoricalWindow k:
                    w.WriteStartArray("known_counts");
                    foreach (long v in k.KnownCounts)
                        w.WriteNumberValue(v);
                    w.WriteEndArray();
                    w.WriteStartObject("unseen");
                    foreach ((string label, long count) in k.Unseen.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                        w.WriteNumber(label, count);
                    w.WriteEndObject();
                    w.WriteNumber("unseen_overflow", k.UnseenOverflow);
                    break;
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads a window written by <see cref="Write"/> against the same profile.</summary>
    /// <exception cref="InvalidDataException">Not a window, another version, another profile, or inconsistent data.</exception>
    public static WindowState Read(Stream stream, ReferenceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(profile);
        return VersionedJson.Read(stream, FormatName, "drift window", FormatVersion, "start a new window", root =>
        {
            string fingerprint = root.GetProperty("profile_fingerprint").GetString() ?? "";
            if (fingerprint != profile.Fingerprint)
            {
                throw new InvalidDataException(
                    $"The window was built on another reference profile ({fingerprint}, not {profile.Fingerprint}).");
            }
            var window = new WindowState(profile, root.GetProperty("keeps_values").GetBoolean())
            {
                Rows = root.GetProperty("rows").GetInt64(),
            };
            window.RestoreNewColumns(root.GetProperty("new_columns").EnumerateArray().Select(e => e.GetString() ?? ""));
            foreach (JsonElement c in root.GetProperty("columns").EnumerateArray())
            {
                string name = c.GetProperty("name").GetString() ?? "";
                ColumnWindow column = window.Find(name) ?? throw new InvalidDataException($"Column '{name}' is not in the profile.");
                column.Rows = c.GetProperty("rows").GetInt64();
                column.Count = c.GetProperty("count").GetInt64();
                column.Invalid = c.GetProperty("invalid").GetInt64();
                if (column is NumericWindow n)
                    ReadNumeric(c, n);
                else if (column is CategoricalWindow k)
                    ReadCategorical(c, k);
            }
            return window;
        });
    }

    private static void ReadNumeric(JsonElement c, NumericWindow n)
    {
        if (n.Count > 0)
        {
            n.Min = c.GetProperty("min").GetDouble();
            n.Max = c.GetProperty("max").GetDouble();
        }
        n.CenteredSum = c.GetProperty("centered_sum").GetDouble();
        n.CenteredSumOfSquares = c.GetProperty("centered_sum_of_squares").GetDouble();
        n.BelowRangeDistance = c.GetProperty("below_range_distance").GetDouble();
        n.AboveRangeDistance = c.GetProperty("above_range_distance").GetDouble();
        CopyExactly(VersionedJson.ReadArray<long>(c.GetProperty("fine_counts")), n.FineCounts, n.Name);
        n.RestoreCoarseCounts();
        CopyExactly(VersionedJson.ReadArray<double>(c.GetProperty("fine_offsets")), n.FineOffsets, n.Name);
        JsonElement values = c.GetProperty("values");
        double[]? restored = values.ValueKind == JsonValueKind.Null ? null : VersionedJson.ReadArray<double>(values);
        n.RestoreExtras(restored, c.GetProperty("distinct").EnumerateArray()
            .Select(e => new KeyValuePair<double, long>(e[0].GetDouble(), e[1].GetInt64())).ToList());
        n.DistinctOverflow = c.GetProperty("distinct_overflow").GetInt64();
    }

    private static void ReadCategorical(JsonElement c, CategoricalWindow k)
    {
        long[] known = [.. c.GetProperty("known_counts").EnumerateArray().Select(e => e.GetInt64())];
        if (known.Length != k.KnownCounts.Length)
            throw new InvalidDataException($"Column '{k.Name}' has {known.Length} category counts; the profile has {k.KnownCounts.Length}.");
        known.CopyTo(k.KnownCounts, 0);
        foreach (JsonProperty p in c.GetProperty("unseen").EnumerateObject())
            k.RestoreUnseen(p.Name, p.Value.GetInt64());
        k.UnseenOverflow = c.GetProperty("unseen_overflow").GetInt64();
    }

    private static void CopyExactly<T>(T[] source, T[] target, string column) where T : struct
    {
        if (source.Length != target.Length)
            throw new InvalidDataException($"Column '{column}' has {source.Length} bins; the profile's grid has {target.Length}.");
        source.CopyTo(target);
    }
}
