using MlObs.KubeflowExporter.Configuration;
using MlObs.KubeflowExporter.Logs;
using MlObs.KubeflowExporter.Metrics;
using MlObs.KubeflowExporter.Testing;
using Serilog;
using static MlObs.KubeflowExporter.Testing.KubeflowObjects;

namespace MlObs.KubeflowExporter.Tests;

/// <summary>Logs of inference pods followed through the fake API server and pushed to a fake Loki that validates the push API.</summary>
public sealed class LogStreamingTests
{
    private const string KServePodName = "sklearn-iris-predictor-00001-deployment-7d9c8b6f5-x2k4q";

    private static Func<ExporterConfig, ExporterConfig> WithLoki(FakeLoki loki) => c => c with
    {
        Inference = c.Inference with { Enabled = false },
        Logs = new LogSettings
        {
            Enabled = true,
            LokiUrl = loki.PushUrl,
            BatchWait = TimeSpan.FromMilliseconds(100),
            RetryBackoff = TimeSpan.FromMilliseconds(20),
            Labels = new Dictionary<string, string> { ["juju_model"] = "kubeflow" },
        },
    };

    private static async Task<ExporterFixture> StartAsync(FakeLoki loki) =>
        await ExporterFixture.StartAsync(api => api.Apply(Paths.Pods, KServePod("sklearn-iris", KServePodName, 9088)), WithLoki(loki));

    [Fact]
    public async Task Follow_TwoContainers_PushesEachLineWithNamespacePodAndContainerLabels()
    {
        await using FakeLoki loki = await FakeLoki.StartAsync();
        await using ExporterFixture f = await StartAsync(loki);
        await WatchTests.WaitAsync(() => f.Exporter.Logs!.Streams.Count == 2, "both containers followed");
        var at = new DateTimeOffset(2026, 11, 27, 22, 0, 5, TimeSpan.Zero).AddTicks(1234567);

        f.Api.AppendLog(UserNamespace, KServePodName, "kserve-container", "INFO:     10.1.64.1:0 - \"POST /v1/models/sklearn-iris:predict HTTP/1.1\" 200 OK", at);
        f.Api.AppendLog(UserNamespace, KServePodName, "queue-proxy", "{\"severity\":\"ERROR\",\"message\":\"error reverse proxying request\"}", at.AddSeconds(1));
        f.Api.AppendLog(UserNamespace, KServePodName, "kserve-container", "second line with \"quotes\" and ünïcode", at.AddSeconds(2));
        await WatchTests.WaitAsync(() => loki.Lines.Count == 3, "three lines in Loki");

        Assert.Empty(loki.Errors);
        ReceivedLine first = loki.Lines.First(l => l.Labels["container"] == "kserve-container");
        Assert.Equal(UserNamespace, first.Labels["namespace"]);
        Assert.Equal(KServePodName, first.Labels["pod"]);
        Assert.Equal("kubeflow", first.Labels["juju_model"]);
        Assert.Equal((at.ToUnixTimeSeconds() * 1_000_000_000L) + 123_456_700L, first.UnixNanos);
        Assert.Contains(loki.Lines, l => l.Labels["container"] == "queue-proxy" && l.Line.Contains("error reverse proxying", StringComparison.Ordinal));
        Assert.Contains(loki.Lines, l => l.Line == "second line with \"quotes\" and ünïcode");
    }

    [Fact]
    public async Task Push_LokiFailsTwice_RetriesAndDelivers()
    {
        await using FakeLoki loki = await FakeLoki.StartAsync();
        await using ExporterFixture f = await StartAsync(loki);
        await WatchTests.WaitAsync(() => f.Exporter.Logs!.Streams.Count == 2, "both containers followed");
        loki.FailNext(2, 503);

        f.Api.AppendLog(UserNamespace, KServePodName, "kserve-container", "survives two failures", DateTimeOffset.UtcNow);
        await WatchTests.WaitAsync(() => loki.Lines.Count == 1, "the line in Loki");

        Scrape m = await f.MetricsAsync();
        Assert.Equal(2, m.Value("kubeflow_log_pushes_total", ("result", "retry")));
        Assert.Equal(1, m.Value("kubeflow_log_pushes_total", ("result", "success")));
        Assert.Equal(0, m.Value("kubeflow_log_lines_dropped_total", ("reason", "retries_exhausted")));
    }

