using MlObs.Drift.Data;
using MlObs.Drift.Reports;
using MlObs.DriftMonitor.Ingest;
using MlObs.DriftMonitor.Metrics;
using static MlObs.DriftMonitor.Tests.Metrics.MetricsData;

namespace MlObs.DriftMonitor.Tests.Metrics;

public sealed class DriftMetricsTests
{
    private static readonly DateTimeOffset EvaluatedAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static (string, string) M => ("model", Model);

    private static (string, string) F(string feature) => ("feature", feature);

    private static (string, string) Method(string method) => ("method", method);

    private static DriftMetrics Loaded(params string[] routes)
    {
        var metrics = new DriftMetrics(routes);
        metrics.ReferenceLoaded(Model, Reference.Fingerprint, Reference.Rows, Features);
        return metrics;
    }

    private static Task<ExpositionText> Scrape(DriftMetrics metrics) => ExpositionText.WriteAndParseAsync(metrics);

    [Fact]
    public async Task Published_OkColumns_ExportTheReportsValues()
    {
        DriftReport report = Evaluate(ShiftedWindow());
        ColumnDrift x = report.Columns.Single(c => c.Column == "x");
        ColumnDrift y = report.Columns.Single(c => c.Column == "y");
        ColumnDrift color = report.Columns.Single(c => c.Column == "color");
        Assert.All(report.Columns, c => Assert.Equal(ColumnStatus.Ok, c.Status));
        Assert.Equal(("wasserstein", "jensenshannon", true, false), (x.Method, color.Method, x.Drift, y.Drift));
        DriftMetrics metrics = Loaded();

        metrics.Published(Model, report, EvaluatedAt, TimeSpan.FromMilliseconds(40));

        ExpositionText text = await Scrape(metrics);
        foreach (ColumnDrift c in report.Columns)
        {
            Assert.Equal(c.Statistic!.Value, text.Value("mlobs_drift_score", M, F(c.Column), Method(c.Method!)));
            Assert.Equal(c.Threshold!.Value, text.Value("mlobs_drift_threshold", M, F(c.Column), Method(c.Method!)));
            Assert.Equal(c.Drift ? 1 : 0, text.Value("mlobs_drift_detected", M, F(c.Column), Method(c.Method!)));
            Assert.Equal(c.MissingCurrent, text.Value("mlobs_missing_share", M, F(c.Column)));
            Assert.Equal(1, text.Value("mlobs_feature_status", M, F(c.Column), ("status", "ok")));
        }
        Assert.Equal(0.1, text.Value("mlobs_missing_share", M, F("y")));
        Assert.Empty(text.Named("mlobs_drift_p_value"));
        Assert.Equal(color.Unseen!.Share, text.Value("mlobs_unseen_category_share", M, F("color")));
        Assert.Equal(0.25, color.Unseen.Share);
        Assert.Single(text.Named("mlobs_unseen_category_share"));
        Assert.Equal(report.Dataset.DriftShare, text.Value("mlobs_dataset_drift_share", M));
        Assert.Equal(report.Dataset.Drift ? 1 : 0, text.Value("mlobs_dataset_drift_detected", M));
        Assert.Equal(0, text.Value("mlobs_schema_mismatch", M, ("kind", "missing_columns")));
        Assert.Equal(0, text.Value("mlobs_schema_mismatch", M, ("kind", "new_columns")));
        Assert.Equal(EvaluatedAt.ToUnixTimeSeconds(), text.Value("mlobs_last_evaluation_timestamp_seconds", M));
        Assert.Equal(1, text.Value("mlobs_evaluation_duration_seconds_count", M));
        Assert.Equal(0.04, text.Value("mlobs_evaluation_duration_seconds_sum", M), 12);
        Assert.Equal(0, text.Value("mlobs_evaluation_duration_seconds_bucket", M, ("le", "0.025")));
        Assert.Equal(1, text.Value("mlobs_evaluation_duration_seconds_bucket", M, ("le", "0.05")));
        Assert.Equal(1, text.Value("mlobs_reference_loaded", M));
        Assert.Equal(1, text.Value("mlobs_reference_info", M, ("hash", Reference.Fingerprint), ("rows", "300")));
        Assert.Equal("gauge", text.Types["mlobs_drift_score"]);
        Assert.Equal("histogram", text.Types["mlobs_evaluation_duration_seconds"]);
    }

