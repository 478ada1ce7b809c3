using System.Text;
using MlObs.Drift.Data;

namespace MlObs.Drift.Reports;

/// <summary>
/// A <see cref="DriftReport"/> as a terminal table (<c>mlobs drift compare --format table</c>): the dataset verdict and the
/// drifted columns, preset, mode and rows, schema changes, then one aligned row per column in reference order.
/// </summary>
/// <example>
/// At width 110 (missing: the share of missing values in the reference → in the window):
/// <code>
/// Dataset drift: YES — 2 of 3 columns drifted (66.7%, threshold 50%)
/// Drifted: age, city
/// Preset: mlobs · Mode: exact · Reference: 10,000 rows · Current: 2,000 rows · Correction: none
/// Schema: 1 missing column in the current data: zip
/// Skipped: 1 column without a verdict (see status)
///
/// column  kind         method       statistic  p-value  threshold  drift  missing   status
/// ──────────────────────────────────────────────────────────────────────────────────────────────────────────────
/// age     numerical    ks              0.2134  1.2e-45       0.05  yes    0%→0.75%  ok
/// income  numerical    wasserstein    0.01831        —        0.1  no     2%→0.5%   ok
/// city    categorical  psi                  ∞        —        0.1  yes    0%→0%     ok: the window has categori…
/// zip     categorical  —                    —        —          —  —      0%→100%   missing_in_current: not in …
/// </code>
/// </example>
public static class DriftReportTable
{
    /// <summary>The width used when none is given.</summary>
    public const int DefaultWidth = 120;

    private const string Separator = "  ";
    private const string Red = "\u001b[31m";
    private const string Green = "\u001b[32m";
    private const string Yellow = "\u001b[33m";
    private const string Bold = "\u001b[1m";
    private const string Dim = "\u001b[2m";
    private const string Reset = "\u001b[0m";

    // The columns that give way when the table is wider than the terminal, and how narrow they may get.
    private const int MinNameWidth = 10;
    private const int MinStatusWidth = 12;

    private static readonly string[] Headers = ["column", "kind", "method", "statistic", "p-value", "threshold", "drift", "missing", "status"];

    private static readonly bool[] RightAligned = [false, false, false, true, true, true, false, false, false];

    private const int NameIndex = 0;
    private const int KindIndex = 1;
    private const int ThresholdIndex = 5;
    private const int DriftIndex = 6;
    private const int StatusIndex = 8;

    /// <summary>Writes the table. Lines end in "\n"; names and messages have their control characters replaced.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Where to write.</param>
    /// <param name="color">
    /// Adds ANSI colours: the verdict red (drift) or green, drifted columns red, statuses other than "ok" yellow. False writes
    /// plain text without any escape sequence.
    /// </param>
    /// <param name="width">
    /// The terminal width in cells (<see cref="DefaultWidth"/> when null). To fit, status messages and then column names are cut
    /// with "…" (to 12 and 10 cells at the least), then the kind and the threshold columns are left out; a table that still does
    /// not fit has longer lines.
    /// </param>
    public static void Write(DriftReport report, TextWriter writer, bool color = false, int? width = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        int lineWidth = width ?? DefaultWidth;
        ArgumentOutOfRangeException.ThrowIfLessThan(lineWidth, 1, nameof(width));

        WriteSummary(report, writer, color, lineWidth);
        writer.Write('\n');
        WriteColumns(report, writer, color, lineWidth);
    }

