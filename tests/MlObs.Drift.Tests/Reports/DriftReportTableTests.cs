// DriftReportTable: the verdict and summary lines, aligned columns, compact numbers, truncation to the width, colour on demand.
using MlObs.Drift.Data;
using MlObs.Drift.Reports;

namespace MlObs.Drift.Tests.Reports;

public sealed class DriftReportTableTests
{
    [Fact]
    public void Write_Mixed_StartsWithTheVerdictAndSummary()
    {
        string[] lines = Lines(DriftReportTable.ToText(SampleReports.Mixed()));

        Assert.Equal("Dataset drift: YES — 2 of 4 columns drifted (50%, threshold 50%)", lines[0]);
        Assert.Equal("Drifted: age, city", lines[1]);
        Assert.Equal("Preset: mlobs · Mode: exact · Reference: 10,000 rows · Current: 2,000 rows · Correction: bonferroni", lines[2]);
        Assert.Equal("Schema: 1 missing column in the current data: zip", lines[3]);
        Assert.Equal("Schema: 1 new column (not compared): new_feature", lines[4]);
        Assert.Equal("Skipped: 4 columns without a verdict (see status)", lines[5]);
        Assert.Equal(string.Empty, lines[6]);
        Assert.StartsWith("column ", lines[7], StringComparison.Ordinal);
        Assert.Matches("^─+$", lines[8]);
        Assert.Equal(8 + 9, lines.Length); // one row per column, in reference order
    }

    [Fact]
    public void Write_Mixed_RowsHoldTheCompactNumbersInReferenceOrder()
    {
        string[] rows = Lines(DriftReportTable.ToText(SampleReports.Mixed(), width: 200))[9..];

        Assert.Equal(["age", "income", "city", "température_°C", "is_member", "zip", "signup", "score"], rows.Select(r => r.Split(' ')[0]));
        Assert.Matches(@"^age +numerical +ks +0\.2134 +1\.2e-45 +0\.05 +yes +0%→0\.75% +ok$", rows[0]);
        Assert.Matches(@"^income +numerical +wasserstein +0\.01831 +— +0\.1 +no +2%→0\.5% +ok$", rows[1]);
        Assert.Matches(@"^city +categorical +psi +∞ +— +0\.1 +yes +0%→0% +ok: the window has categories the reference never saw; PSI without zero fill is infinite$", rows[2]);
        Assert.Matches(@"^zip +categorical +— +— +— +— +— +0%→100% +missing_in_current: not in the current data$", rows[5]);
        Assert.Matches(@"^score +numerical +anderson +NaN +— +0\.05 +— +0%→0% +error: fewer than two distinct values$", rows[7]);
    }

    [Fact]
    public void Write_Columns_AreAligned_TextLeftNumbersRight()
    {
        string[] lines = Lines(DriftReportTable.ToText(SampleReports.Mixed()));
        string header = lines[7];
        string[] rows = lines[9..];
        int kind = header.IndexOf("kind", StringComparison.Ordinal);
        int statusStart = header.IndexOf("status", StringComparison.Ordinal);
        int pValueEnd = header.IndexOf("p-value", StringComparison.Ordinal) + "p-value".Length;
        int thresholdEnd = header.IndexOf("threshold", StringComparison.Ordinal) + "threshold".Length;

        foreach (string row in rows)
        {
            // Every name here is one cell per char, so string offsets are screen columns.
            Assert.NotEqual(' ', row[kind]);
            Assert.Equal(' ', row[kind - 1]);
            Assert.NotEqual(' ', row[statusStart]);
            Assert.Equal(' ', row[statusStart - 1]);
            Assert.NotEqual(' ', row[pValueEnd - 1]);
            Assert.Equal(' ', row[pValueEnd]);
            Assert.NotEqual(' ', row[thresholdEnd - 1]);
            Assert.Equal(' ', row[thresholdEnd]);
        }
        Assert.All(lines, l => Assert.False(l.EndsWith(' '), $"trailing space in '{l}'"));
    }

