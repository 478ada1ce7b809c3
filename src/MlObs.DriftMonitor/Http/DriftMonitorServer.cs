using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlObs.DriftMonitor.Metrics;
using MlObs.DriftMonitor.Models;
using Serilog;
using Serilog.Formatting.Compact;

namespace MlObs.DriftMonitor.Http;

/// <summary>
/// The drift-monitor service: Kestrel with the HTTP API of the workload's README, the models of a data directory, and the
/// periodic work (expiry, evaluation, snapshots). <c>mlobs drift serve</c> runs one; tests start one on 127.0.0.1 port 0.
/// </summary>
public sealed class DriftMonitorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _background;
    private readonly HttpClient _http;
    private readonly Serilog.Core.Logger? _ownedLogger;
    private int _disposed;

    private DriftMonitorServer(WebApplication app, ModelRegistry registry, DriftMetrics metrics, MonitorServerOptions options, HttpClient http, Serilog.Core.Logger? ownedLogger)
    {
        _app = app;
        Registry = registry;
        Metrics = metrics;
        Options = options;
        _http = http;
        _ownedLogger = ownedLogger;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        _background = Task.Run(() => RunPeriodicWorkAsync(_stopping.Token));
    }

    /// <summary>Where the service listens (with 0.0.0.0 shown as 127.0.0.1, for local callers).</summary>
    public Uri Address { get; }

    /// <summary>The models.</summary>
    public ModelRegistry Registry { get; }

    /// <summary>The metrics.</summary>
    public DriftMetrics Metrics { get; }

    /// <summary>The options it was started with.</summary>
    public MonitorServerOptions Options { get; }

    /// <summary>
    /// Opens the data directory (replaying every model's log), starts listening, and starts loading configured references in
    /// the background (readiness waits for them).
    /// </summary>
    /// <exception cref="InvalidOperationException">The token file cannot be read, or the port cannot be bound.</exception>
    public static async Task<DriftMonitorServer> StartAsync(MonitorServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Serilog.Core.Logger? owned = null;
        Serilog.ILogger logger = options.Logger ?? (owned = new LoggerConfiguration()
            .MinimumLevel.Is(options.LogLevel)
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(new RenderedCompactJsonFormatter())
            .CreateLogger());
        string? token = ReadToken(options.TokenFile);
        var metrics = new DriftMetrics(RouteLabels.All);
        ModelRegistry registry = await ModelRegistry.OpenAsync(options.DataDirectory, options.Config, metrics, logger, options.Time, ct).ConfigureAwait(false);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "mlobs-drift-monitor" });
        builder.Logging.ClearProviders();
        builder.Host.UseSerilog(logger, dispose: false);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // enforced per endpoint, with a problem body
            kestrel.Listen(IPAddress.Parse(options.BindAddress), options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        RateLimiter? limiter = options.Config.Limits.RequestsPerSecond > 0
            ? new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.Config.Limits.RequestsPerSecond,
                TokensPerPeriod = options.Config.Limits.RequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : null;
        WebApplication app = builder.Build();
        var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        var endpoints = new MonitorEndpoints(registry, metrics, options.Config, token, limiter, logger) { Http = http };
        endpoints.Map(app);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await registry.DisposeAsync().ConfigureAwait(false);
            http.Dispose();
            throw new InvalidOperationException($"Cannot listen on {options.BindAddress}:{options.Port}: {e.Message}", e);
        }
        var server = new DriftMonitorServer(app, registry, metrics, options, http, owned);
        logger.Information("Drift monitor listening on {Address:l} with data in {DataDirectory:l} ({Models} models)",
            server.Address, registry.DataDirectory, registry.Models.Count);
        return server;
    }

    /// <summary>Completes when the host is asked to stop (SIGTERM, Ctrl+C) or <paramref name="ct"/> is cancelled.</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    /// <summary>Stops listening, lets the periodic work finish, snapshots every model and closes their logs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _background.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await Registry.DisposeAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
        _stopping.Dispose();
        if (_ownedLogger is not null)
            await _ownedLogger.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunPeriodicWorkAsync(CancellationToken ct)
    {
        await Registry.LoadConfiguredReferencesAsync(_http, ct).ConfigureAwait(false);
        DateTimeOffset lastSnapshot = Options.Time.GetUtcNow();
        using var timer = new PeriodicTimer(Options.TickInterval, Options.Time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            await Registry.TickAsync(ct).ConfigureAwait(false);
            DateTimeOffset now = Options.Time.GetUtcNow();
            if (now - lastSnapshot >= Options.Config.SnapshotInterval)
            {
                await Registry.SnapshotAsync(ct).ConfigureAwait(false);
                lastSnapshot = now;
            }
        }
    }

    private static string? ReadToken(string? path)
    {
        if (path is null)
            return null;
        try
        {
            string token = File.ReadAllText(path).Trim();
            return token.Length > 0 ? token : throw new InvalidOperationException($"The token file {path} is empty.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The token file {path} cannot be read: {e.Message}", e);
        }
    }
}
