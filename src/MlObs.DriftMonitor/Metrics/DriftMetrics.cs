using System.Collections.Concurrent;
using System.Globalization;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Reports;
using MlObs.DriftMonitor.Ingest;
using Prometheus;

namespace MlObs.DriftMonitor.Metrics;

/// <summary>
/// The Prometheus metrics of the drift monitor, kept in a registry of their own (never prometheus-net's static default
/// registry), so several instances in one process are independent. The metric names, labels and meanings are an interface
/// used by alert rules and dashboards; <c>Metrics/README.md</c> documents each one. Every member is thread-safe.
/// </summary>
/// <remarks>
/// Label values stay bounded: <c>feature</c> only takes names of the model's reference columns, <c>method</c> only known
/// drift method ids, <c>status</c> only <see cref="FeatureStatuses"/>, <c>reason</c> only
/// <see cref="RejectionReasons.All"/>, <c>route</c> only the routes given to the constructor. A rejection for a model that
/// is not known is counted under <c>model=""</c>.
/// </remarks>
public sealed class DriftMetrics
{
    /// <summary>The <c>Content-Type</c> of the output of <see cref="WriteAsync"/>: Prometheus text exposition format 0.0.4.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The <c>model</c> label of rejections that cannot be attributed to a known model.</summary>
    public const string UnattributedModel = "";

    /// <summary>The values of the <c>kind</c> label of <c>mlobs_schema_mismatch</c>.</summary>
    public static IReadOnlyList<string> SchemaMismatchKinds { get; } = [MissingColumnsKind, NewColumnsKind];

    /// <summary>The values of the <c>status</c> label of <c>mlobs_feature_status</c>: every <see cref="ColumnStatus"/>.</summary>
    public static IReadOnlyList<string> FeatureStatuses { get; } =
        [ColumnStatus.Ok, ColumnStatus.InsufficientData, ColumnStatus.MissingInCurrent, ColumnStatus.TypeMismatch, ColumnStatus.Error];

    /// <summary>Upper bounds, in seconds, of the buckets of <c>mlobs_evaluation_duration_seconds</c> (1 ms to 30 s).</summary>
    public static IReadOnlyList<double> EvaluationDurationBuckets { get; } =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    /// <summary>Upper bounds, in seconds, of the buckets of <c>mlobs_ingest_request_duration_seconds</c> (0.5 ms to 10 s).</summary>
    public static IReadOnlyList<double> RequestDurationBuckets { get; } =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private const string MissingColumnsKind = "missing_columns";
    private const string NewColumnsKind = "new_columns";
    private const string RequestHalf = "request";
    private const string ResponseHalf = "response";

    private readonly CollectorRegistry _registry;
    private readonly HashSet<string> _routes;
    private readonly ConcurrentDictionary<string, ModelSeries> _models = new(StringComparer.Ordinal);

    private readonly Gauge _driftScore;
    private readonly Gauge _driftPValue;
    private readonly Gauge _driftThreshold;
    private readonly Gauge _driftDetected;
    private readonly Gauge _missingShare;
    private readonly Gauge _unseenShare;
    private readonly Gauge _featureStatus;
    private readonly Gauge _datasetDriftShare;
    private readonly Gauge _datasetDriftDetected;
    private readonly Gauge _windowRecords;
    private readonly Counter _recordsIngested;
    private readonly Counter _recordsRejected;
    private readonly Gauge _schemaMismatch;
    private readonly Gauge _referenceInfo;
    private readonly Gauge _referenceLoaded;
    private readonly Gauge _lastEvaluation;
    private readonly Histogram _evaluationDuration;
    private readonly Gauge _joinPending;
    private readonly Counter _recordsUnjoined;
    private readonly Histogram _requestDuration;