    /// <summary>The table as a string (see <see cref="Write"/>).</summary>
    /// <param name="report">The report.</param>
    /// <param name="color">Adds ANSI colours.</param>
    /// <param name="width">The terminal width in cells.</param>
    /// <returns>The text, ending in "\n".</returns>
    public static string ToText(DriftReport report, bool color = false, int? width = null)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(report, writer, color, width);
        return writer.ToString();
    }

    private static void WriteSummary(DriftReport report, TextWriter writer, bool color, int width)
    {
        DatasetDrift dataset = report.Dataset;
        string verdict = ReportFormat.Verdict(dataset);
        string yesNo = ReportFormat.YesNo(dataset.Drift);
        writer.Write("Dataset drift: ");
        writer.Write(Paint(yesNo, color, dataset.Drift ? Bold + Red : Bold + Green));
        writer.Write(verdict.AsSpan(yesNo.Length));
        writer.Write('\n');

        string[] drifted = report.Columns.Where(c => c.Drift).Select(c => TextWidth.Sanitize(c.Column)).ToArray();
        if (drifted.Length > 0)
            writer.Write(Listing("Drifted: ", drifted, width) + "\n");

        WriteWrapped(writer, width,
            $"Preset: {TextWidth.Sanitize(report.Preset)}",
            $"Mode: {TextWidth.Sanitize(report.Mode)}",
            $"Reference: {Rows(report.ReferenceRows)}",
            $"Current: {Rows(report.CurrentRows)}",
            $"Correction: {TextWidth.Sanitize(dataset.Correction)}");

        if (dataset.MissingColumns.Count == 0 && dataset.NewColumns.Count == 0)
        {
            writer.Write("Schema: unchanged\n");
        }
        else
        {
            if (dataset.MissingColumns.Count > 0)
            {
                writer.Write(Listing(
                    $"Schema: {Columns(dataset.MissingColumns.Count, "missing column")} in the current data: ",
                    dataset.MissingColumns.Select(TextWidth.Sanitize).ToArray(), width) + "\n");
            }
            if (dataset.NewColumns.Count > 0)
            {
                writer.Write(Listing(
                    $"Schema: {Columns(dataset.NewColumns.Count, "new column")} (not compared): ",
                    dataset.NewColumns.Select(TextWidth.Sanitize).ToArray(), width) + "\n");
            }
        }

        if (dataset.SkippedColumns > 0)
            writer.Write($"Skipped: {ReportFormat.Columns(dataset.SkippedColumns)} without a verdict (see status)\n");
    }

    private static void WriteColumns(DriftReport report, TextWriter writer, bool color, int width)
    {
        var rows = new List<string[]>(report.Columns.Count);
        foreach (ColumnDrift column in report.Columns)
            rows.Add(Cells(column));

        int[] widths = new int[Headers.Length];
        for (int i = 0; i < Headers.Length; i++)
            widths[i] = TextWidth.Of(Headers[i]);
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
                widths[i] = Math.Max(widths[i], TextWidth.Of(row[i]));
        }
        bool[] shown = FitToWidth(widths, width);
        int tableWidth = Enumerable.Range(0, widths.Length).Where(i => shown[i]).Sum(i => widths[i] + Separator.Length) - Separator.Length;

        WriteRow(writer, Headers, widths, shown, color, column: null);
        writer.Write(Paint(new string('─', Math.Min(tableWidth, width)), color, Dim));
        writer.Write('\n');
        for (int r = 0; r < rows.Count; r++)
            WriteRow(writer, rows[r], widths, shown, color, report.Columns[r]);
    }

    private static string[] Cells(ColumnDrift column)
    {
        bool verdict = column.Status == ColumnStatus.Ok;
        string status = column.Message is { Length: > 0 } message ? $"{column.Status}: {message}" : column.Status;
        return
        [
            TextWidth.Sanitize(column.Column),
            column.Kind.Name(),
            TextWidth.Sanitize(column.Method ?? ReportFormat.None),
            ReportFormat.Number(column.Statistic),
            ReportFormat.Number(column.PValue),
            ReportFormat.Number(column.Threshold),
            verdict ? (column.Drift ? "yes" : "no") : ReportFormat.None,
            $"{ReportFormat.Percent(column.MissingReference)}→{ReportFormat.Percent(column.MissingCurrent)}",
            TextWidth.Sanitize(status),
        ];
    }

    /// <summary>
    /// Makes the table fit in <paramref name="width"/>: narrows the status column, then the name column, to their minimum; then
    /// leaves out the kind and then the threshold column. Returns which columns are shown.
    /// </summary>
    private static bool[] FitToWidth(int[] widths, int width)
    {
        bool[] shown = Enumerable.Repeat(true, widths.Length).ToArray();
        int Excess() => Enumerable.Range(0, widths.Length).Where(i => shown[i]).Sum(i => widths[i] + Separator.Length) - Separator.Length - width;

        foreach ((int index, int minimum) in new[] { (StatusIndex, MinStatusWidth), (NameIndex, MinNameWidth) })
        {
            int floor = Math.Min(widths[index], Math.Max(minimum, TextWidth.Of(Headers[index])));
            widths[index] -= Math.Clamp(Excess(), 0, widths[index] - floor);
        }
        foreach (int index in new[] { KindIndex, ThresholdIndex })
        {
            if (Excess() > 0)
                shown[index] = false;
        }
        return shown;
    }

    private static void WriteRow(TextWriter writer, string[] cells, int[] widths, bool[] shown, bool color, ColumnDrift? column)
    {
        var line = new StringBuilder();
        int last = Array.LastIndexOf(shown, true);
        for (int i = 0; i < cells.Length; i++)
        {
            if (!shown[i])
                continue;
            string text = TextWidth.Truncate(cells[i], widths[i]);
            int padding = widths[i] - TextWidth.Of(text);
            string painted = Paint(text, color, column is null ? Bold : CellColor(i, column));
            if (line.Length > 0)
                line.Append(Separator);
            if (RightAligned[i])
                line.Append(' ', padding).Append(painted);
            else if (i == last)
                line.Append(painted);
            else
                line.Append(painted).Append(' ', padding);
        }
        writer.Write(line.Append('\n').ToString());
    }

    /// <summary>Writes the parts joined by " · ", starting a new line where the next part would pass the width.</summary>
    private static void WriteWrapped(TextWriter writer, int width, params string[] parts)
    {
        var line = new StringBuilder();
        int used = 0;
        foreach (string part in parts)
        {
            int w = TextWidth.Of(part);
            if (used > 0 && used + 3 + w > width)
            {
                writer.Write(line.Append('\n').ToString());
                line.Clear();
                used = 0;
            }
            if (used > 0)
            {
                line.Append(" · ");
                used += 3;
            }
            line.Append(part);
            used += w;
        }
        writer.Write(line.Append('\n').ToString());
    }

    private static string? CellColor(int index, ColumnDrift column)
    {
        if (column.Drift && index is NameIndex or DriftIndex)
            return Red;
        if (index == StatusIndex && column.Status != ColumnStatus.Ok)
            return Yellow;
        return null;
    }

    private static string Paint(string text, bool color, string? code) =>
        color && code is not null && text.Length > 0 ? code + text + Reset : text;

    /// <summary>"Prefix: a, b, c" cut to the width, ending in "… (+N more)" when some names did not fit.</summary>
    private static string Listing(string prefix, string[] names, int width)
    {
        var text = new StringBuilder(prefix);
        int used = TextWidth.Of(prefix);
        for (int i = 0; i < names.Length; i++)
        {
            string item = (i > 0 ? ", " : string.Empty) + names[i];
            int rest = names.Length - i - 1;
            string more = rest > 0 ? $", … (+{ReportFormat.Count(names.Length - i)} more)" : string.Empty;
            int itemWidth = TextWidth.Of(item);
            // Room for this name plus, when others follow, the "… (+N more)" of the names after it.
            int tail = rest > 0 ? TextWidth.Of($", … (+{ReportFormat.Count(rest)} more)") : 0;
            if (used + itemWidth + tail > width)
            {
                if (i > 0)
                    return text.Append(more).ToString();
                item = TextWidth.Truncate(item, Math.Max(width - used - tail, 1));
                itemWidth = TextWidth.Of(item);
            }
            text.Append(item);
            used += itemWidth;
        }
        return text.ToString();
    }

    private static string Rows(long rows) => rows == 1 ? "1 row" : ReportFormat.Count(rows) + " rows";

    private static string Columns(int count, string noun) => count == 1 ? $"1 {noun}" : $"{ReportFormat.Count(count)} {noun}s";
}