    [Fact]
    public async Task Push_LokiRefusesTheBatch_DropsAndCountsItWithoutRetrying()
    {
        await using FakeLoki loki = await FakeLoki.StartAsync();
        await using ExporterFixture f = await StartAsync(loki);
        await WatchTests.WaitAsync(() => f.Exporter.Logs!.Streams.Count == 2, "both containers followed");
        loki.FailNext(1, 400);

        f.Api.AppendLog(UserNamespace, KServePodName, "kserve-container", "refused", DateTimeOffset.UtcNow);
        Scrape m = await f.MetricsWhenAsync(s => s.Value("kubeflow_log_lines_dropped_total", ("reason", "rejected")) == 1, "the refused line counted");

        Assert.Equal(1, loki.Pushes);
        Assert.Equal(0, m.Value("kubeflow_log_pushes_total", ("result", "retry")));
    }

    [Fact]
    public async Task Buffer_LokiDownAndBufferFull_DropsTheOldestAndCountsThem()
    {
        await using FakeLoki loki = await FakeLoki.StartAsync();
        var metrics = new ExporterMetrics();
        var settings = new LogSettings { Enabled = true, LokiUrl = loki.PushUrl, BufferMaxLines = 5, BatchMaxLines = 100, BatchWait = TimeSpan.FromMilliseconds(10) };
        using var pusher = new LokiPusher(settings, metrics, new LoggerConfiguration().CreateLogger(), TimeProvider.System);
        var key = new LogStreamKey("ns", "pod", "c");

        for (int i = 1; i <= 8; i++)
            pusher.Add(new LogLine(key, i, $"line {i}"));
        using var cts = new CancellationTokenSource();
        Task run = pusher.RunAsync(cts.Token);
        await WatchTests.WaitAsync(() => loki.Lines.Count == 5, "the buffered lines in Loki");
        await cts.CancelAsync();
        await run;

        Assert.Equal(["line 4", "line 5", "line 6", "line 7", "line 8"], loki.Lines.Select(l => l.Line));
        using var text = new MemoryStream();
        await metrics.WriteAsync(text, CancellationToken.None);
        Scrape m = new(Inference.Exposition.Parse(System.Text.Encoding.UTF8.GetString(text.ToArray())));
        Assert.Equal(3, m.Value("kubeflow_log_lines_dropped_total", ("reason", "buffer_full")));
    }

    [Fact]
    public void Serialize_Batch_GroupsLinesByContainerAsThePushApiWants()
    {
        LogLine[] batch =
        [
            new(new LogStreamKey("ns", "p", "a"), 1_700_000_000_000_000_001, "one"),
            new(new LogStreamKey("ns", "p", "b"), 1_700_000_000_000_000_002, "two"),
            new(new LogStreamKey("ns", "p", "a"), 1_700_000_000_000_000_003, "three"),
        ];

        string json = System.Text.Encoding.UTF8.GetString(LokiPusher.Serialize(batch, new Dictionary<string, string> { ["pod"] = "ignored", ["job"] = "kubeflow" }));

        Assert.Equal("""{"streams":[{"stream":{"job":"kubeflow","namespace":"ns","pod":"p","container":"a"},"values":[["1700000000000000001","one"],["1700000000000000003","three"]]},{"stream":{"job":"kubeflow","namespace":"ns","pod":"p","container":"b"},"values":[["1700000000000000002","two"]]}]}""", json);
    }

    [Theory]
    [InlineData("2026-11-27T22:00:05.123456789Z hello world", 1_795_816_805_123_456_789L, "hello world")]
    [InlineData("2026-11-27T22:00:05Z x", 1_795_816_805_000_000_000L, "x")]
    [InlineData("2026-11-27T22:00:05.5Z ", 1_795_816_805_500_000_000L, "")]
    public void TrySplit_KubernetesTimestamps_KeepsNanoseconds(string line, long nanos, string text)
    {
        Assert.True(KubeTimestamps.TrySplit(line, out long actual, out string rest));
        Assert.Equal(nanos, actual);
        Assert.Equal(text, rest);
    }

    [Theory]
    [InlineData("no timestamp here")]
    [InlineData("2026-13-45T99:00:05Z bad date")]
    [InlineData("2026-11-27T22:00:05.1234567890Z ten digits")]
    public void TrySplit_NoTimestamp_ReturnsFalse(string line) => Assert.False(KubeTimestamps.TrySplit(line, out _, out _));
}
