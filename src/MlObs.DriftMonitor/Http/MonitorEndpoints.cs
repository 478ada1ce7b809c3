using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlObs.Drift.Data;
using MlObs.Drift.Profiles;
using MlObs.Drift.Reports;
using MlObs.Drift.Tables;
using MlObs.DriftMonitor.Configuration;
using MlObs.DriftMonitor.Ingest;
using MlObs.DriftMonitor.Metrics;
using MlObs.DriftMonitor.Models;
using Serilog.Context;

namespace MlObs.DriftMonitor.Http;

/// <summary>The bounded set of route labels of <c>mlobs_ingest_request_duration_seconds</c>.</summary>
public static class RouteLabels
{
    /// <summary>POST records.</summary>
    public const string Records = "records";

    /// <summary>POST CloudEvents.</summary>
    public const string CloudEvents = "cloudevents";

    /// <summary>PUT, GET and DELETE reference.</summary>
    public const string Reference = "reference";

    /// <summary>POST evaluate.</summary>
    public const string Evaluate = "evaluate";

    /// <summary>GET report.</summary>
    public const string Report = "report";

    /// <summary>Model listing, status and reset.</summary>
    public const string Models = "models";

    /// <summary>Every label.</summary>
    public static IReadOnlyList<string> All { get; } = [Records, CloudEvents, Reference, Evaluate, Report, Models];
}

