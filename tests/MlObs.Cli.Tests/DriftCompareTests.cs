using System.Globalization;
using System.Text;
using MlObs.Drift.Reports;
using Parquet;
using Parquet.Schema;

namespace MlObs.Cli.Tests;

/// <summary><c>mlobs drift compare</c> and <c>mlobs drift profile</c> as a data scientist runs them.</summary>
public sealed class DriftCompareTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A CSV with a numeric, a categorical, a boolean and a datetime column; <paramref name="shift"/> moves them.</summary>
    private string Csv(string name, int rows, double shift, int seed, bool dropScore = false, bool extra = false)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        text.Append("age,city,member,signup").Append(dropScore ? "" : ",score").Append(extra ? ",new_col" : "").Append('\n');
        string[] cities = shift > 0 ? ["paris", "lyon", "nice", "brest"] : ["paris", "lyon", "nice"];
        for (int i = 0; i < rows; i++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            text.Append(CultureInfo.InvariantCulture, $"{40 + 10 * shift + 10 * z:0.00},{cities[random.Next(cities.Length)]},")
                .Append(random.Next(2) == 0 ? "true" : "false").Append(',')
                .Append(CultureInfo.InvariantCulture, $"2026-{1 + random.Next(9):00}-{1 + random.Next(28):00}T10:00:00Z");
            if (!dropScore)
                text.Append(',').Append(random.NextDouble() < 0.1 ? "" : random.NextDouble().ToString("0.000", CultureInfo.InvariantCulture));
            if (extra)
                text.Append(",x");
            text.Append('\n');
        }
        return _dir.Write(name, text.ToString());
    }

    [Fact]
    public async Task SameDistribution_Json_ExitsZero_WithTheDocumentedObject()
    {
        string reference = Csv("ref.csv", 4000, 0, 1), current = Csv("cur.csv", 1500, 0, 2);
        Mlobs.Result r = await Mlobs.RunAsync("drift", "compare", "--reference", reference, "--current", current, "--format", "json");
        Assert.True(r.ExitCode == 0, r.Describe());
        DriftReport report = DriftReportJson.Read(r.Stdout);
        Assert.False(report.Dataset.Drift);
        Assert.Equal("mlobs", report.Preset);
        Assert.Equal("exact", report.Mode);
        Assert.Equal((4000L, 1500L), (report.ReferenceRows, report.CurrentRows));
        Assert.Equal(["age", "city", "member", "signup", "score"], report.Columns.Select(c => c.Column));
        Assert.Equal(["numerical", "categorical", "boolean", "datetime", "numerical"],
            report.Columns.Select(c => MlObs.Drift.Data.ColumnKinds.Name(c.Kind)));
        Assert.All(report.Columns, c => Assert.Equal(ColumnStatus.Ok, c.Status));
        Assert.InRange(report.Columns[4].MissingReference, 0.08, 0.12);
    }

    [Fact]
    public async Task Drift_Table_ExitsOne_AndReportsSchemaChanges()
    {
        string reference = Csv("ref.csv", 4000, 0, 1), current = Csv("cur.csv", 1500, 0.8, 3, dropScore: true, extra: true);
        Mlobs.Result r = await Mlobs.RunAsync("drift", "compare", "-r", reference, "-c", current, "--format", "table");
        Assert.True(r.ExitCode == 1, r.Describe());
        Assert.StartsWith("Dataset drift: YES", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("score", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("new_col", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("missing_in_current", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_IsWrittenToTheOutputFile()
    {
        string reference = Csv("ref.csv", 2000, 0, 1), current = Csv("cur.csv", 800, 0.8, 3);
        string html = _dir.File("report.html");
        Mlobs.Result r = await Mlobs.RunAsync("drift", "compare", "-r", reference, "-c", current, "-f", "html", "-o", html,
            "--drift-share", "0.3");
        Assert.True(r.ExitCode == 1, r.Describe());
        Assert.Equal("", r.Stdout);
        string page = await File.ReadAllTextAsync(html);
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<svg", page, StringComparison.Ordinal);
        Assert.Contains("ref.csv", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvidentlyPreset_MethodAndThresholdOverrides_Streaming()
    {
        string reference = Csv("ref.csv", 3000, 0, 1), current = Csv("cur.csv", 1000, 0.1, 4);
        Mlobs.Result r = await Mlobs.RunAsync("drift", "compare", "-r", reference, "-c", current, "-f", "json",
            "--preset", "evidently", "--mode", "streaming", "--method", "age=psi", "--threshold", "age=0.5",
            "--method", "city=chisquare", "--columns", "age,city", "--correction", "bonferroni");
        Assert.True(r.ExitCode is 0 or 1, r.Describe());
        DriftReport report = DriftReportJson.Read(r.Stdout);
        Assert.Equal("streaming", report.Mode);
        Assert.Equal("evidently", report.Preset);
        Assert.Equal(["age", "city"], report.Columns.Select(c => c.Column));
        Assert.Equal(("psi", 0.5, "override"), (report.Columns[0].Method, report.Columns[0].Threshold!.Value, report.Columns[0].ThresholdSource));
        Assert.Equal("chisquare", report.Columns[1].Method);
        Assert.NotNull(report.Columns[1].PValueRaw);
        Assert.Equal("bonferroni", report.Dataset.Correction);
    }

    [Fact]
    public async Task Parquet_ReferenceAndCurrent()
    {
        string reference = await ParquetAsync("ref.parquet", 2000, 0, 1);
        string current = await ParquetAsync("cur.parquet", 700, 1.0, 2);
        Mlobs.Result r = await Mlobs.RunAsync("drift", "compare", "-r", reference, "-c", current, "-f", "json");
        Assert.True(r.ExitCode == 1, r.Describe());
        DriftReport report = DriftReportJson.Read(r.Stdout);
        Assert.Equal(["x", "label"], report.Columns.Select(c => c.Column));
        Assert.True(report.Columns[0].Drift);
    }

    [Fact]
    public async Task SavedProfile_GivesTheSameReportAsTheCsv()
    {
        string reference = Csv("ref.csv", 3000, 0, 1), current = Csv("cur.csv", 1000, 0.3, 5);
        string profile = _dir.File("ref.profile.json");
        Mlobs.Result fit = await Mlobs.RunAsync("drift", "profile", "-r", reference, "-o", profile, "--mode", "streaming");
        Assert.True(fit.ExitCode == 0, fit.Describe());
        Assert.Contains("5 columns, 3000 rows, streaming mode", fit.Stderr, StringComparison.Ordinal);
        Mlobs.Result fromProfile = await Mlobs.RunAsync("drift", "compare", "-r", profile, "-c", current, "-f", "json");
        Mlobs.Result fromCsv = await Mlobs.RunAsync("drift", "compare", "-r", reference, "-c", current, "-f", "json", "--mode", "streaming");
        Assert.Equal(fromCsv.Stdout, fromProfile.Stdout);
        Assert.Equal(fromCsv.ExitCode, fromProfile.ExitCode);
    }

    [Theory]
    [InlineData("--method", "nope=ks", "Column 'nope' is not in the reference")]
    [InlineData("--method", "city=ks", "does not apply to column 'city'")]
    [InlineData("--method", "age=bogus", "unknown method 'bogus'")]
    [InlineData("--threshold", "age=-1", "--threshold age=-1")]
    [InlineData("--format", "pdf", "--format pdf")]
    [InlineData("--preset", "nannyml", "--preset nannyml")]
    [InlineData("--kind", "age=text", "--kind age=text")]
    [InlineData("--mode", "fast", "--mode fast")]
    public async Task UsageErrors_ExitTwo_WithOneLineNamingTheProblem(string option, string value, string expected)
    {
        string reference = Csv("ref.csv", 300, 0, 1), current = Csv("cur.csv", 100, 0, 2);
        Mlobs.Result r = await Mlobs.RunAsync("drift", "compare", "-r", reference, "-c", current, option, value);
        Assert.True(r.ExitCode == 2, r.Describe());
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.TrimEnd().Split('\n'));
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public async Task InputErrors_NameTheFileAndLine()
    {
        string reference = Csv("ref.csv", 300, 0, 1);
        string ragged = _dir.Write("ragged.csv", "age,city,member,signup,score\n41,paris,true,2026-01-01,0.5\n42,lyon\n");
        Mlobs.Result r = await Mlobs.RunAsync("drift", "compare", "-r", reference, "-c", ragged);
        Assert.True(r.ExitCode == 2, r.Describe());
        Assert.Contains("ragged.csv", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 3", r.Stderr, StringComparison.Ordinal);
        Mlobs.Result missing = await Mlobs.RunAsync("drift", "compare", "-r", reference, "-c", _dir.File("nope.csv"));
        Assert.True(missing.ExitCode == 2, missing.Describe());
        Assert.Contains("--current", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("nope.csv", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyColumnInTheWindow_NeverFailsTheRun()
    {
        string reference = Csv("ref.csv", 1000, 0, 1);
        string current = _dir.Write("cur.csv", "age,city,member,signup,score\n" + string.Concat(Enumerable.Repeat("41,paris,true,2026-01-01,\n", 50)));
        Mlobs.Result r = await Mlobs.RunAsync("drift", "compare", "-r", reference, "-c", current, "-f", "json");
        Assert.True(r.ExitCode is 0 or 1, r.Describe());
        DriftReport report = DriftReportJson.Read(r.Stdout);
        Assert.Equal(ColumnStatus.InsufficientData, report.Columns.Single(c => c.Column == "score").Status);
    }

    [Fact]
    public async Task Help_DescribesExitCodesAndMethods()
    {
        Mlobs.Result r = await Mlobs.RunAsync("drift", "compare", "--help");
        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Contains("0 no dataset drift, 1 dataset drift, 2 usage or input error", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("cramer_von_mises", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("--preset", r.Stdout, StringComparison.Ordinal);
    }

    private async Task<string> ParquetAsync(string name, int rows, double shift, int seed)
    {
        var random = new Random(seed);
        var x = new DataField<double>("x");
        var label = new DataField<string>("label");
        string path = _dir.File(name);
        await using FileStream file = File.Create(path);
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(x, label), file);
        using ParquetRowGroupWriter group = writer.CreateRowGroup();
        await group.WriteAsync<double>(x, Enumerable.Range(0, rows).Select(_ => shift + random.NextDouble()).ToArray());
        await group.WriteAsync(label, Enumerable.Range(0, rows).Select(i => "k" + (i % 3)).ToArray());
        return path;
    }
}
