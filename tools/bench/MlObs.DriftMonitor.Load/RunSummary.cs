using System.Globalization;
using System.Text.Json;

namespace MlObs.DriftMonitor.Load;

/// <summary>
/// The result of one scenario run as ordered entries, each with a label and text for the table and a value for
/// <c>--json</c> (numbers in their base units: seconds, milliseconds for latencies, bytes).
/// </summary>
internal sealed class RunSummary
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
    private readonly List<(string Key, string Label, string Text, object? Value)> _entries = [];

    /// <summary>Adds an entry shown as <paramref name="text"/> under <paramref name="label"/> and as <paramref name="value"/> under <paramref name="key"/>.</summary>
    public RunSummary Add(string key, string label, string text, object? value)
    {
        _entries.Add((key, label, text, value));
        return this;
    }

    /// <summary>Adds a value shown as text only in the table and as the same string in JSON.</summary>
    public RunSummary Add(string key, string label, string text) => Add(key, label, text, text);

    /// <summary>Adds the request, row, status and latency figures of a measured phase.</summary>
    /// <param name="result">The merged tallies.</param>
    /// <param name="rowsLabel">What a counted row is ("rows" or "records").</param>
    public RunSummary AddLoad(LoadResult result, string rowsLabel)
    {
        ArgumentNullException.ThrowIfNull(result);
        double seconds = result.Elapsed.TotalSeconds;
        Add("duration_s", "duration", $"{Number(seconds, 2)} s", Math.Round(seconds, 3));
        Add("requests", "requests", $"{Count(result.Requests)} ({Number(result.Requests / seconds, 1)}/s)", result.Requests);
        Add("requests_per_s", "", "", Math.Round(result.Requests / seconds, 1));
        Add(rowsLabel, rowsLabel, $"{Count(result.Rows)} ({Count((long)(result.Rows / seconds))}/s)", result.Rows);
        Add($"{rowsLabel}_per_s", "", "", Math.Round(result.Rows / seconds, 1));
        Add("by_status", "answers by status",
            string.Join("  ", result.ByStatus.Select(s => $"{(s.Key == ClientTally.TransportFailure ? "no answer" : s.Key.ToString(CultureInfo.InvariantCulture))}: {Count(s.Value)}")),
            result.ByStatus.ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value));
        Add("errors", "errors", Count(result.Errors), result.Errors);
        AddLatencies("latency_ms", "latency", result);
        return this;
    }

    /// <summary>Adds p50/p90/p99/max latencies in milliseconds.</summary>
    public RunSummary AddLatencies(string key, string label, LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var latencies = new Dictionary<string, double>
        {
            ["p50"] = Math.Round(result.LatencyMs(0.50), 3),
            ["p90"] = Math.Round(result.LatencyMs(0.90), 3),
            ["p99"] = Math.Round(result.LatencyMs(0.99), 3),
            ["max"] = Math.Round(result.LatencyMs(1.0), 3),
        };
        return Add(key, label, string.Join("  ", latencies.Select(l => $"{l.Key} {Number(l.Value, 2)} ms")), latencies);
    }

    /// <summary>Adds the RSS at start and end (when known) and this process's collections over the run (when in-process).</summary>
    public RunSummary AddProcess(long? rssStart, long? rssEnd, long[]? collectionsBefore, long[]? collectionsAfter)
    {
        if (rssStart is not null || rssEnd is not null)
        {
            Add("rss_bytes", "service RSS", $"start {Mb(rssStart)}  end {Mb(rssEnd)}",
                new Dictionary<string, long?> { ["start"] = rssStart, ["end"] = rssEnd });
        }
        if (collectionsBefore is not null && collectionsAfter is not null)
        {
            long[] delta = [.. collectionsAfter.Zip(collectionsBefore, (a, b) => a - b)];
            Add("gc_collections", "GC collections", $"gen0 {delta[0]}  gen1 {delta[1]}  gen2 {delta[2]}",
                new Dictionary<string, long> { ["gen0"] = delta[0], ["gen1"] = delta[1], ["gen2"] = delta[2] });
        }
        return this;
    }

    /// <summary>Writes the summary as an aligned two-column table.</summary>
    public void WriteTable(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int width = _entries.Max(e => e.Label.Length) + 2;
        foreach ((_, string label, string text, _) in _entries)
        {
            if (label.Length > 0)
                output.WriteLine($"{label.PadRight(width)}{text}");
        }
    }

    /// <summary>Writes the summary as one indented JSON object.</summary>
    public void WriteJson(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var document = new Dictionary<string, object?>();
        foreach ((string key, _, _, object? value) in _entries)
            document[key] = value;
        output.WriteLine(JsonSerializer.Serialize(document, JsonOptions));
    }

    /// <summary>Bytes as mebibytes with one decimal ("n/a" when unknown).</summary>
    public static string Mb(long? bytes) => bytes is { } b ? $"{Number(b / 1048576.0, 1)} MiB" : "n/a";

    /// <summary>A number with thousands separators and <paramref name="decimals"/> decimals (invariant culture).</summary>
    public static string Number(double value, int decimals) => value.ToString($"N{decimals}", CultureInfo.InvariantCulture);

    /// <summary>A count with thousands separators.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