    /// <summary>Creates the metrics in a new registry of their own.</summary>
    /// <param name="requestRoutes">
    /// The values the <c>route</c> label of <c>mlobs_ingest_request_duration_seconds</c> may take (route templates such as
    /// <c>/v1/models/{model}/records</c>, never raw paths); each gets its series at once. None by default.
    /// </param>
    /// <exception cref="ArgumentException">A route is null or empty.</exception>
    public DriftMetrics(IEnumerable<string>? requestRoutes = null)
    {
        _routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (string route in requestRoutes ?? [])
        {
            if (string.IsNullOrEmpty(route))
                throw new ArgumentException("A request route must be a non-empty string.", nameof(requestRoutes));
            _routes.Add(route);
        }
        RequestRoutes = [.. _routes.Order(StringComparer.Ordinal)];

        _registry = Prometheus.Metrics.NewCustomRegistry();
        MetricFactory factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        string[] feature = ["model", "feature"];
        string[] featureMethod = ["model", "feature", "method"];
        string[] model = ["model"];

        _driftScore = factory.CreateGauge("mlobs_drift_score",
            "Drift statistic or distance of a feature in the last evaluation (status ok only).", featureMethod);
        _driftPValue = factory.CreateGauge("mlobs_drift_p_value",
            "P-value of a feature's drift test in the last evaluation (after any correction; tests only, status ok only).", featureMethod);
        _driftThreshold = factory.CreateGauge("mlobs_drift_threshold",
            "Threshold the score or p-value of a feature was compared with in the last evaluation (status ok only).", featureMethod);
        _driftDetected = factory.CreateGauge("mlobs_drift_detected",
            "1 when the feature drifted in the last evaluation, else 0 (status ok only).", featureMethod);
        _missingShare = factory.CreateGauge("mlobs_missing_share",
            "Share (0..1) of the window's values of a feature that were missing or unreadable, in the last evaluation.", feature);
        _unseenShare = factory.CreateGauge("mlobs_unseen_category_share",
            "Share (0..1) of a categorical feature's window values that the reference never saw, in the last evaluation.", feature);
        _featureStatus = factory.CreateGauge("mlobs_feature_status",
            "1 for the status of a feature in the last evaluation (ok, insufficient_data, missing_in_current, type_mismatch, error).",
            ["model", "feature", "status"]);
        _datasetDriftShare = factory.CreateGauge("mlobs_dataset_drift_share",
            "Share (0..1) of the features with status ok that drifted in the last evaluation.", model);
        _datasetDriftDetected = factory.CreateGauge("mlobs_dataset_drift_detected",
            "1 when the dataset drifted in the last evaluation (drift share at or above its threshold), else 0.", model);
        _windowRecords = factory.CreateGauge("mlobs_window_records", "Records currently in the model's window.", model);
        _recordsIngested = factory.CreateCounter("mlobs_records_ingested_total",
            "Records accepted into the model's window since the model became known.", model);
        _recordsRejected = factory.CreateCounter("mlobs_records_rejected_total",
            "Records refused, by reason; model=\"\" when the rejection cannot be attributed to a known model.", ["model", "reason"]);
        _schemaMismatch = factory.CreateGauge("mlobs_schema_mismatch",
            "Reference columns missing from the window (kind=missing_columns) or window columns not in the reference (kind=new_columns) in the last evaluation.",
            ["model", "kind"]);
        _referenceInfo = factory.CreateGauge("mlobs_reference_info",
            "1 for the loaded reference profile: hash is its fingerprint, rows its row count.", ["model", "hash", "rows"]);
        _referenceLoaded = factory.CreateGauge("mlobs_reference_loaded", "1 when the model has a reference profile loaded, else 0.", model);
        _lastEvaluation = factory.CreateGauge("mlobs_last_evaluation_timestamp_seconds",
            "Unix time, in seconds, of the model's last published evaluation.", model);
        _evaluationDuration = factory.CreateHistogram("mlobs_evaluation_duration_seconds",
            "Time, in seconds, taken by the model's drift evaluations.", model,
            new HistogramConfiguration { Buckets = [.. EvaluationDurationBuckets] });
        _joinPending = factory.CreateGauge("mlobs_join_pending",
            "Request or response halves waiting for their other half to be joined into a record.", model);
        _recordsUnjoined = factory.CreateCounter("mlobs_records_unjoined_total",
            "Request or response halves dropped without their other half (expired or evicted).", ["model", "half"]);
        _requestDuration = factory.CreateHistogram("mlobs_ingest_request_duration_seconds",
            "Time, in seconds, taken to handle an ingest HTTP request, by route template.", ["route"],
            new HistogramConfiguration { Buckets = [.. RequestDurationBuckets] });

        foreach (string reason in RejectionReasons.All)
            _recordsRejected.WithLabels(UnattributedModel, reason);
        foreach (string route in RequestRoutes)
            _requestDuration.WithLabels(route);
    }

