using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MlObs.Drift.Data;

namespace MlObs.Drift.Reports;

/// <summary>
/// A <see cref="DriftReport"/> as one self-contained HTML page (<c>mlobs drift compare --format html</c> and the drift monitor's
/// HTML view): the dataset verdict on top, a table of all columns, then per column a histogram overlay of reference and current
/// shares with its numbers.
/// </summary>
/// <remarks>
/// The page loads nothing: CSS and the SVG charts are inline (drawn here, in C#), there are no fonts, images or links to other
/// documents, and a Content-Security-Policy meta tag (<c>default-src 'none'</c>) makes the browser refuse any request should one
/// ever slip in. A 20-line inline script (allowed by its hash) sorts the column table; without it the page reads the same, and the
/// "only drifted columns" filter is CSS. Every string from the report is HTML-escaped. About 3.5 kB per column with a 12-bin
/// histogram, so 1,000 columns make a page of a few megabytes.
/// </remarks>
public static class DriftReportHtml
{
    // Chart geometry, in SVG user units (the SVG scales to the page width, at most 640 px).
    private const double ChartWidth = 640;
    private const double PlotLeft = 48;
    private const double PlotRight = 12;
    private const double PlotTop = 12;
    private const double PlotHeight = 150;
    private const double CharWidth = 6.2; // average advance of the 11 px axis font
    private const int MaxAxisLabelLength = 20;
    private const int MaxListedDrifted = 30; // drifted columns named in the summary; past that, the first 25 and a count

    private const string SortScript =
        "document.querySelectorAll('#cols th').forEach(function(th,i){" +
        "th.addEventListener('click',function(){" +
        "var b=th.closest('table').tBodies[0],rows=Array.from(b.rows),d=th.dataset.d==='a'?'d':'a';" +
        "th.parentNode.querySelectorAll('th').forEach(function(h){delete h.dataset.d});th.dataset.d=d;" +
        "function k(c){var v=c.dataset.v;return v===undefined?c.textContent:v===''?Infinity:+v}" +
        "rows.sort(function(x,y){var p=k(x.cells[i]),q=k(y.cells[i]),c;" +
        "if(typeof p==='number'&&typeof q==='number')c=p===q?0:p<q?-1:1;else c=String(p).localeCompare(String(q));" +
        "return d==='a'?c:-c});" +
        "rows.forEach(function(r){b.appendChild(r)})})});";