    [Fact]
    public void Write_WideCharacters_AlignByScreenCells()
    {
        DriftReport report = SampleReports.Mixed();
        report = report with { Columns = [report.Columns[0] with { Column = "東京の気温" }, .. report.Columns.Skip(1)] };

        string[] lines = Lines(DriftReportTable.ToText(report));

        int kindCell = TextWidth.Of(lines[7][..lines[7].IndexOf("kind", StringComparison.Ordinal)]);
        Assert.Equal(kindCell, TextWidth.Of(lines[9][..lines[9].IndexOf("numerical", StringComparison.Ordinal)]));
        Assert.Equal(kindCell, TextWidth.Of(lines[10][..lines[10].IndexOf("numerical", StringComparison.Ordinal)]));
        Assert.Equal(10, TextWidth.Of("東京の気温"));
    }

    [Theory]
    [InlineData(null, 120)]
    [InlineData(100, 100)]
    [InlineData(80, 80)]
    public void Write_LongNamesAndMessages_AreCutToTheWidth(int? width, int expected)
    {
        DriftReport report = SampleReports.Mixed();
        string longName = "a_very_long_feature_name_" + new string('x', 150);
        report = report with { Columns = [report.Columns[0] with { Column = longName }, .. report.Columns.Skip(1)] };

        string[] lines = Lines(DriftReportTable.ToText(report, width: width));

        Assert.All(lines, l => Assert.True(TextWidth.Of(l) <= expected, $"{TextWidth.Of(l)} cells: '{l}'"));
        Assert.Contains(lines, l => l.StartsWith("a_very_l", StringComparison.Ordinal) && l.Contains('…', StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("city", StringComparison.Ordinal) && l.EndsWith('…'));
    }

    [Fact]
    public void Write_Narrow_LeavesOutKindAndThreshold_AndWrapsTheSummary()
    {
        string[] lines = Lines(DriftReportTable.ToText(SampleReports.Mixed(), width: 80));

        Assert.Equal("Preset: mlobs · Mode: exact · Reference: 10,000 rows · Current: 2,000 rows", lines[2]);
        Assert.Equal("Correction: bonferroni", lines[3]);
        string header = lines.Single(l => l.StartsWith("column", StringComparison.Ordinal));
        Assert.Matches("^column +method +statistic +p-value +drift +missing +status$", header);
        Assert.All(lines, l => Assert.True(TextWidth.Of(l) <= 80, $"{TextWidth.Of(l)} cells: '{l}'"));
    }

    [Fact]
    public void Write_ManyDriftedColumns_ListsWhatFitsAndCountsTheRest()
    {
        DriftReport report = SampleReports.Wide(300, 4);

        string[] lines = Lines(DriftReportTable.ToText(report, width: 80));

        Assert.Equal("Dataset drift: NO — 100 of 300 columns drifted (33.3%, threshold 50%)", lines[0]);
        Assert.StartsWith("Drifted: feature_0000, feature_0003, ", lines[1], StringComparison.Ordinal);
        Assert.Matches(@", … \(\+9\d more\)$", lines[1]);
        Assert.True(TextWidth.Of(lines[1]) <= 80);
    }

    [Fact]
    public void Write_WithoutColor_HasNoEscapeSequences_WithColor_PaintsDriftAndStatuses()
    {
        string plain = DriftReportTable.ToText(SampleReports.Mixed(), color: false, width: 200);
        string colored = DriftReportTable.ToText(SampleReports.Mixed(), color: true, width: 200);

        Assert.DoesNotContain('\u001b', plain);
        Assert.Contains("Dataset drift: \u001b[1m\u001b[31mYES\u001b[0m — 2 of 4", colored, StringComparison.Ordinal);
        Assert.Contains("\u001b[31mage\u001b[0m", colored, StringComparison.Ordinal);
        Assert.Contains("\u001b[31myes\u001b[0m", colored, StringComparison.Ordinal);
        Assert.Contains("\u001b[33mmissing_in_current: not in the current data\u001b[0m", colored, StringComparison.Ordinal);
        Assert.Equal(Lines(plain), Lines(StripAnsi(colored)));
    }

    [Fact]
    public void Write_NoDrift_VerdictIsGreenNo()
    {
        DriftReport report = SampleReports.Shapes();

        string colored = DriftReportTable.ToText(report, color: true);

        Assert.StartsWith("Dataset drift: \u001b[1m\u001b[32mNO\u001b[0m — 1 of 3 columns drifted (33.3%, threshold 50%)", colored, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ControlCharactersInNames_CannotMoveTheCursorOrBreakLines()
    {
        DriftReport report = SampleReports.Mixed();
        report = report with { Columns = [report.Columns[0] with { Column = "evil\u001b[2J\nname\r" }, .. report.Columns.Skip(1)] };

        string text = DriftReportTable.ToText(report);

        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\r', text);
        Assert.Equal(Lines(DriftReportTable.ToText(SampleReports.Mixed())).Length, Lines(text).Length);
        Assert.Contains("evil\uFFFD[2J name ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Empty_SaysNoColumnGotAVerdict()
    {
        string[] lines = Lines(DriftReportTable.ToText(SampleReports.Empty()));

        Assert.Equal("Dataset drift: NO — no column got a verdict (threshold 50%)", lines[0]);
        Assert.Equal("Preset: mlobs · Mode: exact · Reference: 0 rows · Current: 0 rows · Correction: none", lines[1]);
        Assert.Equal("Schema: unchanged", lines[2]);
        Assert.StartsWith("column", lines[4], StringComparison.Ordinal);
        Assert.Equal(6, lines.Length);
    }

    [Fact]
    public void Write_TextWriter_EqualsToText()
    {
        using var writer = new StringWriter();

        DriftReportTable.Write(SampleReports.Mixed(), writer, color: true, width: 90);

        Assert.Equal(DriftReportTable.ToText(SampleReports.Mixed(), color: true, width: 90), writer.ToString());
        Assert.EndsWith("\n", writer.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.21337, "0.2134")]
    [InlineData(1.2e-45, "1.2e-45")]
    [InlineData(3.0e-46, "3e-46")]
    [InlineData(0.00001234, "1.234e-5")]
    [InlineData(0.0001234, "0.0001234")]
    [InlineData(0.05, "0.05")]
    [InlineData(1.0, "1")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(1234.56, "1235")]
    [InlineData(9999.7, "1e4")]
    [InlineData(12345.6, "1.235e4")]
    [InlineData(512.5, "512.5")]
    [InlineData(0.0, "0")]
    [InlineData(double.PositiveInfinity, "∞")]
    [InlineData(double.NegativeInfinity, "-∞")]
    [InlineData(double.NaN, "NaN")]
    public void Number_IsCompact(double value, string expected)
    {
        Assert.Equal(expected, ReportFormat.Number(value));
    }

    [Theory]
    [InlineData(0.0, "0%")]
    [InlineData(0.5, "50%")]
    [InlineData(0.015, "1.5%")]
    [InlineData(0.0075, "0.75%")]
    [InlineData(1.0 / 3, "33.3%")]
    [InlineData(2.0 / 3, "66.7%")]
    [InlineData(0.99999, "100%")]
    [InlineData(0.000123, "0.0123%")]
    [InlineData(0.00000001, "<0.01%")]
    [InlineData(1.0, "100%")]
    public void Percent_HasAtMostThreeSignificantDigits(double share, string expected)
    {
        Assert.Equal(expected, ReportFormat.Percent(share));
    }

    private static string[] Lines(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return text[..^1].Split('\n');
    }

    private static string StripAnsi(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\u001b\\[[0-9;]*m", string.Empty);
}
