using MlObs.KubeflowExporter.Inference;
using MlObs.KubeflowExporter.Testing;

namespace MlObs.KubeflowExporter.Tests;

public sealed class ExpositionTests
{
    [Fact]
    public void Parse_KServeAggregatedMetrics_GroupsHistogramSamplesUnderTheirFamily()
    {
        IReadOnlyList<MetricFamily> families = Exposition.Parse(KubeflowObjects.Text("kserve-aggregated-metrics.txt"));

        MetricFamily predict = families.Single(f => f.Name == "request_predict_seconds");
        Assert.Equal("histogram", predict.Type);
        Assert.Equal("predict latency", predict.Help);
        Assert.Equal(8, predict.Samples.Count);
        Assert.Equal(61, predict.Samples.Single(s => s.Name == "request_predict_seconds_count").Value);
        Assert.Contains(families, f => f.Name == "revision_queue_depth" && f.Type == "gauge");
    }

    [Fact]
    public void Parse_EscapesTimestampsAndSpecialValues_ReadsThemExactly()
    {
        const string text = "# HELP x_total A \\\\ help\\nline\n# TYPE x_total counter\n"
            + "x_total{path=\"a\\\"b\\\\c\\nd\", code = \"200\" ,} +Inf 1700000000000\n"
            + "# a plain comment\nno_type{} NaN\nneg -1.5e-3\n";

        IReadOnlyList<MetricFamily> families = Exposition.Parse(text);

        MetricSample x = families.Single(f => f.Name == "x_total").Samples.Single();
        Assert.Equal("a\"b\\c\nd", x.Labels[0].Value);
        Assert.Equal("200", x.Labels[1].Value);
        Assert.Equal(double.PositiveInfinity, x.Value);
        Assert.Equal("A \\ help\nline", families[0].Help);
        Assert.True(double.IsNaN(families.Single(f => f.Name == "no_type").Samples[0].Value));
        Assert.Equal("untyped", families.Single(f => f.Name == "neg").Type);
        Assert.Equal(-0.0015, families.Single(f => f.Name == "neg").Samples[0].Value);
    }

    [Fact]
    public void Parse_Summary_KeepsQuantilesSumAndCount()
    {
        const string text = "# TYPE rpc_seconds summary\nrpc_seconds{quantile=\"0.5\"} 0.2\nrpc_seconds_sum 10\nrpc_seconds_count 40\n";

        MetricFamily summary = Assert.Single(Exposition.Parse(text));

        Assert.Equal(3, summary.Samples.Count);
    }

    [Theory]
    [InlineData("a{b=\"c\" 1\n", 1, "expected ',' or '}'")]
    [InlineData("ok 1\nbad{x=\"y\"}\n", 2, "no blank before the value")]
    [InlineData("ok 1\n\nm{1x=\"y\"} 2\n", 3, "bad label name")]
    [InlineData("m{x=\"\\q\"} 2\n", 1, "bad escape")]
    [InlineData("m{x=\"1\",x=\"2\"} 2\n", 1, "label x twice")]
    [InlineData("m 1 notatime\n", 1, "not a timestamp")]
    [InlineData("m one\n", 1, "not a value")]
    [InlineData("# TYPE h histogram\nh 1\n", 2, "without _bucket")]
    [InlineData("# TYPE h histogram\nh_bucket 1\n", 2, "no le label")]
    [InlineData("# TYPE m widget\n", 1, "not a metric type")]
    [InlineData("m 1\n# TYPE m gauge\n", 2, "after its samples")]
    public void Parse_MalformedLine_NamesTheLine(string text, int line, string message)
    {
        ExpositionFormatException e = Assert.Throws<ExpositionFormatException>(() => Exposition.Parse(text));

        Assert.StartsWith($"line {line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
