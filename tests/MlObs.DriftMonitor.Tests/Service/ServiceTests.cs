using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace MlObs.DriftMonitor.Tests.Service;

/// <summary>The drift monitor over real HTTP on 127.0.0.1: references, each payload format, joining, reports, metrics, refusals.</summary>
public sealed class ServiceTests
{
    private const string Config = """
        defaults:
          window: {kind: sliding, records: 1000, panes: 4}
          evaluate: {every_seconds: 3600, min_records: 1}
        models:
          iris:
            inputs: [sepal_length, sepal_width, petal_length, petal_width]
            outputs: [prediction]
        """;

    private static string Rows(int count, double shift, int seed = 7)
    {
        var random = new Random(seed);
        var json = new StringBuilder("[");
        for (int i = 0; i < count; i++)
        {
            int species = i % 3;
            if (i > 0)
                json.Append(',');
            json.Append(CultureInfo.InvariantCulture,
                $"{{\"sepal_length\":{5 + species * 0.6 + random.NextDouble() + shift:F3},\"sepal_width\":{3 + random.NextDouble() * 0.5:F3},\"petal_length\":{1.5 + species * 2 + random.NextDouble() + shift:F3},\"petal_width\":{0.2 + species * 0.8 + random.NextDouble() * 0.3:F3},\"prediction\":{species}}}");
        }
        return json.Append(']').ToString();
    }