    private static readonly string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" +
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(SortScript))) +
        "'; base-uri 'none'; form-action 'none'";

    private const string Style = """
        :root{color-scheme:light;--ref:#a9c4e4;--cur:#e8731a;--drift:#c62828;--ok:#2e7d32;--warn:#b26a00;--line:#d9dde3;--muted:#5f6b7a}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1180px;padding:16px 20px 40px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d2430;background:#fff}
        h1{font-size:22px;margin:0 0 2px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:0 0 8px;overflow-wrap:anywhere}
        .meta{color:var(--muted);margin:0 0 14px}
        .summary{border:1px solid var(--line);border-left:6px solid var(--ok);border-radius:6px;padding:12px 16px}
        .summary.d{border-left-color:var(--drift)}
        .verdict{font-size:20px;font-weight:700;margin:0}.summary.d .verdict{color:var(--drift)}.summary:not(.d) .verdict{color:var(--ok)}
        .share{display:block;width:100%;max-width:420px;height:18px;margin:8px 0 4px}
        .share .bg{fill:#eceff3}.share .fg{fill:var(--ok)}.summary.d .share .fg{fill:var(--drift)}.share .th{stroke:#1d2430;stroke-width:2}
        .facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(215px,1fr));gap:4px 18px;margin:10px 0 0}
        .facts div{display:flex;gap:6px}.facts dt{color:var(--muted)}.facts dd{margin:0;font-weight:600;white-space:nowrap}
        .names{margin:8px 0 0;overflow-wrap:anywhere}.names b{font-weight:600}
        code{font:12.5px ui-monospace,"DejaVu Sans Mono",monospace;background:#f2f4f7;border-radius:3px;padding:0 3px}
        table{border-collapse:collapse;font-variant-numeric:tabular-nums}
        #cols{width:100%}
        #cols th,#cols td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        #cols th{position:sticky;top:0;background:#f7f8fa;cursor:pointer;white-space:nowrap;user-select:none}
        #cols th[data-d=a]::after{content:" \25B2"}#cols th[data-d=d]::after{content:" \25BC"}
        #cols td.n,#cols th.n{text-align:right;white-space:nowrap}
        #cols td:first-child{overflow-wrap:anywhere;min-width:16ch;max-width:280px}
        #cols tr.d td{background:#fdecea}#cols tr.d td:first-child{box-shadow:inset 3px 0 var(--drift)}
        #cols .m{color:var(--muted)}
        .b{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;font-weight:600;white-space:nowrap;background:#e8f5e9;color:var(--ok)}
        .b.d{background:var(--drift);color:#fff}.b.w{background:#fff3e0;color:var(--warn)}.b.e{background:#fde7e7;color:var(--drift)}
        .filter{margin:0 0 8px;color:var(--muted)}
        body:has(#only-drifted:checked) #cols tbody tr:not(.d),body:has(#only-drifted:checked) section.col:not(.d){display:none}
        section.col{border-top:1px solid var(--line);padding:14px 0 6px}
        .cc{display:flex;flex-wrap:wrap;gap:8px 28px;align-items:flex-start}
        figure{margin:0;flex:1 1 420px;max-width:640px}
        figcaption{color:var(--muted);font-size:12px}
        .sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}.sw.r{background:var(--ref)}.sw.c{background:var(--cur);opacity:.85}
        svg.h{display:block;width:100%;height:auto}
        .h text{font-size:11px;fill:#4a5463}.h .yl{text-anchor:end}.h .xl{text-anchor:end}.h .xc{text-anchor:middle}
        .h .g,.h .a{fill:none}.h .g{stroke:#e6e9ee}.h .a{stroke:#9aa3ae}.h .r{fill:var(--ref)}.h .c{fill:var(--cur);opacity:.85}
        dl.num{display:grid;grid-template-columns:7.5em auto;gap:2px 14px;margin:0;font-variant-numeric:tabular-nums;flex:0 1 320px}
        dl.num dt{color:var(--muted)}dl.num dd{margin:0;overflow-wrap:anywhere}
        .msg{flex:1 1 420px;max-width:640px;padding:8px 12px;background:#fff8ec;border-radius:4px;overflow-wrap:anywhere;margin:0}
        details{margin:6px 0 0;font-size:13px}summary{cursor:pointer;color:var(--muted)}
        .bins td,.bins th{padding:1px 10px 1px 0;text-align:right}.bins td:first-child,.bins th:first-child{text-align:left;overflow-wrap:anywhere}
        footer{margin-top:28px;color:var(--muted);font-size:12px}
        @media print{#cols th{position:static}.filter{display:none}}
        """;

    /// <summary>Writes the page.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Where to write; the text is meant to be saved as UTF-8 (the page declares that charset).</param>
    /// <param name="options">Title, data names and timestamp; defaults when null.</param>
    public static void Write(DriftReport report, TextWriter writer, HtmlReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        options ??= new HtmlReportOptions();
        var html = new HtmlText(writer);

        html.Raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Raw("<meta http-equiv=\"Content-Security-Policy\" content=\"").Text(ContentSecurityPolicy).Raw("\">\n");
        html.Raw("<meta name=\"generator\" content=\"MlObs.Drift\">\n<title>").Text(options.Title).Raw("</title>\n");
        html.Raw("<style>\n").Raw(Style).Raw("\n</style>\n</head>\n<body>\n");

        WriteHeader(html, report, options);
        WriteSummary(html, report);
        WriteTable(html, report);
        for (int i = 0; i < report.Columns.Count; i++)
            WriteColumnSection(html, report.Columns[i], i);

        html.Raw("<footer>MlObs drift report, format version ")
            .Raw(DriftReport.FormatVersion.ToString(CultureInfo.InvariantCulture))
            .Raw(". The same report as JSON: <code>mlobs drift compare --format json</code>.</footer>\n");
        html.Raw("<script>").Raw(SortScript).Raw("</script>\n</body>\n</html>\n");
    }

    /// <summary>The page as a string (see <see cref="Write"/>).</summary>
    /// <param name="report">The report.</param>
    /// <param name="options">Title, data names and timestamp; defaults when null.</param>
    /// <returns>The HTML text.</returns>
    public static string ToHtml(DriftReport report, HtmlReportOptions? options = null)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(report, writer, options);
        return writer.ToString();
    }

    private static void WriteHeader(HtmlText html, DriftReport report, HtmlReportOptions options)
    {
        html.Raw("<header>\n<h1>").Text(options.Title).Raw("</h1>\n<p class=\"meta\">");
        html.Raw("Reference: ");
        Source(html, options.ReferenceName, report.ReferenceRows);
        html.Raw(" · Current: ");
        Source(html, options.CurrentName, report.CurrentRows);
        if (options.GeneratedAt is { } at)
        {
            html.Raw(" · Generated <time datetime=\"")
                .Text(at.ToString(at.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture))
                .Raw("\">")
                .Text(at.Offset == TimeSpan.Zero
                    ? at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)
                    : at.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture))
                .Raw("</time>");
        }
        html.Raw("</p>\n</header>\n");
    }

    private static void Source(HtmlText html, string? name, long rows)
    {
        if (name is null)
            html.Text(Rows(rows));
        else
            html.Raw("<code>").Text(name).Raw("</code> (").Text(Rows(rows)).Raw(")");
    }

    private static void WriteSummary(HtmlText html, DriftReport report)
    {
        DatasetDrift dataset = report.Dataset;
        string verdict = ReportFormat.Verdict(dataset);
        int dash = verdict.IndexOf(" — ", StringComparison.Ordinal);

        html.Raw(dataset.Drift ? "<section class=\"summary d\" id=\"summary\">\n" : "<section class=\"summary\" id=\"summary\">\n");
        html.Raw("<p class=\"verdict\">Dataset drift: ").Text(verdict[..dash]).Raw("</p>\n");
        html.Raw("<p class=\"verdict-detail\">").Text(verdict[(dash + 3)..]).Raw("</p>\n");

        // The share of drifted columns against the threshold: a bar and a tick.
        double share = Clamp01(dataset.DriftShare);
        double threshold = Clamp01(dataset.DriftShareThreshold);
        html.Raw("<svg class=\"share\" viewBox=\"0 0 400 18\" role=\"img\" aria-label=\"")
            .Text($"drift share {ReportFormat.Percent(dataset.DriftShare)}, threshold {ReportFormat.Percent(dataset.DriftShareThreshold)}")
            .Raw("\"><rect class=\"bg\" width=\"400\" height=\"18\" rx=\"3\"/><rect class=\"fg\" width=\"")
            .Raw(Svg(share * 400)).Raw("\" height=\"18\" rx=\"3\"/><path class=\"th\" d=\"M").Raw(Svg(Math.Clamp(threshold * 400, 1, 399)))
            .Raw(" 0v18\"/></svg>\n");

        html.Raw("<dl class=\"facts\">");
        Fact(html, "Columns with a verdict", ReportFormat.Count(dataset.Columns));
        Fact(html, "Drifted", ReportFormat.Count(dataset.DriftedColumns));
        Fact(html, "Drift share", ReportFormat.Percent(dataset.DriftShare));
        Fact(html, "Threshold", ReportFormat.Percent(dataset.DriftShareThreshold));
        Fact(html, "Skipped", ReportFormat.Count(dataset.SkippedColumns));
        Fact(html, "Missing in current", ReportFormat.Count(dataset.MissingColumns.Count));
        Fact(html, "New in current", ReportFormat.Count(dataset.NewColumns.Count));
        Fact(html, "Preset", report.Preset);
        Fact(html, "Mode", report.Mode);
        Fact(html, "Correction", dataset.Correction);
        Fact(html, "Reference rows", ReportFormat.Count(report.ReferenceRows));
        Fact(html, "Current rows", ReportFormat.Count(report.CurrentRows));
        html.Raw("</dl>\n");

        var drifted = new List<int>();
        for (int i = 0; i < report.Columns.Count; i++)
        {
            if (report.Columns[i].Drift)
                drifted.Add(i);
        }
        if (drifted.Count > 0)
        {
            html.Raw("<p class=\"names\"><b>Drifted:</b> ");
            int listed = drifted.Count <= MaxListedDrifted ? drifted.Count : MaxListedDrifted - 5;
            for (int k = 0; k < listed; k++)
            {
                if (k > 0)
                    html.Raw(", ");
                html.Raw("<a href=\"#").Raw(Anchor(drifted[k])).Raw("\">").Text(report.Columns[drifted[k]].Column).Raw("</a>");
            }
            if (listed < drifted.Count)
                html.Raw(" and ").Text(ReportFormat.Count(drifted.Count - listed)).Raw(" more (see the table below)");
            html.Raw("</p>\n");
        }
        if (dataset.MissingColumns.Count == 0 && dataset.NewColumns.Count == 0)
        {
            html.Raw("<p class=\"names\"><b>Schema:</b> unchanged</p>\n");
        }
        else
        {
            Names(html, "Missing in the current data:", dataset.MissingColumns);
            Names(html, "New in the current data (not compared):", dataset.NewColumns);
        }
        html.Raw("</section>\n");
    }

    private static void WriteTable(HtmlText html, DriftReport report)
    {
        html.Raw("<h2>Columns</h2>\n");
        html.Raw("<p class=\"filter\"><label><input type=\"checkbox\" id=\"only-drifted\"> Show only drifted columns</label></p>\n");
        html.Raw("<table id=\"cols\">\n<thead><tr><th>Column</th><th>Kind</th><th>Method</th><th class=\"n\">Statistic</th>");
        html.Raw("<th class=\"n\">p-value</th><th class=\"n\">Threshold</th><th>Drift</th><th>Missing ref→cur</th><th>Status</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < report.Columns.Count; i++)
        {
            ColumnDrift c = report.Columns[i];
            html.Raw(c.Drift ? "<tr class=\"d\"><td><a href=\"#" : "<tr><td><a href=\"#").Raw(Anchor(i)).Raw("\">").Text(c.Column).Raw("</a></td>");
            html.Raw("<td>").Raw(c.Kind.Name()).Raw("</td><td>").Text(c.Method ?? ReportFormat.None).Raw("</td>");
            NumberCell(html, c.Statistic);
            NumberCell(html, c.PValue);
            NumberCell(html, c.Threshold);
            html.Raw("<td>").Raw(c.Status != ColumnStatus.Ok ? ReportFormat.None : c.Drift ? "yes" : "no").Raw("</td>");
            html.Raw("<td>").Text(ReportFormat.Percent(c.MissingReference)).Raw(" → ").Text(ReportFormat.Percent(c.MissingCurrent)).Raw("</td>");
            html.Raw("<td>");
            Badge(html, c);
            if (c.Message is { Length: > 0 } message)
                html.Raw(" <span class=\"m\">").Text(message).Raw("</span>");
            html.Raw("</td></tr>\n");
        }
        html.Raw("</tbody>\n</table>\n");
    }

    private static void WriteColumnSection(HtmlText html, ColumnDrift c, int index)
    {
        html.Raw(c.Drift ? "<section class=\"col d\" id=\"" : "<section class=\"col\" id=\"").Raw(Anchor(index)).Raw("\">\n<h3>")
            .Text(c.Column).Raw(" ");
        Badge(html, c);
        html.Raw("</h3>\n<div class=\"cc\">\n");

        if (c.Histogram is { Labels.Count: > 0 } histogram)
        {
            html.Raw("<figure>");
            WriteHistogram(html, c.Column, histogram);
            html.Raw("<figcaption><i class=\"sw r\"></i>reference<i class=\"sw c\"></i>current · share of values per ")
                .Raw(c.Kind.IsNumeric() ? "bin" : "category").Raw("</figcaption></figure>\n");
        }
        else
        {
            html.Raw("<p class=\"msg\">");
            if (c.Message is { Length: > 0 } message)
                html.Text(message);
            else if (c.Status == ColumnStatus.Ok)
                html.Raw("No histogram for this column.");
            else
                html.Text(c.Status);
            html.Raw("</p>\n");
        }

        WriteNumbers(html, c);
        html.Raw("</div>\n");
        if (c.Histogram is { Labels.Count: > 0 } bins)
            WriteBinTable(html, bins);
        html.Raw("</section>\n");
    }

    private static void WriteNumbers(HtmlText html, ColumnDrift c)
    {
        html.Raw("<dl class=\"num\">");
        Number(html, "Kind", c.Kind.Name());
        Number(html, "Method", c.Method ?? ReportFormat.None);
        Number(html, "Statistic", ReportFormat.Number(c.Statistic), c.Statistic);
        if (c.ErrorBound is { } bound)
            Number(html, "Error bound", "± " + ReportFormat.Number(bound), bound);
        if (c.PValue is not null || c.PValueRaw is not null)
        {
            string p = ReportFormat.Number(c.PValue);
            if (c.PValueRaw is { } raw)
                p += " (raw " + ReportFormat.Number(raw) + ")";
            Number(html, "p-value", p, c.PValue);
        }
        string threshold = ReportFormat.Number(c.Threshold);
        if (c.ThresholdSource is { } source)
            threshold += " (" + source + ")";
        Number(html, "Threshold", threshold, c.Threshold);
        if (c.DriftRule is { } rule)
            Number(html, "Drift when", rule);
        Number(html, "Values", $"{ReportFormat.Count(c.NReference)} ref · {ReportFormat.Count(c.NCurrent)} cur");
        Number(html, "Missing", $"{ReportFormat.Percent(c.MissingReference)} → {ReportFormat.Percent(c.MissingCurrent)}");
        if (c.InvalidCurrent > 0)
            Number(html, "Unreadable", ReportFormat.Count(c.InvalidCurrent) + " current values");
        if (c.ConstantReference || c.ConstantCurrent)
        {
            Number(html, "Constant", c.ConstantReference && c.ConstantCurrent ? "reference and current"
                : c.ConstantReference ? "reference" : "current");
        }
        if (c.Unseen is { } unseen)
        {
            html.Raw("<dt>Unseen</dt><dd>").Text(
                $"{ReportFormat.Percent(unseen.Share)} of current values, {ReportFormat.Count(unseen.Distinct)} " +
                (unseen.Distinct == 1 ? "category" : "categories"));
            for (int i = 0; i < unseen.Top.Count; i++)
            {
                html.Raw(i == 0 ? ": " : ", ").Raw("<code>").Text(unseen.Top[i].Value).Raw("</code> ")
                    .Text($"({ReportFormat.Count(unseen.Top[i].Count)})");
            }
            html.Raw("</dd>");
        }
        if (c.Histogram is { Labels.Count: > 0 } && c.Message is { Length: > 0 } message)
            Number(html, "Note", message);
        html.Raw("</dl>\n");
    }

    /// <summary>The overlay of reference and current shares per bin, y axis in percent, bin labels under the bars.</summary>
    private static void WriteHistogram(HtmlText html, string column, HistogramPair histogram)
    {
        int n = histogram.Labels.Count;
        double max = 0;
        for (int i = 0; i < n; i++)
            max = Math.Max(max, Math.Max(Share(histogram.Reference, i), Share(histogram.Current, i)));
        (double step, int ticks) = YTicks(max);
        double top = step * ticks;

        // Labels side by side when they fit under their bars; else rotated by 60° (longer ones cut), thinned out so that they
        // don't overlap, and with the plot moved right when the first one would stick out on the left.
        string[] labels = new string[n];
        int longest = 0;
        for (int i = 0; i < n; i++)
        {
            labels[i] = Abbreviate(histogram.Labels[i], MaxAxisLabelLength);
            longest = Math.Max(longest, labels[i].Length);
        }
        double band = (ChartWidth - PlotLeft - PlotRight) / n;
        bool rotate = (longest * CharWidth) + 4 > band;
        double left = PlotLeft;
        if (rotate)
        {
            left = Math.Max(PlotLeft, (longest * CharWidth * 0.5) - 2);
            band = (ChartWidth - left - PlotRight) / n;
        }
        int every = rotate ? Math.Max(1, (int)Math.Ceiling(15 / band)) : 1;
        double bottom = rotate ? 16 + (longest * CharWidth * 0.87) : 22;
        double baseline = PlotTop + PlotHeight;
        double height = Math.Ceiling(baseline + bottom);

        html.Raw("<svg class=\"h\" viewBox=\"0 0 ").Raw(Svg(ChartWidth)).Raw(" ").Raw(Svg(height))
            .Raw("\" role=\"img\" aria-label=\"").Text($"Histogram of {column}: reference and current share per bin").Raw("\">");

        // Grid lines and y labels.
        html.Raw("<path class=\"g\" d=\"");
        for (int t = 1; t <= ticks; t++)
            html.Raw("M").Raw(Svg(left)).Raw(" ").Raw(Svg(baseline - (PlotHeight * t / ticks))).Raw("H").Raw(Svg(ChartWidth - PlotRight));
        html.Raw("\"/><g class=\"yl\">");
        for (int t = 0; t <= ticks; t++)
        {
            html.Raw("<text x=\"").Raw(Svg(left - 6)).Raw("\" y=\"").Raw(Svg(baseline - (PlotHeight * t / ticks) + 3.5)).Raw("\">")
                .Raw(TickLabel(step * t)).Raw("</text>");
        }
        html.Raw("</g>");

        // The two series as one path each, a rectangle per bin: reference bars fill the bin, current bars half as wide on top,
        // so both heights stay visible without a blended third colour.
        // With few bins a bar is at most 120 units wide, centred in its bin.
        double bar = Math.Min(band, 120);
        double wideGap = ((band - bar) / 2) + Math.Min(bar * 0.08, 3);
        foreach ((string css, IReadOnlyList<double> shares, double gap) in new[]
        {
            ("r", histogram.Reference, wideGap),
            ("c", histogram.Current, ((band - bar) / 2) + (bar * 0.27)),
        })
        {
            html.Raw("<path class=\"").Raw(css).Raw("\" d=\"");
            for (int i = 0; i < n; i++)
            {
                double h = top > 0 ? PlotHeight * Share(shares, i) / top : 0;
                if (h <= 0)
                    continue;
                html.Raw("M").Raw(Svg(left + (i * band) + gap)).Raw(" ").Raw(Svg(baseline)).Raw("v-").Raw(Svg(h))
                    .Raw("h").Raw(Svg(band - (2 * gap))).Raw("v").Raw(Svg(h)).Raw("z");
            }
            html.Raw("\"/>");
        }

        // Axes.
        html.Raw("<path class=\"a\" d=\"M").Raw(Svg(left)).Raw(" ").Raw(Svg(PlotTop)).Raw("V").Raw(Svg(baseline))
            .Raw("H").Raw(Svg(ChartWidth - PlotRight)).Raw("\"/>");

        // Bin labels: centred under the bar, or rotated with their end under the bar's centre.
        html.Raw(rotate ? "<g class=\"xl\">" : "<g class=\"xc\">");
        for (int i = 0; i < n; i += every)
        {
            double x = left + ((i + 0.5) * band);
            if (rotate)
            {
                html.Raw("<text transform=\"translate(").Raw(Svg(x + 4)).Raw(" ").Raw(Svg(baseline + 8)).Raw(")rotate(-60)\">");
            }
            else
            {
                html.Raw("<text x=\"").Raw(Svg(x)).Raw("\" y=\"").Raw(Svg(baseline + 14)).Raw("\">");
            }
            html.Text(labels[i]).Raw("</text>");
        }
        html.Raw("</g></svg>");
    }

    private static void WriteBinTable(HtmlText html, HistogramPair histogram)
    {
        html.Raw("<details><summary>Shares per bin</summary><table class=\"bins\"><tr><th>bin</th><th>reference</th><th>current</th></tr>");
        for (int i = 0; i < histogram.Labels.Count; i++)
        {
            html.Raw("<tr><td>").Text(histogram.Labels[i]).Raw("</td><td>").Text(ShareText(histogram.Reference, i))
                .Raw("</td><td>").Text(ShareText(histogram.Current, i)).Raw("</td></tr>");
        }
        html.Raw("</table></details>\n");
    }

    private static void Badge(HtmlText html, ColumnDrift c)
    {
        if (c.Status == ColumnStatus.Ok)
            html.Raw(c.Drift ? "<span class=\"b d\">drift</span>" : "<span class=\"b\">no drift</span>");
        else
            html.Raw(c.Status == ColumnStatus.Error ? "<span class=\"b e\">" : "<span class=\"b w\">").Text(c.Status).Raw("</span>");
    }

    private static void NumberCell(HtmlText html, double? value)
    {
        // data-v carries the exact value for sorting; "" (no value) sorts after every number.
        html.Raw("<td class=\"n\" data-v=\"");
        if (value is { } v && !double.IsNaN(v))
            html.Raw(double.IsInfinity(v) ? (v > 0 ? "Infinity" : "-Infinity") : v.ToString("R", CultureInfo.InvariantCulture));
        html.Raw("\">").Text(ReportFormat.Number(value)).Raw("</td>");
    }

    private static void Fact(HtmlText html, string name, string value) =>
        html.Raw("<div><dt>").Raw(name).Raw("</dt><dd>").Text(value).Raw("</dd></div>");

    private static void Number(HtmlText html, string name, string value, double? exact = null)
    {
        html.Raw("<dt>").Raw(name).Raw("</dt><dd");
        if (exact is { } v && double.IsFinite(v) && ReportFormat.Number(v) != v.ToString("R", CultureInfo.InvariantCulture))
            html.Raw(" title=\"").Raw(v.ToString("R", CultureInfo.InvariantCulture)).Raw("\"");
        html.Raw(">").Text(value).Raw("</dd>");
    }

    private static void Names(HtmlText html, string label, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
            return;
        html.Raw("<p class=\"names\"><b>").Raw(label).Raw("</b> ");
        for (int i = 0; i < names.Count; i++)
        {
            if (i > 0)
                html.Raw(", ");
            html.Raw("<code>").Text(names[i]).Raw("</code>");
        }
        html.Raw("</p>\n");
    }

    /// <summary>A tick step of 1, 2, 2.5 or 5 × 10ᵏ and the number of ticks (at most 4 above zero) that cover <paramref name="max"/>.</summary>
    internal static (double Step, int Ticks) YTicks(double max)
    {
        if (!(max > 0))
            return (0.25, 4);
        double raw = max / 4;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double fraction = raw / magnitude;
        const double Slack = 1e-9; // 0.05 / 0.01 is 5.000000000000001
        double nice = fraction <= 1 + Slack ? 1 : fraction <= 2 + Slack ? 2 : fraction <= 2.5 + Slack ? 2.5 : fraction <= 5 + Slack ? 5 : 10;
        double step = nice * magnitude;
        int ticks = Math.Max(1, (int)Math.Ceiling((max / step) - 1e-9));
        return (step, ticks);
    }

    private static string TickLabel(double share) =>
        (share * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%";

    private static double Share(IReadOnlyList<double> shares, int i) =>
        i < shares.Count && double.IsFinite(shares[i]) && shares[i] > 0 ? shares[i] : 0;

    private static string ShareText(IReadOnlyList<double> shares, int i) =>
        i < shares.Count ? ReportFormat.Percent(shares[i]) : ReportFormat.None;

    private static double Clamp01(double value) => double.IsFinite(value) ? Math.Clamp(value, 0, 1) : 0;

    private static string Anchor(int index) => "c" + (index + 1).ToString(CultureInfo.InvariantCulture);

    private static string Rows(long rows) => rows == 1 ? "1 row" : ReportFormat.Count(rows) + " rows";

    private static string Svg(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Abbreviate(string text, int length)
    {
        text = TextWidth.Sanitize(text);
        return text.Length <= length ? text : TextWidth.Truncate(text, length);
    }

    /// <summary>Writes markup as is and text HTML-escaped; escaped text is safe both between tags and inside quoted attributes.</summary>
    private sealed class HtmlText(TextWriter writer)
    {
        public HtmlText Raw(string markup)
        {
            writer.Write(markup);
            return this;
        }

        public HtmlText Text(string text)
        {
            int start = 0;
            for (int i = 0; i < text.Length; i++)
            {
                string? entity = text[i] switch
                {
                    '&' => "&amp;",
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '"' => "&quot;",
                    '\'' => "&#39;",
                    // Control characters other than tab and line ends are not allowed in HTML text.
                    < ' ' and not ('\t' or '\n' or '\r') => "\uFFFD",
                    '\u007f' => "\uFFFD",
                    _ => null,
                };
                if (entity is null)
                    continue;
                writer.Write(text.AsSpan(start, i - start));
                writer.Write(entity);
                start = i + 1;
            }
            writer.Write(text.AsSpan(start));
            return this;
        }
    }
}
