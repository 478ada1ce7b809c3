// DriftReportHtml: content, escaping of every string from the report, self-containment (nothing to fetch), determinism and
// the size of a 1,000-column page.
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MlObs.Drift.Reports;
using Xunit.Abstractions;

namespace MlObs.Drift.Tests.Reports;

public sealed partial class DriftReportHtmlTests(ITestOutputHelper output)
{
    private static readonly HtmlReportOptions Options = new()
    {
        Title = "Drift of <model> & co",
        ReferenceName = "train's.parquet",
        CurrentName = "window \"7\".csv",
        GeneratedAt = new DateTimeOffset(2026, 11, 27, 13, 5, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Write_Mixed_HasTheSummaryTableAndOneSectionPerColumn()
    {
        string html = DriftReportHtml.ToHtml(SampleReports.Mixed(), Options);

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"verdict\">Dataset drift: YES</p>", html, StringComparison.Ordinal);
        Assert.Contains("2 of 4 columns drifted (50%, threshold 50%)", html, StringComparison.Ordinal);
        Assert.Contains("<title>Drift of &lt;model&gt; &amp; co</title>", html, StringComparison.Ordinal);
        Assert.Contains("<code>train&#39;s.parquet</code> (10,000 rows) · Current: <code>window &quot;7&quot;.csv</code> (2,000 rows)", html, StringComparison.Ordinal);
        Assert.Contains("<time datetime=\"2026-11-27T13:05:00Z\">2026-11-27 13:05:00 UTC</time>", html, StringComparison.Ordinal);
        Assert.Contains("<b>Missing in the current data:</b> <code>zip</code>", html, StringComparison.Ordinal);
        Assert.Contains("<b>New in the current data (not compared):</b> <code>new_feature</code>", html, StringComparison.Ordinal);
        Assert.Equal(8, Count(html, "<section class=\"col"));
        Assert.Equal(2, Count(html, "<section class=\"col d\""));
        Assert.Equal(2, Count(html, "<tr class=\"d\">"));
        Assert.Equal(8 + 1, Count(ColumnTable(html), "<tr")); // the header row and one per column
        Assert.Equal(3, Count(html, "<svg class=\"h\"")); // age, income, city have histograms
        Assert.Contains("1.2e-45", html, StringComparison.Ordinal);
        Assert.Contains("data-v=\"1.2E-45\"", html, StringComparison.Ordinal);
        Assert.Contains("data-v=\"Infinity\">∞</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ColumnsWithoutHistogram_ShowTheirStatusMessage()
    {
        string html = DriftReportHtml.ToHtml(SampleReports.Mixed(), Options);

        string zip = Section(html, 6);
        Assert.Contains("<span class=\"b w\">missing_in_current</span>", zip, StringComparison.Ordinal);
        Assert.Contains("<p class=\"msg\">not in the current data</p>", zip, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", zip, StringComparison.Ordinal);
        Assert.Contains("<span class=\"b e\">error</span>", Section(html, 8), StringComparison.Ordinal);
        Assert.Contains("<p class=\"msg\">No histogram for this column.</p>", Section(html, 4), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Histogram_HasBothSeriesAPercentAxisAndBinLabels()
    {
        string city = Section(DriftReportHtml.ToHtml(SampleReports.Mixed(), Options), 3);

        Assert.Contains("<path class=\"r\" d=\"M", city, StringComparison.Ordinal);
        Assert.Contains("<path class=\"c\" d=\"M", city, StringComparison.Ordinal);
        Assert.Contains(">40%</text>", city, StringComparison.Ordinal);
        Assert.Contains(">0%</text>", city, StringComparison.Ordinal);
        Assert.Contains(">Berlin</text>", city, StringComparison.Ordinal);
        Assert.Contains(">(unseen)</text>", city, StringComparison.Ordinal);
        Assert.Contains("<i class=\"sw r\"></i>reference<i class=\"sw c\"></i>current", city, StringComparison.Ordinal);
        Assert.Contains("<tr><td>(unseen)</td><td>0%</td><td>12.5%</td></tr>", city, StringComparison.Ordinal);
        Assert.Contains("<code>&quot;&amp;&#39;&lt;&gt;</code> (10)", city, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ManyBinsWithLongLabels_RotatesAndThinsTheLabels()
    {
        string forty = Section(DriftReportHtml.ToHtml(SampleReports.Shapes(), Options), 2);

        Assert.Contains("<g class=\"xl\">", forty, StringComparison.Ordinal);
        Assert.Contains("rotate(-60)", forty, StringComparison.Ordinal);
        Assert.InRange(Count(forty, "rotate(-60)"), 10, 39);
        Assert.Contains(">product_category_00…</text>", forty, StringComparison.Ordinal);
        Assert.Contains("<td>product_category_39_with_a_long_name</td>", forty, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_HostileStrings_AreEscapedEverywhere()
    {
        string html = DriftReportHtml.ToHtml(SampleReports.Hostile(), Options);

        Assert.DoesNotContain(SampleReports.ScriptName, html, StringComparison.Ordinal);
        Assert.DoesNotContain(SampleReports.HostileCategory, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold", html, StringComparison.Ordinal);
        Assert.DoesNotContain("</style><script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("' onmouseover='", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&quot;&amp;&#39;&lt;&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(2)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; &#39;single&#39;", html, StringComparison.Ordinal);
        Assert.Equal(1, Count(html, "<script"));
        Assert.Equal(1, Count(html, "</script>"));
        Assert.Equal(1, Count(html, "<style"));
        Assert.Equal(1, Count(html, "</style>"));
    }

    [Fact]
    public void Write_ControlCharacters_AreReplaced()
    {
        DriftReport report = SampleReports.Mixed();
        report = report with { Columns = [report.Columns[0] with { Column = "a\u0000b\u001bc\u007fd" }, .. report.Columns.Skip(1)] };

        string html = DriftReportHtml.ToHtml(report);

        Assert.Contains("a\uFFFDb\uFFFDc\uFFFDd", html, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0000', html);
        Assert.DoesNotContain('\u001b', html);
    }

    [Theory]
    [InlineData("mixed")]
    [InlineData("hostile")]
    [InlineData("shapes")]
    [InlineData("empty")]
    public void Write_Page_IsSelfContained(string sample)
    {
        string html = DriftReportHtml.ToHtml(DriftReportJsonTests.Sample(sample), Options);

        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("xmlns", html, StringComparison.OrdinalIgnoreCase);
        // Every "<" of the report's text is escaped, so these are the page's own tags.
        string[] tags = Tag().Matches(html).Select(m => m.Value).ToArray();
        Assert.DoesNotContain(tags, t => SourceAttribute().IsMatch(t));
        Assert.All(tags.SelectMany(t => HrefAttribute().Matches(t)), m => Assert.StartsWith("#", m.Groups[1].Value, StringComparison.Ordinal));
        Assert.Matches("<script>[^\"]+</script>\n</body>", html);
    }

    [Fact]
    public void Write_ContentSecurityPolicy_ForbidsLoadingAndAllowsOnlyTheInlineScript()
    {
        string html = DriftReportHtml.ToHtml(SampleReports.Mixed(), Options);

        string csp = WebUtilityDecode(CspMeta().Match(html).Groups[1].Value);
        Assert.StartsWith("default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-", csp, StringComparison.Ordinal);
        Assert.Contains("base-uri 'none'; form-action 'none'", csp, StringComparison.Ordinal);
        string script = Regex.Match(html, "<script>(.+?)</script>", RegexOptions.Singleline).Groups[1].Value;
        string hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)));
        Assert.Contains($"script-src 'sha256-{hash}'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_GeneratedAtWithAnOffset_KeepsTheOffset()
    {
        string html = DriftReportHtml.ToHtml(SampleReports.Empty(), Options with { GeneratedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)) });

        Assert.Contains("<time datetime=\"2026-01-02T03:04:05+02:00\">2026-01-02 03:04:05 +02:00</time>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_SameReport_SameBytes_AndNoClockWithoutATimestamp()
    {
        string first = DriftReportHtml.ToHtml(SampleReports.Mixed());
        string second = DriftReportHtml.ToHtml(SampleReports.Mixed());

        Assert.Equal(first, second);
        Assert.DoesNotContain("Generated", first, StringComparison.Ordinal);
        Assert.Contains("<title>Drift report</title>", first, StringComparison.Ordinal);
        Assert.Contains("Reference: 10,000 rows · Current: 2,000 rows", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_TextWriter_EqualsToHtml()
    {
        using var writer = new StringWriter();

        DriftReportHtml.Write(SampleReports.Shapes(), writer, Options);

        Assert.Equal(DriftReportHtml.ToHtml(SampleReports.Shapes(), Options), writer.ToString());
    }

    [Fact]
    public void Write_Empty_SaysNoColumnGotAVerdict()
    {
        string html = DriftReportHtml.ToHtml(SampleReports.Empty());

        Assert.Contains("<p class=\"verdict\">Dataset drift: NO</p>", html, StringComparison.Ordinal);
        Assert.Contains("no column got a verdict (threshold 50%)", html, StringComparison.Ordinal);
        Assert.Contains("<tbody>\n</tbody>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_InconsistentHistogram_StillRenders()
    {
        // The reader rejects such a histogram, but a report made in code may carry one; the page shows what there is.
        DriftReport report = SampleReports.Mixed();
        var odd = new HistogramPair(["a", "b", "c"], null, [0.5, double.NaN], [1.0, 0, 0, 0.5]);
        report = report with { Columns = [report.Columns[0] with { Histogram = odd }, .. report.Columns.Skip(1)] };

        string html = DriftReportHtml.ToHtml(report);

        Assert.Contains("<tr><td>c</td><td>—</td><td>0%</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ThousandColumnsOfTwelveBins_StaysSmall()
    {
        DriftReport report = SampleReports.Wide(1000, 12);

        string html = DriftReportHtml.ToHtml(report, Options);

        int bytes = Encoding.UTF8.GetByteCount(html);
        output.WriteLine($"1,000 columns × 12 bins: {bytes:N0} bytes ({bytes / 1000:N0} bytes per column)");
        Assert.Equal(1000, Count(html, "<svg class=\"h\""));
        Assert.Contains("<a href=\"#c73\">feature_0072</a> and 309 more (see the table below)</p>", html, StringComparison.Ordinal);
        Assert.InRange(bytes, 1_000_000, 5_000_000);
    }

    [Theory]
    [InlineData(0.43, 0.2, 3)]
    [InlineData(1.0, 0.25, 4)]
    [InlineData(0.125, 0.05, 3)]
    [InlineData(0.06, 0.02, 3)]
    [InlineData(0.0, 0.25, 4)]
    [InlineData(0.2, 0.05, 4)]
    public void YTicks_AreRoundSteps(double max, double step, int ticks)
    {
        (double s, int t) = DriftReportHtml.YTicks(max);

        Assert.Equal(step, s, 12);
        Assert.Equal(ticks, t);
    }

    private static int Count(string text, string what) => Regex.Count(text, Regex.Escape(what));

    private static string ColumnTable(string html)
    {
        int start = html.IndexOf("<table id=\"cols\">", StringComparison.Ordinal);
        return html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    private static string Section(string html, int number)
    {
        int start = html.IndexOf($" id=\"c{number}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section c{number}");
        int end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    private static string WebUtilityDecode(string text) => System.Net.WebUtility.HtmlDecode(text);

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex("\\ssrc\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex SourceAttribute();

    [GeneratedRegex("\\shref\\s*=\\s*\"([^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HrefAttribute();

    [GeneratedRegex("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">")]
    private static partial Regex CspMeta();
}