    [Fact]
    public async Task Published_TestMethod_ExportsThePValue_WhichGoesWhenTheMethodBecomesADistance()
    {
        DriftMetrics metrics = Loaded();
        DriftReport ks = Evaluate(Reference, MetricsData.Method("x", "ks"), ShiftedWindow());
        ColumnDrift x = ks.Columns[0];
        Assert.Equal("ks", x.Method);

        metrics.Published(Model, ks, EvaluatedAt, TimeSpan.FromSeconds(1));
        ExpositionText first = await Scrape(metrics);
        Assert.Equal(x.PValue!.Value, first.Value("mlobs_drift_p_value", M, F("x"), Method("ks")));
        Assert.Equal(x.Statistic!.Value, first.Value("mlobs_drift_score", M, F("x"), Method("ks")));
        Assert.Equal(0.05, first.Value("mlobs_drift_threshold", M, F("x"), Method("ks")));
        Assert.Single(first.Named("mlobs_drift_p_value"));

        metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.FromSeconds(1));
        ExpositionText second = await Scrape(metrics);
        Assert.Empty(second.Named("mlobs_drift_p_value"));
        Assert.DoesNotContain(second.Samples, s => s.Labels.GetValueOrDefault("method") == "ks");
        Assert.Single(second.Find("mlobs_drift_score", M, F("x")));
        Assert.Single(second.Find("mlobs_drift_score", M, F("x"), Method("wasserstein")));
    }

    [Fact]
    public async Task Published_StatusNotOk_RemovesTheVerdictSeries_AndExposesTheStatus()
    {
        DriftMetrics metrics = Loaded();
        metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.Zero);
        RowBatch full = ShiftedWindow();
        // y is absent from the window: a schema change; color has only values unreadable as its kind → still ok (categorical),
        // so make x a type mismatch instead: every value present but unreadable.
        var withoutY = new RowBatch(100,
        [
            new NumericValues("x", Enumerable.Repeat(double.NaN, 100).ToArray(), invalidCount: 100),
            full.Columns[2],
        ]);
        DriftReport report = Evaluate(withoutY);
        Assert.Equal(ColumnStatus.TypeMismatch, report.Columns[0].Status);
        Assert.Equal(ColumnStatus.MissingInCurrent, report.Columns[1].Status);

        metrics.Published(Model, report, EvaluatedAt, TimeSpan.Zero);

        ExpositionText text = await Scrape(metrics);
        foreach (string name in new[] { "mlobs_drift_score", "mlobs_drift_threshold", "mlobs_drift_detected" })
        {
            Assert.Empty(text.Find(name, M, F("x")));
            Assert.Empty(text.Find(name, M, F("y")));
            Assert.Single(text.Find(name, M, F("color")));
        }
        Assert.Equal(1, text.Value("mlobs_feature_status", M, F("x"), ("status", "type_mismatch")));
        Assert.Equal(1, text.Value("mlobs_feature_status", M, F("y"), ("status", "missing_in_current")));
        Assert.Equal(1, text.Value("mlobs_feature_status", M, F("color"), ("status", "ok")));
        Assert.Equal(3, text.Named("mlobs_feature_status").Count());
        Assert.Equal(1, text.Value("mlobs_missing_share", M, F("x")));
        Assert.Empty(text.Find("mlobs_missing_share", M, F("y")));
        Assert.Equal(1, text.Value("mlobs_schema_mismatch", M, ("kind", "missing_columns")));
        Assert.Equal(report.Dataset.DriftShare, text.Value("mlobs_dataset_drift_share", M));

        metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.Zero);
        ExpositionText back = await Scrape(metrics);
        Assert.Single(back.Find("mlobs_drift_score", M, F("y"), Method("wasserstein")));
        Assert.Equal(1, back.Value("mlobs_feature_status", M, F("y"), ("status", "ok")));
        Assert.Empty(back.Find("mlobs_feature_status", M, F("y"), ("status", "missing_in_current")));
        Assert.Equal(0, back.Value("mlobs_schema_mismatch", M, ("kind", "missing_columns")));
    }

    [Fact]
    public async Task Published_EmptyWindow_GivesInsufficientData_WithoutMissingOrUnseenShares()
    {
        DriftMetrics metrics = Loaded();
        metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.Zero);
        DriftReport empty = Evaluate();
        Assert.All(empty.Columns, c => Assert.Equal(ColumnStatus.InsufficientData, c.Status));

        metrics.Published(Model, empty, EvaluatedAt.AddMinutes(1), TimeSpan.Zero);

        ExpositionText text = await Scrape(metrics);
        Assert.Empty(text.Named("mlobs_drift_score"));
        Assert.Empty(text.Named("mlobs_drift_detected"));
        Assert.Empty(text.Named("mlobs_missing_share"));
        Assert.Empty(text.Named("mlobs_unseen_category_share"));
        Assert.All(Features, f => Assert.Equal(1, text.Value("mlobs_feature_status", M, F(f), ("status", "insufficient_data"))));
        Assert.Equal(0, text.Value("mlobs_dataset_drift_share", M));
        Assert.Equal(0, text.Value("mlobs_dataset_drift_detected", M));
        Assert.Equal(EvaluatedAt.AddMinutes(1).ToUnixTimeSeconds(), text.Value("mlobs_last_evaluation_timestamp_seconds", M));
        Assert.Equal(2, text.Value("mlobs_evaluation_duration_seconds_count", M));
    }

    [Fact]
    public async Task Published_ColumnsOutsideTheReference_AreNeverExportedAsFeatures()
    {
        var metrics = new DriftMetrics();
        // The metrics know x and color only (for example a reference replaced while this evaluation ran).
        metrics.ReferenceLoaded(Model, "f1", 300, ["x", "color"]);
        RowBatch window = ShiftedWindow();
        DriftReport report = Evaluate(new RowBatch(100, [.. window.Columns, new NumericValues("z", Normal(100, 0, 1, 9))]));
        Assert.Equal(["z"], report.Dataset.NewColumns);

        metrics.Published(Model, report, EvaluatedAt, TimeSpan.Zero);

        ExpositionText text = await Scrape(metrics);
        string[] features = [.. text.Samples.Where(s => s.Labels.ContainsKey("feature")).Select(s => s.Label("feature")).Distinct().Order()];
        Assert.Equal(["color", "x"], features);
        Assert.Equal(1, text.Value("mlobs_schema_mismatch", M, ("kind", "new_columns")));
    }

    [Fact]
    public async Task Published_ReferenceFeatureMissingFromTheReport_LosesItsSeries()
    {
        DriftMetrics metrics = Loaded();
        metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.Zero);
        DriftReport onlyX = Evaluate(Reference, new() { Columns = ["x"] }, ShiftedWindow());

        metrics.Published(Model, onlyX, EvaluatedAt, TimeSpan.Zero);

        ExpositionText text = await Scrape(metrics);
        Assert.Equal(["x"], text.Samples.Where(s => s.Labels.ContainsKey("feature")).Select(s => s.Label("feature")).Distinct());
    }

    [Fact]
    public async Task Published_HandBuiltValues_InfiniteScoreAndNullPValue()
    {
        DriftMetrics metrics = Loaded();
        DriftReport report = HandBuilt(
            Column("x", ColumnStatus.Ok, "psi", double.PositiveInfinity, null, 0.1, drift: true),
            Column("y", ColumnStatus.Ok, "z", 2.5, 0.0124, 0.05, drift: true),
            Column("color", ColumnStatus.Error));

        metrics.Published(Model, report, EvaluatedAt, TimeSpan.Zero);

        ExpositionText text = await Scrape(metrics);
        Assert.Equal(double.PositiveInfinity, text.Value("mlobs_drift_score", M, F("x"), Method("psi")));
        Assert.Empty(text.Find("mlobs_drift_p_value", M, F("x")));
        Assert.Equal(0.0124, text.Value("mlobs_drift_p_value", M, F("y"), Method("z")));
        Assert.Equal(1, text.Value("mlobs_feature_status", M, F("color"), ("status", "error")));
        Assert.Empty(text.Find("mlobs_drift_score", M, F("color")));
        Assert.Equal(1, text.Value("mlobs_dataset_drift_detected", M));
        Assert.Equal(1, text.Value("mlobs_dataset_drift_share", M));
    }

    [Theory]
    [InlineData("weird", "wasserstein")]
    [InlineData("ok", "no_such_method")]
    [InlineData("ok", null)]
    public async Task Published_UnknownStatusOrMethod_ThrowsAndChangesNothing(string status, string? method)
    {
        DriftMetrics metrics = Loaded();
        metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.Zero);
        ExpositionText before = await Scrape(metrics);
        DriftReport bad = HandBuilt(Column("x", ColumnStatus.Ok, "wasserstein", 0.5, null, 0.1), Column("y", status, method, 0.5, null, 0.1));

        var e = Assert.Throws<ArgumentException>(() => metrics.Published(Model, bad, EvaluatedAt, TimeSpan.Zero));

        Assert.Contains("'y'", e.Message, StringComparison.Ordinal);
        ExpositionText after = await Scrape(metrics);
        Assert.Equal(before.Samples.Select(s => (s.Name, string.Join(",", s.Labels), s.Value)),
            after.Samples.Select(s => (s.Name, string.Join(",", s.Labels), s.Value)));
    }

    [Fact]
    public void Published_WithoutAReference_Throws()
    {
        var metrics = new DriftMetrics();
        Assert.Throws<InvalidOperationException>(() => metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.Zero));
        metrics.ModelKnown(Model);
        Assert.Throws<InvalidOperationException>(() => metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.Zero));
        metrics.ReferenceLoaded(Model, "f", 300, Features);
        metrics.ReferenceRemoved(Model);
        Assert.Throws<InvalidOperationException>(() => metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.Zero));
    }

    [Fact]
    public async Task ReferenceLoaded_AnotherReference_ReplacesTheInfo_AndDropsFeaturesNoLongerInIt()
    {
        DriftMetrics metrics = Loaded();
        metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.Zero);

        metrics.ReferenceLoaded(Model, "0123abcd", 5000, ["x", "w"]);

        ExpositionText text = await Scrape(metrics);
        Sample info = Assert.Single(text.Named("mlobs_reference_info"));
        Assert.Equal(("0123abcd", "5000", 1.0), (info.Label("hash"), info.Label("rows"), info.Value));
        Assert.Equal(["x"], text.Samples.Where(s => s.Labels.ContainsKey("feature")).Select(s => s.Label("feature")).Distinct());
        Assert.Equal(1, text.Value("mlobs_reference_loaded", M));
        // The dataset verdict of the last evaluation stays until the next one.
        Assert.Single(text.Named("mlobs_dataset_drift_share"));
    }

    [Fact]
    public async Task ReferenceLoaded_AgainOrWithOnlyTheHashChanged_KeepsOneInfoSeries()
    {
        DriftMetrics metrics = Loaded();
        metrics.ReferenceLoaded(Model, Reference.Fingerprint, Reference.Rows, Features);
        ExpositionText same = await Scrape(metrics);
        Assert.Equal(Reference.Fingerprint, Assert.Single(same.Named("mlobs_reference_info")).Label("hash"));

        metrics.ReferenceLoaded(Model, "another", Reference.Rows, Features);
        ExpositionText changed = await Scrape(metrics);
        Assert.Equal("another", Assert.Single(changed.Named("mlobs_reference_info")).Label("hash"));
    }

    [Fact]
    public async Task ReferenceRemoved_RemovesInfoAndEvaluation_KeepsCountersAndTimestamp()
    {
        DriftMetrics metrics = Loaded();
        metrics.RecordsIngested(Model, 100);
        metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.Zero);

        metrics.ReferenceRemoved(Model);

        ExpositionText text = await Scrape(metrics);
        Assert.Equal(0, text.Value("mlobs_reference_loaded", M));
        Assert.Empty(text.Named("mlobs_reference_info"));
        Assert.DoesNotContain(text.Samples, s => s.Labels.ContainsKey("feature"));
        Assert.Empty(text.Named("mlobs_dataset_drift_share"));
        Assert.Empty(text.Named("mlobs_dataset_drift_detected"));
        Assert.Empty(text.Named("mlobs_schema_mismatch"));
        Assert.Equal(100, text.Value("mlobs_records_ingested_total", M));
        Assert.Equal(EvaluatedAt.ToUnixTimeSeconds(), text.Value("mlobs_last_evaluation_timestamp_seconds", M));
    }

    [Fact]
    public async Task ModelKnown_InitialisesEveryCounterSeriesAtZero_AndTheUnattributedRejectionsExistFromTheStart()
    {
        var metrics = new DriftMetrics();
        ExpositionText fresh = await Scrape(metrics);
        Assert.Equal(RejectionReasons.All.Order(), fresh.Named("mlobs_records_rejected_total").Select(s => s.Label("reason")).Order());
        Assert.All(fresh.Samples, s => Assert.Equal(("", 0.0), (s.Label("model"), s.Value)));

        metrics.ModelKnown(Model);

        ExpositionText text = await Scrape(metrics);
        foreach (string reason in RejectionReasons.All)
            Assert.Equal(0, text.Value("mlobs_records_rejected_total", M, ("reason", reason)));
        Assert.Equal(RejectionReasons.All.Count, text.Find("mlobs_records_rejected_total", M).Count);
        Assert.Equal(0, text.Value("mlobs_records_ingested_total", M));
        Assert.Equal(0, text.Value("mlobs_records_unjoined_total", M, ("half", "request")));
        Assert.Equal(0, text.Value("mlobs_records_unjoined_total", M, ("half", "response")));
        Assert.Equal(0, text.Value("mlobs_reference_loaded", M));
        Assert.Equal(0, text.Value("mlobs_window_records", M));
        Assert.Equal(0, text.Value("mlobs_join_pending", M));
        Assert.Equal("counter", text.Types["mlobs_records_rejected_total"]);
    }

    [Fact]
    public async Task Counters_Accumulate_AndGaugesTakeTheLastValue()
    {
        var metrics = new DriftMetrics();
        metrics.RecordsIngested(Model, 10);
        metrics.RecordsIngested(Model, 32);
        metrics.RecordsRejected(Model, RejectionReasons.WrongType, 3);
        metrics.RecordsRejected(Model, RejectionReasons.WrongType, 1);
        metrics.WindowRecords(Model, 500);
        metrics.WindowRecords(Model, 420);
        metrics.JoinState(Model, 7);
        metrics.Unjoined(Model, RecordHalf.Response, 2);
        metrics.Unjoined(Model, RecordHalf.Response, 5);

        ExpositionText text = await Scrape(metrics);
        Assert.Equal(42, text.Value("mlobs_records_ingested_total", M));
        Assert.Equal(4, text.Value("mlobs_records_rejected_total", M, ("reason", "wrong_type")));
        Assert.Equal(0, text.Value("mlobs_records_rejected_total", M, ("reason", "malformed")));
        Assert.Equal(420, text.Value("mlobs_window_records", M));
        Assert.Equal(7, text.Value("mlobs_join_pending", M));
        Assert.Equal(7, text.Value("mlobs_records_unjoined_total", M, ("half", "response")));
        Assert.Equal(0, text.Value("mlobs_records_unjoined_total", M, ("half", "request")));
    }

    [Fact]
    public async Task RecordsRejected_ForAModelThatIsNotKnown_CountsUnderTheEmptyModel()
    {
        var metrics = new DriftMetrics();
        metrics.ModelKnown(Model);
        metrics.RecordsRejected("typo-model", RejectionReasons.UnknownModel, 2);
        metrics.RecordsRejected(null, RejectionReasons.Malformed, 1);
        metrics.RecordsRejected("", RejectionReasons.Malformed, 1);

        ExpositionText text = await Scrape(metrics);
        Assert.Equal(2, text.Value("mlobs_records_rejected_total", ("model", ""), ("reason", "unknown_model")));
        Assert.Equal(2, text.Value("mlobs_records_rejected_total", ("model", ""), ("reason", "malformed")));
        Assert.DoesNotContain(text.Samples, s => s.Labels.GetValueOrDefault("model") == "typo-model");
        Assert.Equal(0, text.Value("mlobs_records_rejected_total", M, ("reason", "unknown_model")));
    }

    [Fact]
    public void RecordsRejected_ReasonOutsideTheClosedSet_Throws()
    {
        var metrics = new DriftMetrics();
        var e = Assert.Throws<ArgumentException>(() => metrics.RecordsRejected(Model, "bad_day", 1));
        Assert.Contains("bad_day", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => metrics.RecordsRejected(Model, "Malformed", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.RecordsRejected(Model, RejectionReasons.Malformed, -1));
    }

    [Fact]
    public void Arguments_OutOfRange_Throw()
    {
        var metrics = new DriftMetrics(["/r"]);
        Assert.Throws<ArgumentException>(() => metrics.Unjoined(Model, RecordHalf.Whole, 1));
        Assert.Throws<ArgumentException>(() => metrics.Unjoined(Model, (RecordHalf)17, 1));
        Assert.Throws<ArgumentException>(() => metrics.ModelKnown(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.RecordsIngested(Model, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.WindowRecords(Model, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.JoinState(Model, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.ObserveRequest("/r", TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.ReferenceLoaded(Model, "f", -1, Features));
        Assert.Throws<ArgumentException>(() => metrics.ReferenceLoaded(Model, "", 1, Features));
        Assert.Throws<ArgumentException>(() => metrics.ReferenceLoaded(Model, "f", 1, ["x", ""]));
        Assert.Throws<ArgumentException>(() => new DriftMetrics(["/r", ""]));
    }

    [Fact]
    public async Task ObserveRequest_KnownRoutes_AreInitialisedAndObserved_OtherRoutesThrow()
    {
        var metrics = new DriftMetrics(["/v1/models/{model}/records", "/v1/events"]);
        metrics.ObserveRequest("/v1/events", TimeSpan.FromMilliseconds(3));
        metrics.ObserveRequest("/v1/events", TimeSpan.FromMilliseconds(30));

        ExpositionText text = await Scrape(metrics);
        Assert.Equal(0, text.Value("mlobs_ingest_request_duration_seconds_count", ("route", "/v1/models/{model}/records")));
        Assert.Equal(2, text.Value("mlobs_ingest_request_duration_seconds_count", ("route", "/v1/events")));
        Assert.Equal(0.033, text.Value("mlobs_ingest_request_duration_seconds_sum", ("route", "/v1/events")), 12);
        Assert.Equal(1, text.Value("mlobs_ingest_request_duration_seconds_bucket", ("route", "/v1/events"), ("le", "0.005")));
        Assert.Equal(2, text.Value("mlobs_ingest_request_duration_seconds_bucket", ("route", "/v1/events"), ("le", "+Inf")));
        Assert.Throws<ArgumentException>(() => metrics.ObserveRequest("/v1/models/fraud/records", TimeSpan.Zero));
        Assert.Equal(["/v1/events", "/v1/models/{model}/records"], metrics.RequestRoutes);
    }

    [Fact]
    public async Task ModelRemoved_RemovesEverySeriesOfTheModel_AndNoOther()
    {
        DriftMetrics metrics = Loaded();
        metrics.ReferenceLoaded("other", "f2", 10, ["x"]);
        ExpositionText before = await Scrape(metrics);
        foreach (string model in new[] { Model, "other" })
        {
            metrics.RecordsIngested(model, 5);
            metrics.RecordsRejected(model, RejectionReasons.TooLarge, 1);
            metrics.WindowRecords(model, 5);
            metrics.JoinState(model, 1);
            metrics.Unjoined(model, RecordHalf.Request, 1);
        }
        metrics.Published(Model, Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.FromMilliseconds(2));
        metrics.Published("other", Evaluate(ShiftedWindow()), EvaluatedAt, TimeSpan.FromMilliseconds(2));

        metrics.ModelRemoved(Model);

        ExpositionText text = await Scrape(metrics);
        Assert.DoesNotContain(text.Samples, s => s.Labels.GetValueOrDefault("model") == Model);
        Assert.Contains(text.Samples, s => s.Name == "mlobs_drift_score" && s.Has(("model", "other"), ("feature", "x")));
        Assert.Equal(5, text.Value("mlobs_records_ingested_total", ("model", "other")));
        Assert.True(before.Samples.Count(s => s.Labels.GetValueOrDefault("model") == Model) > 10);

        // Known again: a fresh start at zero.
        metrics.ModelKnown(Model);
        ExpositionText again = await Scrape(metrics);
        Assert.Equal(0, again.Value("mlobs_records_ingested_total", M));
        Assert.DoesNotContain(again.Named("mlobs_reference_info"), s => s.Label("model") == Model);
        metrics.ModelRemoved("never-known");
    }

    [Fact]
    public async Task ConcurrentUpdatesAndRemovals_LeaveNoSeriesOfARemovedModel_AndLoseNoCount()
    {
        var metrics = new DriftMetrics();
        DriftReport report = Evaluate(ShiftedWindow());
        string[] churning = ["a", "b", "c"];
        const int Rounds = 3000;
        var workers = new List<Task>();
        for (int w = 0; w < 4; w++)
        {
            int worker = w;
            workers.Add(Task.Run(() =>
            {
                for (int i = 0; i < Rounds; i++)
                {
                    string model = churning[(i + worker) % churning.Length];
                    metrics.RecordsIngested("steady", 1);
                    metrics.RecordsRejected("steady", RejectionReasons.Malformed, 1);
                    switch ((i + worker) % 4)
                    {
                        case 0:
                            metrics.ReferenceLoaded(model, "f" + (i % 3), 300, Features);
                            break;
                        case 1:
                            try
                            {
                                metrics.Published(model, report, EvaluatedAt, TimeSpan.Zero);
                            }
                            catch (InvalidOperationException)
                            {
                                // Another worker removed the model or its reference in between: allowed.
                            }
                            break;
                        case 2:
                            metrics.RecordsIngested(model, 1);
                            metrics.Unjoined(model, RecordHalf.Request, 1);
                            break;
                        default:
                            metrics.ModelRemoved(model);
                            break;
                    }
                }
            }));
        }
        metrics.ModelKnown("steady");
        await Task.WhenAll(workers);
        foreach (string model in churning)
            metrics.ModelRemoved(model);

        ExpositionText text = await Scrape(metrics);
        Assert.Equal(["", "steady"], text.Samples.Select(s => s.Label("model")).Distinct().Order());
        Assert.Equal(4 * Rounds, text.Value("mlobs_records_ingested_total", ("model", "steady")));
        double rejected = text.Value("mlobs_records_rejected_total", ("model", "steady"), ("reason", "malformed"))
            + text.Value("mlobs_records_rejected_total", ("model", ""), ("reason", "malformed"));
        Assert.Equal(4 * Rounds, rejected);
    }

    [Fact]
    public async Task LabelValues_AreEscaped()
    {
        var metrics = new DriftMetrics();
        const string Odd = "mo\"del\\with\nnewline é";
        metrics.ReferenceLoaded(Odd, "f", 1, ["fea\"ture"]);
        DriftReport report = HandBuilt(Column("fea\"ture", ColumnStatus.Ok, "wasserstein", 0.25, null, 0.1));

        metrics.Published(Odd, report, EvaluatedAt, TimeSpan.Zero);

        ExpositionText text = await Scrape(metrics);
        Assert.Equal(0.25, text.Value("mlobs_drift_score", ("model", Odd), ("feature", "fea\"ture"), ("method", "wasserstein")));
    }

    [Fact]
    public async Task Instances_AreIndependent_AndContentTypeIsTheTextFormat()
    {
        var first = new DriftMetrics();
        var second = new DriftMetrics();
        first.RecordsIngested(Model, 3);
        ExpositionText text = await Scrape(second);
        Assert.DoesNotContain(text.Samples, s => s.Label("model") == Model);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", DriftMetrics.ContentType);
        Assert.Equal(["missing_columns", "new_columns"], DriftMetrics.SchemaMismatchKinds);
        Assert.Equal(
            [ColumnStatus.Ok, ColumnStatus.InsufficientData, ColumnStatus.MissingInCurrent, ColumnStatus.TypeMismatch, ColumnStatus.Error],
            DriftMetrics.FeatureStatuses);
    }

    [Fact]
    public async Task WriteAsync_Cancelled_Throws()
    {
        var metrics = new DriftMetrics();
        using var stream = new MemoryStream();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => metrics.WriteAsync(stream, new CancellationToken(canceled: true)));
    }
}
