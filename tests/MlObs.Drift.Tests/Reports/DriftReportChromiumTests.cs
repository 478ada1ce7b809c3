// The HTML report in a real browser: headless Chromium loads it, renders the summary and the charts, and requests nothing.
// Skipped (with the reason) where no chromium binary is installed; .ci/run installs Debian's chromium.
using MlObs.Drift.Reports;

namespace MlObs.Drift.Tests.Reports;

public sealed class DriftReportChromiumTests
{
    private const string NoChromium =
        "No chromium binary on PATH (or at $MLOBS_CHROMIUM): install Debian's chromium (apt-get install chromium) to render the HTML report in a browser.";

    private static readonly string OutputDirectory = Path.Combine(AppContext.BaseDirectory, "chromium");

    [SkippableFact]
    public void Html_DumpDom_ShowsSummaryTableAndCharts()
    {
        string chromium = RequireChromium();
        string file = WriteHtml("mixed.html", DriftReportHtml.ToHtml(SampleReports.Mixed(), Options()));

        ChromiumRun run = HeadlessChromium.Run(chromium, file, "--dump-dom");

        Assert.True(run.ExitCode == 0, $"chromium exited with {run.ExitCode}: {run.StandardError}");
        Assert.Contains("Dataset drift: YES", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("2 of 4 columns drifted (50%, threshold 50%)", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"h\"", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("<table id=\"cols\">", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("température_°C", run.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Html_Load_RequestsNothingFromTheNetwork()
    {
        string chromium = RequireChromium();
        string file = WriteHtml("mixed-net.html", DriftReportHtml.ToHtml(SampleReports.Mixed(), Options()));

        ChromiumRun run = HeadlessChromium.Run(chromium, file, "--dump-dom");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.PageRequests);
    }

    [SkippableFact]
    public void NetLogCheck_PageWithRemoteImage_SeesTheRequest()
    {
        // The control for the test above: a page that does reach out is caught (the host resolver rules keep the request
        // from leaving the machine, and .invalid never resolves anyway).
        string chromium = RequireChromium();
        string file = WriteHtml("remote-image.html",
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body><img src=\"http://mlobs.invalid/x.png\" alt=\"x\"></body></html>");

        ChromiumRun run = HeadlessChromium.Run(chromium, file, "--dump-dom");

        Assert.Contains("http://mlobs.invalid/x.png", run.PageRequests);
    }

    [SkippableFact]
    public void Html_WithAnInjectedRemoteImage_ContentSecurityPolicyBlocksIt()
    {
        // Were a remote reference ever to slip into the page, its Content-Security-Policy (default-src 'none') would stop it.
        string chromium = RequireChromium();
        string html = DriftReportHtml.ToHtml(SampleReports.Mixed(), Options())
            .Replace("</body>", "<img src=\"http://mlobs.invalid/y.png\" alt=\"y\"></body>", StringComparison.Ordinal);
        string file = WriteHtml("injected-image.html", html);

        ChromiumRun run = HeadlessChromium.Run(chromium, file, "--dump-dom");

        Assert.Contains("mlobs.invalid/y.png", run.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(run.PageRequests);
    }

    [SkippableFact]
    public void Html_SortScript_SortsTheColumnTableByPValue()
    {
        // A test script clicks the p-value header twice; the page's policy would refuse it, so this copy goes without.
        string chromium = RequireChromium();
        string html = System.Text.RegularExpressions.Regex.Replace(
            DriftReportHtml.ToHtml(SampleReports.Mixed(), Options()), "<meta http-equiv=\"Content-Security-Policy\"[^>]*>\n", string.Empty);
        string file = WriteHtml("sort.html", html.Replace(
            "</body>",
            "<script>var th=document.querySelectorAll('#cols th')[4];th.click();document.body.dataset.ascending=" +
            "Array.from(document.querySelectorAll('#cols tbody tr')).map(function(r){return r.cells[0].textContent}).join('|');" +
            "th.click();document.body.dataset.descending=" +
            "Array.from(document.querySelectorAll('#cols tbody tr')).map(function(r){return r.cells[0].textContent}).join('|');</script></body>",
            StringComparison.Ordinal));

        ChromiumRun run = HeadlessChromium.Run(chromium, file, "--dump-dom");

        // Numbers ascending, then the columns without a p-value in their original order (the sort is stable); then reversed.
        Assert.Contains("data-ascending=\"age|température_°C|income|city|is_member|zip|signup|score\"", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("data-descending=\"income|city|is_member|zip|signup|score|température_°C|age\"", run.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Html_Screenshot_IsWritten()
    {
        // The screenshots stay in the test output folder (bin/…/chromium/) for a person to look at.
        string chromium = RequireChromium();
        foreach ((string name, DriftReport report) in new[]
        {
            ("mixed", SampleReports.Mixed()),
            ("hostile", SampleReports.Hostile()),
            ("shapes", SampleReports.Shapes()),
        })
        {
            string file = WriteHtml(name + "-shot.html", DriftReportHtml.ToHtml(report, Options()));
            string png = Path.Combine(OutputDirectory, name + ".png");
            File.Delete(png);

            ChromiumRun run = HeadlessChromium.Run(chromium, file, $"--screenshot={png}", "--window-size=1280,2400");

            Assert.True(run.ExitCode == 0, $"chromium exited with {run.ExitCode}: {run.StandardError}");
            Assert.True(new FileInfo(png).Length > 10_000, "the screenshot is suspiciously small");
            Assert.Empty(run.PageRequests);
        }
    }

    private static string RequireChromium()
    {
        string? chromium = HeadlessChromium.Find();
        Skip.If(chromium is null, NoChromium);
        return chromium!;
    }

    private static HtmlReportOptions Options() => new()
    {
        Title = "Drift report: sample",
        ReferenceName = "train.parquet",
        CurrentName = "last_week.csv",
        GeneratedAt = new DateTimeOffset(2026, 11, 27, 13, 5, 0, TimeSpan.Zero),
    };

    private static string WriteHtml(string name, string html)
    {
        Directory.CreateDirectory(OutputDirectory);
        string path = Path.Combine(OutputDirectory, name);
        File.WriteAllText(path, html);
        return path;
    }
}