    /// <summary>The values the <c>route</c> label may take, in ordinal order.</summary>
    public IReadOnlyList<string> RequestRoutes { get; }

    /// <summary>
    /// Makes a model known: initialises its counters (<c>mlobs_records_ingested_total</c>, every reason of
    /// <c>mlobs_records_rejected_total</c>, both halves of <c>mlobs_records_unjoined_total</c>) and its gauges
    /// <c>mlobs_reference_loaded</c>, <c>mlobs_window_records</c> and <c>mlobs_join_pending</c> to 0. Nothing changes for a
    /// model already known. <see cref="ReferenceLoaded"/>, <see cref="RecordsIngested"/>, <see cref="WindowRecords"/>,
    /// <see cref="JoinState"/> and <see cref="Unjoined"/> make the model known too; <see cref="RecordsRejected"/> never does.
    /// </summary>
    /// <param name="model">The model name (the <c>model</c> label).</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or empty.</exception>
    public void ModelKnown(string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ModelSeries series = Enter(model);
        series.Gate.Exit();
    }

    /// <summary>
    /// Records that the model's reference profile was loaded or replaced: <c>mlobs_reference_loaded</c> = 1 and
    /// <c>mlobs_reference_info{hash,rows}</c> = 1 (the series of a previous reference is removed), and the features that
    /// may appear in the <c>feature</c> label become <paramref name="features"/>: every series of a feature no longer in
    /// the reference is removed.
    /// </summary>
    /// <param name="model">The model name.</param>
    /// <param name="fingerprint">The profile's fingerprint (<c>ReferenceProfile.Fingerprint</c>).</param>
    /// <param name="rows">Rows in the reference.</param>
    /// <param name="features">The reference's column names.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="model"/> or <paramref name="fingerprint"/> is null or empty, or a feature name is null or empty.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is negative.</exception>
    public void ReferenceLoaded(string model, string fingerprint, long rows, IReadOnlyList<string> features)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentNullException.ThrowIfNull(features);
        var names = new HashSet<string>(features.Count, StringComparer.Ordinal);
        foreach (string name in features)
        {
            if (string.IsNullOrEmpty(name))
                throw new ArgumentException("A feature name must be a non-empty string.", nameof(features));
            names.Add(name);
        }
        string rowsText = rows.ToString(CultureInfo.InvariantCulture);
        ModelSeries series = Enter(model);
        try
        {
            if (series.ReferenceHash is { } hash && (hash != fingerprint || series.ReferenceRows != rowsText))
                _referenceInfo.RemoveLabelled(model, hash, series.ReferenceRows!);
            _referenceInfo.WithLabels(model, fingerprint, rowsText).Set(1);
            series.ReferenceHash = fingerprint;
            series.ReferenceRows = rowsText;
            _referenceLoaded.WithLabels(model).Set(1);
            series.ReferenceFeatures = names;
            foreach (string stale in series.Features.Keys.Where(f => !names.Contains(f)).ToList())
            {
                RemoveFeature(model, stale, series.Features[stale]);
                series.Features.Remove(stale);
            }
        }
        finally
        {
            series.Gate.Exit();
        }
    }

    /// <summary>
    /// Records that the model no longer has a reference: <c>mlobs_reference_loaded</c> = 0, and the reference info and
    /// every series of the last evaluation (per feature, dataset drift, schema mismatch) are removed. Counters, window and
    /// join gauges and the evaluation timestamp and durations stay. Nothing happens for a model that is not known.
    /// </summary>
    /// <param name="model">The model name.</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or empty.</exception>
    public void ReferenceRemoved(string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        if (TryEnterKnown(model) is not { } series)
            return;
        try
        {
            if (series.ReferenceHash is { } hash)
                _referenceInfo.RemoveLabelled(model, hash, series.ReferenceRows!);
            series.ReferenceHash = null;
            series.ReferenceRows = null;
            series.ReferenceFeatures = null;
            _referenceLoaded.WithLabels(model).Set(0);
            RemoveEvaluation(model, series);
        }
        finally
        {
            series.Gate.Exit();
        }
    }

    /// <summary>
    /// Forgets a model: removes every series with its <c>model</c> label, counters included (Prometheus treats a counter
    /// that reappears as a reset). Nothing happens for a model that is not known.
    /// </summary>
    /// <param name="model">The model name.</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or empty.</exception>
    public void ModelRemoved(string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        if (TryEnterKnown(model) is not { } series)
            return;
        try
        {
            series.Removed = true;
            _models.TryRemove(new KeyValuePair<string, ModelSeries>(model, series));
            if (series.ReferenceHash is { } hash)
                _referenceInfo.RemoveLabelled(model, hash, series.ReferenceRows!);
            RemoveEvaluation(model, series);
            _referenceLoaded.RemoveLabelled(model);
            _windowRecords.RemoveLabelled(model);
            _joinPending.RemoveLabelled(model);
            _recordsIngested.RemoveLabelled(model);
            foreach (string reason in RejectionReasons.All)
                _recordsRejected.RemoveLabelled(model, reason);
            _recordsUnjoined.RemoveLabelled(model, RequestHalf);
            _recordsUnjoined.RemoveLabelled(model, ResponseHalf);
            _lastEvaluation.RemoveLabelled(model);
            _evaluationDuration.RemoveLabelled(model);
        }
        finally
        {
            series.Gate.Exit();
        }
    }

    /// <summary>Adds <paramref name="count"/> records accepted into the model's window to <c>mlobs_records_ingested_total</c>.</summary>
    /// <param name="model">The model name.</param>
    /// <param name="count">Records accepted (0 or more).</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void RecordsIngested(string model, long count)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ModelSeries series = Enter(model);
        try
        {
            _recordsIngested.WithLabels(model).Inc(count);
        }
        finally
        {
            series.Gate.Exit();
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> refused records to <c>mlobs_records_rejected_total{model,reason}</c>. A null or empty
    /// model, or one that is not known (never made known, or removed), is counted under <c>model=""</c>, so that names sent
    /// by clients never create series of their own.
    /// </summary>
    /// <param name="model">The model the records were sent for, or null when the request names none.</param>
    /// <param name="reason">One of <see cref="RejectionReasons.All"/>.</param>
    /// <param name="count">Records refused (0 or more; a request refused as a whole counts as one).</param>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is not one of <see cref="RejectionReasons.All"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void RecordsRejected(string? model, string reason, long count)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!RejectionReasons.All.Contains(reason, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"Unknown rejection reason '{reason}'; known: {string.Join(", ", RejectionReasons.All)}.", nameof(reason));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!string.IsNullOrEmpty(model) && TryEnterKnown(model) is { } series)
        {
            try
            {
                _recordsRejected.WithLabels(model, reason).Inc(count);
            }
            finally
            {
                series.Gate.Exit();
            }
            return;
        }
        _recordsRejected.WithLabels(UnattributedModel, reason).Inc(count);
    }

    /// <summary>Sets <c>mlobs_window_records</c>: the records now in the model's window.</summary>
    /// <param name="model">The model name.</param>
    /// <param name="count">Records in the window (0 or more).</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void WindowRecords(string model, long count)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        SetModelGauge(_windowRecords, model, count);
    }

    /// <summary>Sets <c>mlobs_join_pending</c>: the halves (requests or responses) waiting for their other half.</summary>
    /// <param name="model">The model name.</param>
    /// <param name="pending">Halves waiting (0 or more).</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pending"/> is negative.</exception>
    public void JoinState(string model, int pending)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentOutOfRangeException.ThrowIfNegative(pending);
        SetModelGauge(_joinPending, model, pending);
    }

    /// <summary>Adds <paramref name="count"/> halves dropped without their other half to <c>mlobs_records_unjoined_total</c>.</summary>
    /// <param name="model">The model name.</param>
    /// <param name="half"><see cref="RecordHalf.Request"/> or <see cref="RecordHalf.Response"/>.</param>
    /// <param name="count">Halves dropped (0 or more).</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="model"/> is null or empty, or <paramref name="half"/> is <see cref="RecordHalf.Whole"/> (whole records
    /// are never joined) or not a defined value.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void Unjoined(string model, RecordHalf half, long count)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        string label = half switch
        {
            RecordHalf.Request => RequestHalf,
            RecordHalf.Response => ResponseHalf,
            _ => throw new ArgumentException($"Only request and response halves are joined (got {half}).", nameof(half)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ModelSeries series = Enter(model);
        try
        {
            _recordsUnjoined.WithLabels(model, label).Inc(count);
        }
        finally
        {
            series.Gate.Exit();
        }
    }

    /// <summary>
    /// Publishes an evaluation of the model. For each feature of the reference: <c>mlobs_feature_status</c> = 1 for its status
    /// (the previous status's series removed); when the status is ok, <c>mlobs_drift_score</c>, <c>mlobs_drift_threshold</c>,
    /// <c>mlobs_drift_detected</c> and, for tests, <c>mlobs_drift_p_value</c> with the report's method (series of another
    /// method, of a p-value the method lacks, or of a status other than ok are removed); <c>mlobs_missing_share</c> unless the
    /// column was missing from the window or the window was empty; <c>mlobs_unseen_category_share</c> when the report gives
    /// one. A reference feature the report lacks loses all its series; report columns that are not reference features are
    /// never exported. Per model: dataset drift share and verdict, schema mismatch counts, the evaluation timestamp, and one
    /// observation of the duration.
    /// </summary>
    /// <param name="model">The model name.</param>
    /// <param name="report">The evaluation's report.</param>
    /// <param name="evaluatedAt">When the evaluation ran (<c>mlobs_last_evaluation_timestamp_seconds</c>).</param>
    /// <param name="duration">How long it took (observed in <c>mlobs_evaluation_duration_seconds</c>).</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="model"/> is null or empty, or a column of the report has a status outside
    /// <see cref="FeatureStatuses"/>, or status ok with a missing or unknown method; nothing is changed then.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The model has no reference loaded (see <see cref="ReferenceLoaded"/>).</exception>
    public void Published(string model, DriftReport report, DateTimeOffset evaluatedAt, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        Dictionary<string, ColumnDrift> columns = ValidatedColumns(report);
        ModelSeries series = TryEnterKnown(model)
            ?? throw new InvalidOperationException($"Model '{model}' has no reference loaded: its evaluations cannot be published.");
        try
        {
            HashSet<string> features = series.ReferenceFeatures
                ?? throw new InvalidOperationException($"Model '{model}' has no reference loaded: its evaluations cannot be published.");
            foreach (string feature in features)
            {
                series.Features.TryGetValue(feature, out FeatureSeries? previous);
                if (!columns.TryGetValue(feature, out ColumnDrift? column))
                {
                    if (previous is not null)
                    {
                        RemoveFeature(model, feature, previous);
                        series.Features.Remove(feature);
                    }
                    continue;
                }
                if (previous is null)
                {
                    previous = new FeatureSeries();
                    series.Features.Add(feature, previous);
                }
                PublishFeature(model, feature, column, previous, report.CurrentRows);
            }
            DatasetDrift dataset = report.Dataset;
            _datasetDriftShare.WithLabels(model).Set(dataset.DriftShare);
            _datasetDriftDetected.WithLabels(model).Set(dataset.Drift ? 1 : 0);
            _schemaMismatch.WithLabels(model, MissingColumnsKind).Set(dataset.MissingColumns.Count);
            _schemaMismatch.WithLabels(model, NewColumnsKind).Set(dataset.NewColumns.Count);
            _lastEvaluation.WithLabels(model).Set((evaluatedAt - DateTimeOffset.UnixEpoch).TotalSeconds);
            _evaluationDuration.WithLabels(model).Observe(duration.TotalSeconds);
        }
        finally
        {
            series.Gate.Exit();
        }
    }

    /// <summary>Observes one ingest HTTP request in <c>mlobs_ingest_request_duration_seconds{route}</c>.</summary>
    /// <param name="route">One of <see cref="RequestRoutes"/>.</param>
    /// <param name="duration">How long the request took.</param>
    /// <exception cref="ArgumentException"><paramref name="route"/> is not one of <see cref="RequestRoutes"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public void ObserveRequest(string route, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (!_routes.Contains(route))
        {
            throw new ArgumentException(
                $"Unknown request route '{route}'; known: {string.Join(", ", RequestRoutes)}.", nameof(route));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        _requestDuration.WithLabels(route).Observe(duration.TotalSeconds);
    }

    /// <summary>Writes every series in the Prometheus text exposition format (<see cref="ContentType"/>), UTF-8.</summary>
    /// <param name="output">Where to write; not closed.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when everything is written.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task WriteAsync(Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        return _registry.CollectAndExportAsTextAsync(output, cancellationToken);
    }

    /// <summary>The report's columns by name (the first of a name wins), each checked for a known status and method.</summary>
    private static Dictionary<string, ColumnDrift> ValidatedColumns(DriftReport report)
    {
        var columns = new Dictionary<string, ColumnDrift>(report.Columns.Count, StringComparer.Ordinal);
        foreach (ColumnDrift column in report.Columns)
        {
            if (!FeatureStatuses.Contains(column.Status, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"Column '{column.Column}' has status '{column.Status}', which is not one of {string.Join(", ", FeatureStatuses)}.",
                    nameof(report));
            }
            if (column.Status == ColumnStatus.Ok && (column.Method is null || DriftMethods.Find(column.Method) is null))
            {
                throw new ArgumentException(
                    $"Column '{column.Column}' has status ok but the method '{column.Method}' is not a known drift method.", nameof(report));
            }
            columns.TryAdd(column.Column, column);
        }
        return columns;
    }

    private void PublishFeature(string model, string feature, ColumnDrift column, FeatureSeries series, long windowRows)
    {
        if (series.Status is { } status && status != column.Status)
            _featureStatus.RemoveLabelled(model, feature, status);
        _featureStatus.WithLabels(model, feature, column.Status).Set(1);
        series.Status = column.Status;

        bool verdict = column.Status == ColumnStatus.Ok;
        if (series.Method is { } method && (!verdict || method != column.Method))
        {
            RemoveVerdict(model, feature, series);
        }
        if (verdict)
        {
            string newMethod = column.Method!;
            series.Method = newMethod;
            _driftScore.WithLabels(model, feature, newMethod).Set(column.Statistic ?? double.NaN);
            _driftThreshold.WithLabels(model, feature, newMethod).Set(column.Threshold ?? double.NaN);
            _driftDetected.WithLabels(model, feature, newMethod).Set(column.Drift ? 1 : 0);
            if (column.PValue is { } p)
            {
                _driftPValue.WithLabels(model, feature, newMethod).Set(p);
                series.HasPValue = true;
            }
            else if (series.HasPValue)
            {
                _driftPValue.RemoveLabelled(model, feature, newMethod);
                series.HasPValue = false;
            }
        }

        bool missingKnown = column.Status != ColumnStatus.MissingInCurrent && windowRows > 0;
        if (missingKnown)
        {
            _missingShare.WithLabels(model, feature).Set(column.MissingCurrent);
            series.HasMissingShare = true;
        }
        else if (series.HasMissingShare)
        {
            _missingShare.RemoveLabelled(model, feature);
            series.HasMissingShare = false;
        }

        if (column.Unseen is { } unseen)
        {
            _unseenShare.WithLabels(model, feature).Set(unseen.Share);
            series.HasUnseenShare = true;
        }
        else if (series.HasUnseenShare)
        {
            _unseenShare.RemoveLabelled(model, feature);
            series.HasUnseenShare = false;
        }
    }

    private void RemoveVerdict(string model, string feature, FeatureSeries series)
    {
        if (series.Method is not { } method)
            return;
        _driftScore.RemoveLabelled(model, feature, method);
        _driftThreshold.RemoveLabelled(model, feature, method);
        _driftDetected.RemoveLabelled(model, feature, method);
        if (series.HasPValue)
            _driftPValue.RemoveLabelled(model, feature, method);
        series.Method = null;
        series.HasPValue = false;
    }

    private void RemoveFeature(string model, string feature, FeatureSeries series)
    {
        RemoveVerdict(model, feature, series);
        if (series.Status is { } status)
            _featureStatus.RemoveLabelled(model, feature, status);
        if (series.HasMissingShare)
            _missingShare.RemoveLabelled(model, feature);
        if (series.HasUnseenShare)
            _unseenShare.RemoveLabelled(model, feature);
        series.Status = null;
        series.HasMissingShare = false;
        series.HasUnseenShare = false;
    }

    /// <summary>Removes the series of the last evaluation: per feature, dataset drift and schema mismatch.</summary>
    private void RemoveEvaluation(string model, ModelSeries series)
    {
        foreach ((string feature, FeatureSeries featureSeries) in series.Features)
            RemoveFeature(model, feature, featureSeries);
        series.Features.Clear();
        _datasetDriftShare.RemoveLabelled(model);
        _datasetDriftDetected.RemoveLabelled(model);
        _schemaMismatch.RemoveLabelled(model, MissingColumnsKind);
        _schemaMismatch.RemoveLabelled(model, NewColumnsKind);
    }

    private void SetModelGauge(Gauge gauge, string model, double value)
    {
        ModelSeries series = Enter(model);
        try
        {
            gauge.WithLabels(model).Set(value);
        }
        finally
        {
            series.Gate.Exit();
        }
    }

    /// <summary>
    /// The bookkeeping of a model, created (and its series initialised) when the model is not known, with its gate entered;
    /// the caller exits it. A state being removed concurrently is never returned.
    /// </summary>
    private ModelSeries Enter(string model)
    {
        while (true)
        {
            ModelSeries series = _models.GetOrAdd(model, static _ => new ModelSeries());
            series.Gate.Enter();
            if (series.Removed)
            {
                series.Gate.Exit();
                continue;
            }
            if (!series.Initialised)
            {
                _recordsIngested.WithLabels(model);
                foreach (string reason in RejectionReasons.All)
                    _recordsRejected.WithLabels(model, reason);
                _recordsUnjoined.WithLabels(model, RequestHalf);
                _recordsUnjoined.WithLabels(model, ResponseHalf);
                _referenceLoaded.WithLabels(model).Set(0);
                _windowRecords.WithLabels(model).Set(0);
                _joinPending.WithLabels(model).Set(0);
                series.Initialised = true;
            }
            return series;
        }
    }

    /// <summary>The bookkeeping of a known model with its gate entered (the caller exits it), or null when the model is not known.</summary>
    private ModelSeries? TryEnterKnown(string model)
    {
        while (_models.TryGetValue(model, out ModelSeries? series))
        {
            series.Gate.Enter();
            if (!series.Removed && series.Initialised)
                return series;
            series.Gate.Exit();
            if (!series.Removed)
                return null;
        }
        return null;
    }

    /// <summary>Which series of a model exist, guarded by <see cref="Gate"/>.</summary>
    private sealed class ModelSeries
    {
        public Lock Gate { get; } = new();

        public bool Initialised { get; set; }

        public bool Removed { get; set; }

        public string? ReferenceHash { get; set; }

        public string? ReferenceRows { get; set; }

        public HashSet<string>? ReferenceFeatures { get; set; }

        public Dictionary<string, FeatureSeries> Features { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Which series of one feature exist.</summary>
    private sealed class FeatureSeries
    {
        public string? Method { get; set; }

        public bool HasPValue { get; set; }

        public string? Status { get; set; }

        public bool HasMissingShare { get; set; }

        public bool HasUnseenShare { get; set; }
    }
}