    [Fact]
    public async Task Reference_UploadedAsCsv_IsFittedPersistedAndSummarised()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config);
        using HttpResponseMessage put = await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv());
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        JsonElement summary = await m.GetJsonAsync("/v1/models/iris/reference");
        Assert.Equal(300, summary.GetProperty("rows").GetInt64());
        Assert.Equal(5, summary.GetProperty("features").GetArrayLength());
        Assert.Equal("numerical", summary.GetProperty("features")[0].GetProperty("kind").GetString());
        Assert.True(File.Exists(Path.Combine(m.DataDirectory, "models", "iris", "reference.profile.json")));
        string metrics = await m.MetricsAsync();
        Assert.Equal(1, MonitorFixture.Metric(metrics, "mlobs_reference_loaded", ("model", "iris")));
        Assert.Equal(1, MonitorFixture.Metric(metrics, "mlobs_reference_info", ("model", "iris"), ("hash", summary.GetProperty("fingerprint").GetString()!), ("rows", "300")));
    }

    [Fact]
    public async Task Reference_UploadedAsJsonLines_CreatesTheModel()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync();
        var lines = new StringBuilder();
        for (int i = 0; i < 200; i++)
            lines.Append(CultureInfo.InvariantCulture, $"{{\"x\": {i * 0.5}, \"colour\": \"{(i % 2 == 0 ? "red" : "blue")}\"}}\n");
        using HttpResponseMessage put = await m.Client.PutAsync("/v1/models/new-model/reference", new StringContent(lines.ToString(), Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        JsonElement models = await m.GetJsonAsync("/v1/models");
        Assert.Contains(models.GetProperty("models").EnumerateArray(), e => e.GetProperty("name").GetString() == "new-model");
        JsonElement summary = await m.GetJsonAsync("/v1/models/new-model/reference");
        Assert.Equal("categorical", summary.GetProperty("features")[1].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Records_JsonRows_AreEvaluatedIntoTheSameReportAsCompare()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config);
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
        using HttpResponseMessage post = await m.PostJsonAsync("/v1/models/iris/records", Rows(300, shift: 2.0));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(300, JsonDocument.Parse(await post.Content.ReadAsStringAsync()).RootElement.GetProperty("accepted").GetInt32());
        using HttpResponseMessage evaluate = await m.Client.PostAsync("/v1/models/iris/evaluate", null);
        Assert.Equal(HttpStatusCode.OK, evaluate.StatusCode);
        JsonElement report = JsonDocument.Parse(await evaluate.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(300, report.GetProperty("current_rows").GetInt64());
        Assert.True(report.GetProperty("dataset").GetProperty("drifted_columns").GetInt32() >= 2);
        JsonElement last = await m.GetJsonAsync("/v1/models/iris/report");
        Assert.Equal(report.GetRawText(), last.GetRawText());
        string metrics = await m.MetricsAsync();
        Assert.Equal(report.GetProperty("dataset").GetProperty("drift").GetBoolean() ? 1 : 0, MonitorFixture.Metric(metrics, "mlobs_dataset_drift_detected", ("model", "iris")));
        Assert.Equal(1, MonitorFixture.Metric(metrics, "mlobs_drift_detected", ("model", "iris"), ("feature", "petal_length")));
        Assert.Equal(300, MonitorFixture.Metric(metrics, "mlobs_records_ingested_total", ("model", "iris")));
        Assert.Equal(300, MonitorFixture.Metric(metrics, "mlobs_window_records", ("model", "iris")));
    }

    [Fact]
    public async Task Report_WithAcceptHtml_IsTheHtmlPage()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config);
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
        (await m.PostJsonAsync("/v1/models/iris/records", Rows(100, 0))).EnsureSuccessStatusCode();
        (await m.Client.PostAsync("/v1/models/iris/evaluate", null)).EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models/iris/report");
        request.Headers.Accept.ParseAdd("text/html");
        using HttpResponseMessage response = await m.Client.SendAsync(request);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        string html = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("petal_length", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloudEvents_KServeV1RequestAndResponse_AreJoinedOnCeId()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config);
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
        var ext = new Dictionary<string, string> { ["Inferenceservicename"] = "iris", ["Namespace"] = "default", ["Component"] = "predictor", ["Endpoint"] = "default" };
        using HttpResponseMessage request = await m.PostCloudEventAsync("org.kubeflow.serving.inference.request", "id-1",
            """{"instances": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}""", ext);
        Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        JsonElement pending = await m.GetJsonAsync("/v1/models/iris");
        Assert.Equal(1, pending.GetProperty("pending_joins").GetInt32());
        using HttpResponseMessage response = await m.PostCloudEventAsync("org.kubeflow.serving.inference.response", "id-1",
            """{"predictions": [1, 1]}""", ext, "/v1/cloudevents");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        JsonElement status = await m.GetJsonAsync("/v1/models/iris");
        Assert.Equal(0, status.GetProperty("pending_joins").GetInt32());
        Assert.Equal(2, status.GetProperty("window_records").GetInt64());
        using HttpResponseMessage evaluate = await m.Client.PostAsync("/v1/models/iris/evaluate", null);
        JsonElement report = JsonDocument.Parse(await evaluate.Content.ReadAsStringAsync()).RootElement;
        JsonElement prediction = report.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("column").GetString() == "prediction");
        Assert.Equal(2, prediction.GetProperty("n_current").GetInt64());
        Assert.Equal(0, prediction.GetProperty("missing_current").GetDouble());
    }

    [Fact]
    public async Task CloudEvents_OpenInferenceV2Structured_AreIngested()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config);
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
        string structured = """
            {"specversion": "1.0", "type": "org.kubeflow.serving.inference.request", "source": "http://localhost:9081/",
             "id": "v2-1", "inferenceservicename": "iris", "datacontenttype": "application/json",
             "data": {"inputs": [{"name": "input-0", "shape": [2, 4], "datatype": "FP32",
                                   "data": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}]}}
            """;
        using HttpResponseMessage post = await m.PostJsonAsync("/", structured, "application/cloudevents+json");
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        JsonElement status = await m.GetJsonAsync("/v1/models/iris");
        Assert.Equal(1, status.GetProperty("pending_joins").GetInt32());
    }

    [Fact]
    public async Task CloudEvents_SeldonNdarray_AreJoinedOnRequestId()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config);
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
        var ext = new Dictionary<string, string> { ["Inferenceservicename"] = "iris", ["Modelid"] = "classifier", ["Requestid"] = "puid-9", ["Namespace"] = "seldon" };
        (await m.PostCloudEventAsync("io.seldon.serving.inference.request", "e-1", """{"data": {"ndarray": [[5.1, 3.5, 1.4, 0.2]]}}""", ext)).EnsureSuccessStatusCode();
        (await m.PostCloudEventAsync("io.seldon.serving.inference.response", "e-2", """{"data": {"names": ["prediction"], "ndarray": [[0]]}, "meta": {}}""", ext)).EnsureSuccessStatusCode();
        JsonElement status = await m.GetJsonAsync("/v1/models/iris");
        Assert.Equal(0, status.GetProperty("pending_joins").GetInt32());
        Assert.Equal(1, status.GetProperty("window_records").GetInt64());
    }

    [Fact]
    public async Task BadInput_IsRefusedWithAProblemAndCounted()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config + "\nlimits: {max_body_bytes: 4096}\n");
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();

        JsonElement unknown = await MonitorFixture.ProblemAsync(await m.PostJsonAsync("/v1/models/nope/records", "[]"), 404);
        Assert.Equal("unknown_model", unknown.GetProperty("reason").GetString());

        JsonElement wrongType = await MonitorFixture.ProblemAsync(
            await m.PostJsonAsync("/v1/models/iris/records", """[{"sepal_length": "abc"}]"""), 400);
        Assert.Equal("wrong_type", wrongType.GetProperty("reason").GetString());
        Assert.Contains("sepal_length", wrongType.GetProperty("detail").GetString(), StringComparison.Ordinal);

        JsonElement media = await MonitorFixture.ProblemAsync(await m.PostJsonAsync("/v1/models/iris/records", "<x/>", "application/xml"), 415);
        Assert.Equal("unsupported_media_type", media.GetProperty("reason").GetString());

        JsonElement large = await MonitorFixture.ProblemAsync(await m.PostJsonAsync("/v1/models/iris/records", Rows(200, 0)), 413);
        Assert.Equal("too_large", large.GetProperty("reason").GetString());

        var ext = new Dictionary<string, string> { ["Inferenceservicename"] = "iris" };
        JsonElement shape = await MonitorFixture.ProblemAsync(
            await m.PostCloudEventAsync("org.kubeflow.serving.inference.request", "bad", """{"instances": [[1.0, 2.0]]}""", ext), 400);
        Assert.Equal("wrong_shape", shape.GetProperty("reason").GetString());

        using var noType = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        noType.Headers.Add("Ce-Specversion", "1.0");
        noType.Headers.Add("Ce-Id", "x");
        noType.Headers.Add("Ce-Source", "s");
        JsonElement invalid = await MonitorFixture.ProblemAsync(await m.Client.SendAsync(noType), 400);
        Assert.Equal("invalid_event", invalid.GetProperty("reason").GetString());

        string metrics = await m.MetricsAsync();
        Assert.Equal(1, MonitorFixture.Metric(metrics, "mlobs_records_rejected_total", ("model", "iris"), ("reason", "wrong_type")));
        Assert.Equal(1, MonitorFixture.Metric(metrics, "mlobs_records_rejected_total", ("model", "iris"), ("reason", "too_large")));
        Assert.Equal(1, MonitorFixture.Metric(metrics, "mlobs_records_rejected_total", ("model", ""), ("reason", "unknown_model")));
        Assert.Equal(0, MonitorFixture.Metric(metrics, "mlobs_records_ingested_total", ("model", "iris")));

        // The service is still up and still ingests.
        (await m.PostJsonAsync("/v1/models/iris/records", Rows(10, 0))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Records_BeforeAnyReference_Are409()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config);
        JsonElement problem = await MonitorFixture.ProblemAsync(await m.PostJsonAsync("/v1/models/iris/records", Rows(3, 0)), 409);
        Assert.Equal("no_reference", problem.GetProperty("reason").GetString());
        Assert.Contains("PUT /v1/models/iris/reference", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_GuardsReferenceChanges_AndNeverReachesTheLogs()
    {
        string tokenFile = Path.GetTempFileName();
        const string token = "s3cret-token-value";
        await File.WriteAllTextAsync(tokenFile, token + "\n");
        try
        {
            await using MonitorFixture m = await MonitorFixture.StartAsync(Config, tokenFile: tokenFile);
            await MonitorFixture.ProblemAsync(await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv()), 401);
            await MonitorFixture.ProblemAsync(await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv(), "wrong"), 401);
            (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv(), token)).EnsureSuccessStatusCode();
            (await m.PostJsonAsync("/v1/models/iris/records", Rows(5, 0))).EnsureSuccessStatusCode();
            Assert.Equal(HttpStatusCode.Unauthorized, (await m.Client.PostAsync("/v1/models/iris/reset", null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await m.Client.GetAsync("/metrics")).StatusCode);
            Assert.DoesNotContain(m.Logs.Lines, l => l.Contains(token, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public async Task Health_AndReadiness_ReflectConfiguredReferences()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-reference-" + Guid.NewGuid().ToString("N") + ".csv");
        await using MonitorFixture m = await MonitorFixture.StartAsync($"models:\n  broken:\n    reference: {missing}\n");
        Assert.Equal(HttpStatusCode.OK, (await m.Client.GetAsync("/healthz")).StatusCode);
        JsonElement problem = default;
        for (int i = 0; i < 50; i++)
        {
            using HttpResponseMessage ready = await m.Client.GetAsync("/readyz");
            problem = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.Clone();
            if (problem.GetProperty("detail").GetString()!.Contains("no such file", StringComparison.Ordinal))
                break;
            await Task.Delay(100);
        }
        Assert.Contains("no such file", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        JsonElement status = await m.GetJsonAsync("/v1/models/broken");
        Assert.Contains("no such file", status.GetProperty("reference_error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_KeepsReferencesWindowsAndReports()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mlobs-dm-restart-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (MonitorFixture first = await MonitorFixture.StartAsync(Config, dir))
            {
                (await first.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
                (await first.PostJsonAsync("/v1/models/iris/records", Rows(120, 0))).EnsureSuccessStatusCode();
                (await first.Client.PostAsync("/v1/models/iris/evaluate", null)).EnsureSuccessStatusCode();
                (await first.PostJsonAsync("/v1/models/iris/records", Rows(30, 0, seed: 3))).EnsureSuccessStatusCode();
            }
            await using MonitorFixture second = await MonitorFixture.StartAsync(Config, dir);
            JsonElement status = await second.GetJsonAsync("/v1/models/iris");
            Assert.True(status.GetProperty("reference_loaded").GetBoolean());
            Assert.Equal(150, status.GetProperty("window_records").GetInt64());
            JsonElement report = await second.GetJsonAsync("/v1/models/iris/report");
            Assert.Equal(120, report.GetProperty("current_rows").GetInt64());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task TumblingWindow_IsEvaluatedWhenFull()
    {
        const string tumbling = """
            models:
              iris:
                window: {kind: tumbling, records: 100}
                evaluate: {every_seconds: 3600, min_records: 1}
            """;
        await using MonitorFixture m = await MonitorFixture.StartAsync(tumbling);
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
        (await m.PostJsonAsync("/v1/models/iris/records", Rows(130, 0))).EnsureSuccessStatusCode();
        JsonElement report = await m.GetJsonAsync("/v1/models/iris/report");
        Assert.Equal(100, report.GetProperty("current_rows").GetInt64());
        JsonElement status = await m.GetJsonAsync("/v1/models/iris");
        Assert.Equal(30, status.GetProperty("window_records").GetInt64());
    }

    [Fact]
    public async Task SlidingWindow_IsEvaluatedEveryNRecords()
    {
        const string byCount = """
            models:
              iris:
                window: {kind: sliding, records: 1000, panes: 10}
                evaluate: {every_records: 50, min_records: 10}
            """;
        await using MonitorFixture m = await MonitorFixture.StartAsync(byCount);
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
        (await m.PostJsonAsync("/v1/models/iris/records", Rows(60, 0))).EnsureSuccessStatusCode();
        JsonElement? report = null;
        for (int i = 0; i < 50 && report is null; i++)
        {
            using HttpResponseMessage r = await m.Client.GetAsync("/v1/models/iris/report");
            if (r.IsSuccessStatusCode)
                report = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();
            else
                await Task.Delay(100);
        }
        Assert.NotNull(report);
        Assert.Equal(60, report.Value.GetProperty("current_rows").GetInt64());
    }
    [Fact]
    public async Task RateLimit_Refuses429WithRetryAfter_AndCountsIt()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config + "\nlimits: {requests_per_second: 2}\n");
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
        var codes = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 6; i++)
        {
            HttpResponseMessage r = await m.PostJsonAsync("/v1/models/iris/records", Rows(2, 0));
            codes.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests)
                limited ??= r;
        }
        Assert.NotNull(limited);
        Assert.NotNull(limited.Headers.RetryAfter);
        JsonElement problem = await MonitorFixture.ProblemAsync(limited, 429);
        Assert.Equal("rate_limited", problem.GetProperty("reason").GetString());
        Assert.True(MonitorFixture.Metric(await m.MetricsAsync(), "mlobs_records_rejected_total", ("model", "iris"), ("reason", "rate_limited")) >= 1);
    }

    [Fact]
    public async Task ResetAndDeleteReference_EmptyTheWindow_ThenRefuseRecords()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config);
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
        (await m.PostJsonAsync("/v1/models/iris/records", Rows(40, 0))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await m.Client.PostAsync("/v1/models/iris/reset", null)).StatusCode);
        Assert.Equal(0, (await m.GetJsonAsync("/v1/models/iris")).GetProperty("window_records").GetInt64());
        Assert.Equal(HttpStatusCode.NoContent, (await m.Client.DeleteAsync("/v1/models/iris/reference")).StatusCode);
        Assert.False((await m.GetJsonAsync("/v1/models/iris")).GetProperty("reference_loaded").GetBoolean());
        await MonitorFixture.ProblemAsync(await m.PostJsonAsync("/v1/models/iris/records", Rows(1, 0)), 409);
        Assert.Equal(0, MonitorFixture.Metric(await m.MetricsAsync(), "mlobs_reference_loaded", ("model", "iris")));
    }

    [Fact]
    public async Task Records_CsvAndJsonLines_AreIngested()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config);
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
        (await m.PostJsonAsync("/v1/models/iris/records", MonitorFixture.ReferenceCsv(25, seed: 4), "text/csv")).EnsureSuccessStatusCode();
        (await m.PostJsonAsync("/v1/models/iris/records", "{\"sepal_length\": 5.0}\n\n{\"sepal_length\": 5.5, \"extra\": 1}\n", "application/x-ndjson")).EnsureSuccessStatusCode();
        Assert.Equal(27, (await m.GetJsonAsync("/v1/models/iris")).GetProperty("window_records").GetInt64());
        (await m.Client.PostAsync("/v1/models/iris/evaluate", null)).EnsureSuccessStatusCode();
        JsonElement report = await m.GetJsonAsync("/v1/models/iris/report");
        Assert.Contains("extra", report.GetProperty("dataset").GetProperty("new_columns").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, MonitorFixture.Metric(await m.MetricsAsync(), "mlobs_schema_mismatch", ("model", "iris"), ("kind", "new_columns")));
    }

    [Fact]
    public async Task CloudEvents_OfOtherTypes_AreAcknowledgedAndIgnored()
    {
        await using MonitorFixture m = await MonitorFixture.StartAsync(Config);
        (await m.PutReferenceAsync("iris", MonitorFixture.ReferenceCsv())).EnsureSuccessStatusCode();
        using HttpResponseMessage r = await m.PostCloudEventAsync("io.seldon.serving.feedback", "f-1", "{}", new Dictionary<string, string> { ["Inferenceservicename"] = "iris" });
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("ignored_events").GetInt32());
    }
    [Fact]
    public async Task Reference_FromASourcePath_IsFetchedByTheService()
    {
        string file = Path.Combine(Path.GetTempPath(), "mlobs-ref-" + Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllTextAsync(file, MonitorFixture.ReferenceCsv());
        try
        {
            await using MonitorFixture m = await MonitorFixture.StartAsync(Config);
            using HttpResponseMessage put = await m.Client.PutAsync($"/v1/models/iris/reference?source={Uri.EscapeDataString(file)}", null);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(300, (await m.GetJsonAsync("/v1/models/iris/reference")).GetProperty("rows").GetInt64());
            JsonElement missing = await MonitorFixture.ProblemAsync(await m.Client.PutAsync("/v1/models/iris/reference?source=/no/such.csv", null), 400);
            Assert.Contains("/no/such.csv", missing.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