/// <summary>The HTTP API of the drift monitor (documented in the workload's README).</summary>
internal sealed class MonitorEndpoints(
    ModelRegistry registry, DriftMetrics metrics, MonitorConfig config, string? token, RateLimiter? limiter, Serilog.ILogger logger)
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false };
    private readonly byte[]? _token = token is null ? null : Encoding.UTF8.GetBytes(token);

    /// <summary>Fetches references given by URL (<c>PUT …/reference?source=URL</c>).</summary>
    public HttpClient Http { get; init; } = new() { Timeout = TimeSpan.FromMinutes(10) };

    public void Map(WebApplication app)
    {
        app.MapGet("/healthz", (HttpContext c) => Json(c, 200, w => w.WriteString("status", "alive")));
        app.MapGet("/readyz", Ready);
        app.MapGet("/metrics", async (HttpContext c) =>
        {
            c.Response.ContentType = DriftMetrics.ContentType;
            await metrics.WriteAsync(c.Response.Body, c.RequestAborted).ConfigureAwait(false);
        });
        Timed(app.MapPost("/", CloudEvents), RouteLabels.CloudEvents);
        Timed(app.MapPost("/v1/cloudevents", CloudEvents), RouteLabels.CloudEvents);
        Timed(app.MapGet("/v1/models", ListModels), RouteLabels.Models);
        Timed(app.MapGet("/v1/models/{model}", ModelStatus), RouteLabels.Models);
        Timed(app.MapPost("/v1/models/{model}/records", Records), RouteLabels.Records);
        Timed(app.MapPut("/v1/models/{model}/reference", PutReference), RouteLabels.Reference);
        Timed(app.MapGet("/v1/models/{model}/reference", GetReference), RouteLabels.Reference);
        Timed(app.MapDelete("/v1/models/{model}/reference", DeleteReference), RouteLabels.Reference);
        Timed(app.MapPost("/v1/models/{model}/evaluate", Evaluate), RouteLabels.Evaluate);
        Timed(app.MapGet("/v1/models/{model}/report", Report), RouteLabels.Report);
        Timed(app.MapPost("/v1/models/{model}/reset", Reset), RouteLabels.Models);
        app.MapFallback((HttpContext c) => Problem(c, 404, "Not found", $"No endpoint {c.Request.Method} {c.Request.Path}; see the drift monitor's README for the API.", null, null));
    }

    private void Timed(IEndpointConventionBuilder endpoint, string route) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            long started = Stopwatch.GetTimestamp();
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            finally
            {
                metrics.ObserveRequest(route, Stopwatch.GetElapsedTime(started));
            }
        });

    private async Task Ready(HttpContext c)
    {
        string? reason = registry.NotReadyReason();
        if (reason is null)
            await Json(c, 200, w => w.WriteString("status", "ready")).ConfigureAwait(false);
        else
            await Problem(c, 503, "Not ready", reason, null, null).ConfigureAwait(false);
    }

    private async Task Records(HttpContext c, string model)
    {
        using IDisposable _ = LogContext.PushProperty("Model", model);
        await Guard(c, model, async () =>
        {
            Admit();
            MonitoredModel m = registry.Find(model) ?? throw UnknownModel(model);
            PayloadFormat format = PayloadFormats.Classify(c.Request.ContentType);
            RowBatch rows;
            if (format == PayloadFormat.Csv)
            {
                string spool = Path.Combine(registry.DataDirectory, $".upload-{Guid.NewGuid():N}.csv");
                try
                {
                    await Spool.CopyLimitedAsync(c.Request.Body, spool, config.Limits.MaxBodyBytes, c.RequestAborted).ConfigureAwait(false);
                    rows = InferencePayloads.DecodeCsv(spool, SchemaOf(m));
                }
                finally
                {
                    File.Delete(spool);
                }
            }
            else if (format is PayloadFormat.Json or PayloadFormat.JsonLines)
            {
                using Body body = await Body.ReadAsync(c, config.Limits.MaxBodyBytes).ConfigureAwait(false);
                rows = InferencePayloads.DecodeRows(body.Span, SchemaOf(m));
            }
            else
            {
                throw new PayloadException(RejectionReasons.UnsupportedMediaType,
                    $"Records are application/json (an array of objects or one object), application/x-ndjson (JSON lines) or text/csv, not '{c.Request.ContentType}'.", 415);
            }
            CheckRowLimit(rows);
            await m.IngestAsync(RecordHalf.Whole, null, rows, c.RequestAborted).ConfigureAwait(false);
            await Json(c, 200, w =>
            {
                w.WriteString("model", model);
                w.WriteNumber("accepted", rows.RowCount);
            }).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task CloudEvents(HttpContext c)
    {
        string? attributed = null;
        await Guard(c, () => attributed, async () =>
        {
            Admit();
            using Body body = await Body.ReadAsync(c, config.Limits.MaxBodyBytes).ConfigureAwait(false);
            IEnumerable<KeyValuePair<string, string>> headers = c.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()));
            IReadOnlyList<CloudEventEnvelope> events = CloudEventReader.Read(headers, c.Request.ContentType, body.Memory);
            int accepted = 0, ignored = 0;
            foreach (CloudEventEnvelope e in events)
            {
                if (e.Half is not { } half)
                {
                    ignored++;
                    continue;
                }
                MonitoredModel m = registry.Resolve(e) ?? throw new PayloadException(RejectionReasons.UnknownModel,
                    $"No model matches the event: inferenceservicename '{e.InferenceServiceName}', modelid '{e.ModelId}', and no default_model is configured. Upload a reference with PUT /v1/models/<name>/reference first.", 404);
                attributed = m.Name;
                using IDisposable _ = LogContext.PushProperty("Model", m.Name);
                using IDisposable __ = LogContext.PushProperty("RequestId", e.JoinKey ?? e.Id);
                PayloadFormat format = PayloadFormats.Classify(e.DataContentType);
                if (format != PayloadFormat.Json)
                {
                    throw new PayloadException(RejectionReasons.UnsupportedMediaType,
                        $"Event {e.Id}: only JSON inference payloads are monitored, not '{e.DataContentType}'.", 415);
                }
                FeatureSchema schema = SchemaOf(m);
                RowBatch rows = half == RecordHalf.Request
                    ? InferencePayloads.DecodeRequest(e.Data.Span, schema)
                    : InferencePayloads.DecodeResponse(e.Data.Span, schema);
                CheckRowLimit(rows);
                await m.IngestAsync(half, e.JoinKey, rows, c.RequestAborted).ConfigureAwait(false);
                accepted += rows.RowCount;
            }
            await Json(c, 202, w =>
            {
                w.WriteNumber("accepted", accepted);
                w.WriteNumber("ignored_events", ignored);
            }).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task PutReference(HttpContext c, string model)
    {
        using IDisposable _ = LogContext.PushProperty("Model", model);
        await Guard(c, model, async () =>
        {
            if (!await Authorized(c).ConfigureAwait(false))
                return;
            MonitoredModel m = await registry.GetOrCreateAsync(model, c.RequestAborted).ConfigureAwait(false);
            if (c.Request.Query["source"].ToString() is { Length: > 0 } source)
            {
                // The service fetches the reference itself: an http(s) URL, or a path on its own filesystem (the charm's
                // set-reference action, whose operator cannot stream a file through Juju).
                ReferenceProfile fetched = await ReferenceSource.FitAsync(
                    source, m.Settings.Profile, config.Limits.MaxReferenceBytes, Http, registry.DataDirectory, c.RequestAborted).ConfigureAwait(false);
                await m.SetReferenceAsync(fetched, c.RequestAborted).ConfigureAwait(false);
                await Json(c, 200, w => WriteProfileSummary(w, model, fetched)).ConfigureAwait(false);
                return;
            }
            string? contentType = c.Request.ContentType;
            bool sniff = contentType is null || contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase);
            PayloadFormat format = sniff ? PayloadFormat.Csv : PayloadFormats.Classify(contentType);
            string spool = Path.Combine(registry.DataDirectory, $".reference-upload-{Guid.NewGuid():N}");
            ReferenceProfile profile;
            try
            {
                await Spool.CopyLimitedAsync(c.Request.Body, spool, config.Limits.MaxReferenceBytes, c.RequestAborted).ConfigureAwait(false);
                if (sniff && TableFile.DetectFormat(spool) == TableFormat.Parquet) // the spool has no extension: decided by the magic bytes
                    format = PayloadFormat.Parquet;
                profile = await Task.Run(() => ReferenceFitter.Fit(spool, format, m.Settings.Profile, c.RequestAborted), c.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(spool);
            }
            await m.SetReferenceAsync(profile, c.RequestAborted).ConfigureAwait(false);
            await Json(c, 200, w => WriteProfileSummary(w, model, profile)).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task GetReference(HttpContext c, string model)
    {
        await Guard(c, model, async () =>
        {
            MonitoredModel m = registry.Find(model) ?? throw UnknownModel(model);
            ReferenceProfile profile = m.Profile ?? throw NoReference(model);
            await Json(c, 200, w => WriteProfileSummary(w, model, profile)).ConfigureAwait(false);
        }, countRejection: false).ConfigureAwait(false);
    }

    private async Task DeleteReference(HttpContext c, string model)
    {
        await Guard(c, model, async () =>
        {
            if (!await Authorized(c).ConfigureAwait(false))
                return;
            MonitoredModel m = registry.Find(model) ?? throw UnknownModel(model);
            await m.RemoveReferenceAsync(c.RequestAborted).ConfigureAwait(false);
            c.Response.StatusCode = 204;
        }, countRejection: false).ConfigureAwait(false);
    }

    private async Task Evaluate(HttpContext c, string model)
    {
        await Guard(c, model, async () =>
        {
            MonitoredModel m = registry.Find(model) ?? throw UnknownModel(model);
            ModelReport report = await m.EvaluateAsync("request", null, c.RequestAborted).ConfigureAwait(false) ?? throw NoReference(model);
            await WriteReport(c, report).ConfigureAwait(false);
        }, countRejection: false).ConfigureAwait(false);
    }

    private async Task Report(HttpContext c, string model)
    {
        await Guard(c, model, async () =>
        {
            MonitoredModel m = registry.Find(model) ?? throw UnknownModel(model);
            ModelReport report = m.LastReport ?? throw new PayloadException(RejectionReasons.UnknownModel,
                $"Model '{model}' has not been evaluated yet: POST /v1/models/{model}/evaluate, or wait for its evaluation interval.", 404);
            await WriteReport(c, report).ConfigureAwait(false);
        }, countRejection: false).ConfigureAwait(false);
    }

    private async Task Reset(HttpContext c, string model)
    {
        await Guard(c, model, async () =>
        {
            if (!await Authorized(c).ConfigureAwait(false))
                return;
            MonitoredModel m = registry.Find(model) ?? throw UnknownModel(model);
            await m.ResetWindowAsync(c.RequestAborted).ConfigureAwait(false);
            c.Response.StatusCode = 204;
        }, countRejection: false).ConfigureAwait(false);
    }

    private Task ListModels(HttpContext c) =>
        Json(c, 200, w =>
        {
            w.WriteStartArray("models");
            foreach (MonitoredModel m in registry.Models)
                WriteStatus(w, m.Status());
            w.WriteEndArray();
        });

    private async Task ModelStatus(HttpContext c, string model)
    {
        await Guard(c, model, async () =>
        {
            MonitoredModel m = registry.Find(model) ?? throw UnknownModel(model);
            await Json(c, 200, w => WriteStatusFields(w, m.Status())).ConfigureAwait(false);
        }, countRejection: false).ConfigureAwait(false);
    }

    private static async Task WriteReport(HttpContext c, ModelReport report)
    {
        c.Response.Headers.LastModified = report.EvaluatedAt.ToString("R");
        c.Response.Headers["X-Evaluation-Trigger"] = report.Trigger;
        bool html = c.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
        if (html)
        {
            c.Response.ContentType = "text/html; charset=utf-8";
            c.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
            await c.Response.WriteAsync(DriftReportHtml.ToHtml(report.Report), c.RequestAborted).ConfigureAwait(false);
            return;
        }
        c.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        DriftReportJson.Write(report.Report, buffer, indented: false);
        await c.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), c.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteProfileSummary(Utf8JsonWriter w, string model, ReferenceProfile profile)
    {
        w.WriteString("model", model);
        w.WriteString("fingerprint", profile.Fingerprint);
        w.WriteNumber("rows", profile.Rows);
        w.WriteString("mode", profile.Mode == ProfileMode.Exact ? "exact" : "streaming");
        w.WriteStartArray("features");
        foreach (ColumnProfile column in profile.Columns)
        {
            w.WriteStartObject();
            w.WriteString("name", column.Name);
            w.WriteString("kind", ColumnKinds.Name(column.Kind));
            w.WriteNumber("count", column.Count);
            w.WriteNumber("missing_share", column.MissingShare);
            switch (column)
            {
                case NumericColumnProfile n when n.Count > 0:
                    w.WriteNumber("min", n.Min);
                    w.WriteNumber("max", n.Max);
                    w.WriteNumber("mean", n.Mean);
                    w.WriteNumber("std", n.Std);
                    break;
                case CategoricalColumnProfile cat:
                    w.WriteNumber("categories", cat.Categories.Length);
                    break;
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteStatus(Utf8JsonWriter w, ModelStatus s)
    {
        w.WriteStartObject();
        WriteStatusFields(w, s);
        w.WriteEndObject();
    }

    private static void WriteStatusFields(Utf8JsonWriter w, ModelStatus s)
    {
        w.WriteString("name", s.Name);
        w.WriteBoolean("reference_loaded", s.ReferenceLoaded);
        if (s.ReferenceFingerprint is not null)
            w.WriteString("reference_fingerprint", s.ReferenceFingerprint);
        w.WriteNumber("reference_rows", s.ReferenceRows);
        w.WriteStartArray("features");
        foreach (string f in s.Features)
            w.WriteStringValue(f);
        w.WriteEndArray();
        w.WriteNumber("window_records", s.WindowRecords);
        w.WriteNumber("pending_joins", s.PendingJoins);
        if (s.LastEvaluation is { } at)
            w.WriteString("last_evaluation", at);
        if (s.DatasetDrift is { } drift)
            w.WriteBoolean("dataset_drift", drift);
        if (s.ReferenceError is not null)
            w.WriteString("reference_error", s.ReferenceError);
    }

    private void Admit()
    {
        if (limiter is null)
            return;
        using RateLimitLease lease = limiter.AttemptAcquire();
        if (!lease.IsAcquired)
            throw new PayloadException(RejectionReasons.RateLimited, $"More than {config.Limits.RequestsPerSecond} ingest requests per second; retry later.", 429);
    }

    private void CheckRowLimit(RowBatch rows)
    {
        if (rows.RowCount > config.Limits.MaxRowsPerRequest)
        {
            throw new PayloadException(RejectionReasons.TooLarge,
                $"The request carries {rows.RowCount} records; the limit is {config.Limits.MaxRowsPerRequest} per request.", 413);
        }
    }

    private static FeatureSchema SchemaOf(MonitoredModel m) => m.Schema ?? throw NoReference(m.Name);

    private static PayloadException UnknownModel(string model) =>
        new(RejectionReasons.UnknownModel, $"No model '{model}': upload its reference with PUT /v1/models/{model}/reference, or configure it.", 404);

    private static PayloadException NoReference(string model) =>
        new(RejectionReasons.NoReference, $"Model '{model}' has no reference yet: upload one with PUT /v1/models/{model}/reference (or the charm's set-reference action).", 409);

    private async Task<bool> Authorized(HttpContext c)
    {
        if (_token is null)
            return true;
        string header = c.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        bool ok = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), _token);
        if (!ok)
        {
            c.Response.Headers.WWWAuthenticate = "Bearer";
            await Problem(c, 401, "Unauthorized", "This request changes the service's state and needs 'Authorization: Bearer <token>' with the service's token.", null, null).ConfigureAwait(false);
            logger.Warning("Refused an unauthenticated {Method:l} {Path:l}", c.Request.Method, c.Request.Path.Value);
        }
        return ok;
    }

    private Task Guard(HttpContext c, string model, Func<Task> handle, bool countRejection = true) =>
        Guard(c, () => model, handle, countRejection);

    /// <summary>Runs a handler; a refusal becomes a problem response, is logged, and is counted as a rejection.</summary>
    private async Task Guard(HttpContext c, Func<string?> model, Func<Task> handle, bool countRejection = true)
    {
        try
        {
            await handle().ConfigureAwait(false);
        }
        catch (PayloadException e)
        {
            string? name = model();
            string? attributed = name is not null && registry.Find(name) is not null ? name : null;
            if (countRejection)
                metrics.RecordsRejected(attributed, e.Reason, 1);
            logger.Warning("Rejected {Method:l} {Path:l} for {Model:l}: {Reason:l}: {Detail:l}", c.Request.Method, c.Request.Path.Value, name ?? "", e.Reason, e.Message);
            if (!c.Response.HasStarted)
            {
                if (e.Status == 429)
                    c.Response.Headers.RetryAfter = "1";
                await Problem(c, e.Status, e.Title, e.Message, e.Reason, name).ConfigureAwait(false);
            }
        }
        catch (IOException e)
        {
            // The data directory failed (disk full, storage gone): nothing was acknowledged; the caller should retry.
            logger.Error("Storage failure on {Method:l} {Path:l}: {Error:l}", c.Request.Method, c.Request.Path.Value, e.Message);
            if (!c.Response.HasStarted)
            {
                c.Response.Headers.RetryAfter = "5";
                await Problem(c, 503, "Storage unavailable", $"The record could not be made durable: {e.Message}", null, model()).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (c.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; nothing to answer.
        }
    }

    private static Task Problem(HttpContext c, int status, string title, string detail, string? reason, string? model) =>
        Json(c, status, w =>
        {
            w.WriteString("type", reason is null ? "about:blank" : $"urn:mlobs:drift-monitor:problem:{reason}");
            w.WriteString("title", title);
            w.WriteNumber("status", status);
            w.WriteString("detail", detail);
            w.WriteString("instance", c.Request.Path.Value);
            if (reason is not null)
                w.WriteString("reason", reason);
            if (model is not null)
                w.WriteString("model", model);
        }, status >= 400 ? "application/problem+json" : "application/json");

    private static async Task Json(HttpContext c, int status, Action<Utf8JsonWriter> write, string contentType = "application/json")
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = contentType;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        await c.Response.Body.WriteAsync(buffer.WrittenMemory, c.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A request body read whole into a pooled buffer, refusing (413) beyond the limit.</summary>
    private sealed class Body : IDisposable
    {
        private byte[] _buffer;
        private int _length;

        private Body(byte[] buffer) => _buffer = buffer;

        public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

        public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

        public static async Task<Body> ReadAsync(HttpContext c, long limit)
        {
            long? declared = c.Request.ContentLength;
            if (declared > limit)
                throw new PayloadException(RejectionReasons.TooLarge, $"The body has {declared} bytes; the limit is {limit}.", 413);
            var body = new Body(PooledBuffers.Bytes.Rent((int)Math.Min(declared ?? 16 * 1024, limit) + 1));
            try
            {
                Stream stream = c.Request.Body;
                while (true)
                {
                    if (body._length == body._buffer.Length)
                    {
                        if (body._length > limit)
                            throw new PayloadException(RejectionReasons.TooLarge, $"The body is larger than the limit of {limit} bytes.", 413);
                        byte[] bigger = PooledBuffers.Bytes.Rent((int)Math.Min((long)body._buffer.Length * 2, limit + 1));
                        body._buffer.AsSpan(0, body._length).CopyTo(bigger);
                        PooledBuffers.Bytes.Return(body._buffer);
                        body._buffer = bigger;
                    }
                    int read = await stream.ReadAsync(body._buffer.AsMemory(body._length), c.RequestAborted).ConfigureAwait(false);
                    if (read == 0)
                        break;
                    body._length += read;
                }
                if (body._length > limit)
                    throw new PayloadException(RejectionReasons.TooLarge, $"The body is larger than the limit of {limit} bytes.", 413);
                return body;
            }
            catch
            {
                body.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            if (_buffer.Length > 0)
                PooledBuffers.Bytes.Return(_buffer);
            _buffer = [];
        }
    }
}
