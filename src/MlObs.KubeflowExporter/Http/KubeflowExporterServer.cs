// The kubeflow-observability workload as a service: Kestrel serving /metrics, /healthz and /readyz, and in the background
// the watchers, the inference-pod scraper and the log streamer. `mlobs kubeflow serve` runs one; tests start one on
// 127.0.0.1 port 0 against a fake API server.
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlObs.KubeflowExporter.Inference;
using MlObs.KubeflowExporter.Kube;
using MlObs.KubeflowExporter.Logs;
using MlObs.KubeflowExporter.Metrics;
using Serilog;
using Serilog.Formatting.Compact;

namespace MlObs.KubeflowExporter.Http;

/// <summary>The exporter service.</summary>
public sealed class KubeflowExporterServer : IAsyncDisposable
{
    /// <summary>The <c>Content-Type</c> of <c>/metrics</c>: the Prometheus text format 0.0.4.</summary>
    public const string MetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _background = [];
    private readonly KubeApi? _ownedApi;
    private readonly Serilog.Core.Logger? _ownedLogger;
    private readonly Serilog.ILogger _log;
    private int _disposed;

    private KubeflowExporterServer(WebApplication app, ExporterState state, ExporterMetrics metrics, InferenceScraper? scraper, LogStreamer? logs,
        KubeApi? ownedApi, Serilog.Core.Logger? ownedLogger, Serilog.ILogger log)
    {
        _app = app;
        State = state;
        Metrics = metrics;
        Scraper = scraper;
        Logs = logs;
        _ownedApi = ownedApi;
        _ownedLogger = ownedLogger;
        _log = log;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>Where the service listens (0.0.0.0 shown as 127.0.0.1).</summary>
    public Uri Address { get; }

    internal ExporterState State { get; }

    internal ExporterMetrics Metrics { get; }

    internal InferenceScraper? Scraper { get; }

    internal LogStreamer? Logs { get; }

    /// <summary>Completes when every watched resource has been listed once.</summary>
    public Task Synced => State.Synced;

    /// <summary>Starts listening and starts the watchers, the scraper and the log streamer.</summary>
    /// <exception cref="InvalidOperationException">The Kubernetes configuration cannot be used, or the port cannot be bound.</exception>
    public static async Task<KubeflowExporterServer> StartAsync(ExporterServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Serilog.Core.Logger? ownedLogger = null;
        Serilog.ILogger log = options.Logger ?? (ownedLogger = new LoggerConfiguration()
            .MinimumLevel.Is(options.LogLevel)
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", Serilog.Events.LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(new RenderedCompactJsonFormatter())
            .CreateLogger());
        KubeApi? ownedApi = options.Api is null ? new KubeApi(options.Connection.Resolve()) : null;
        IKubeApi api = options.Api ?? ownedApi!;
        var metrics = new ExporterMetrics();
        var state = new ExporterState(api, options.Config, metrics, log, options.Time);
        InferenceScraper? scraper = options.Config.Inference.Enabled ? new InferenceScraper(state, options.Config.Inference, metrics, log, options.Time) : null;
        LogStreamer? logs = options.Config.Logs is { Enabled: true, LokiUrl: not null } ? new LogStreamer(api, state, options.Config.Logs, metrics, log, options.Time) : null;

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "mlobs-kubeflow-exporter" });
        builder.Logging.ClearProviders();
        builder.Host.UseSerilog(log, dispose: false);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Parse(options.BindAddress), options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        WebApplication app = builder.Build();
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = MetricsContentType;
            await WriteMetricsAsync(context.Response.Body, state, metrics, scraper, context.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () =>
        {
            string[] pending = [.. state.Watchers.Where(w => !w.Synced.IsCompleted).Select(w => w.Kind.Name)];
            return pending.Length == 0
                ? Results.Text("ready\n")
                : Results.Text($"not listed yet: {string.Join(", ", pending)}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            ownedApi?.Dispose();
            scraper?.Dispose();
            logs?.Dispose();
            throw new InvalidOperationException($"Cannot listen on {options.BindAddress}:{options.Port}: {e.Message}", e);
        }
        var server = new KubeflowExporterServer(app, state, metrics, scraper, logs, ownedApi, ownedLogger, log);
        server.StartBackground();
        log.Information("Kubeflow exporter listening on {Address:l}; watching {Watches} resources; inference scraping {Scraping}; log streaming {Streaming}",
            server.Address, state.Watchers.Count, scraper is not null, logs is not null);
        return server;
    }

    /// <summary>Writes the whole exposition: the exporter's own metrics, the object states, the inference pods' series.</summary>
    internal static async Task WriteMetricsAsync(Stream stream, ExporterState state, ExporterMetrics metrics, InferenceScraper? scraper, CancellationToken ct)
    {
        await metrics.WriteAsync(stream, ct).ConfigureAwait(false);
        // The state families are built in one StringBuilder and encoded chunk by chunk: no whole-text string or byte copy
        // (with 5,000 objects the text is several megabytes).
        var text = new StringBuilder(Math.Max(64 * 1024, state.LastStateLength));
        StateMetricsWriter.Write(state, text);
        state.LastStateLength = text.Length;
        var writer = new StreamWriter(stream, Utf8NoBom, 64 * 1024, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (ReadOnlyMemory<char> chunk in text.GetChunks())
                await writer.WriteAsync(chunk, ct).ConfigureAwait(false);
            if (scraper is not null)
                await writer.WriteAsync(scraper.Merged.AsMemory(), ct).ConfigureAwait(false);
        }
    }

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Completes when the host is asked to stop (SIGTERM, Ctrl+C) or <paramref name="ct"/> is cancelled.</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    /// <summary>Stops listening and the background work, and flushes buffered logs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_background).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync().ConfigureAwait(false);
        Scraper?.Dispose();
        Logs?.Dispose();
        _ownedApi?.Dispose();
        _stopping.Dispose();
        if (_ownedLogger is not null)
            await _ownedLogger.DisposeAsync().ConfigureAwait(false);
    }

    private void StartBackground()
    {
        CancellationToken ct = _stopping.Token;
        _background.Add(Guard("watchers", () => State.RunAsync(ct)));
        if (Scraper is not null)
            _background.Add(Guard("inference scraper", () => Scraper.RunAsync(ct)));
        if (Logs is not null)
            _background.Add(Guard("log streamer", () => Logs.RunAsync(ct)));
    }

    private Task Guard(string what, Func<Task> run) => Task.Run(async () =>
    {
        try
        {
            await run().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A bug, not a cluster problem (those are retried inside): say so loudly, and let the readiness probe tell.
            _log.Fatal(e, "The {Part:l} stopped", what);
            throw;
        }
    });
}
