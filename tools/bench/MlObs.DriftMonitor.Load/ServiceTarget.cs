using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using MlObs.DriftMonitor.Configuration;
using MlObs.DriftMonitor.Http;
using Serilog;

namespace MlObs.DriftMonitor.Load;

/// <summary>A failure to set a run up (service unreachable, reference refused): reported and the tool exits 1.</summary>
internal sealed class SetupException(string message) : Exception(message);

/// <summary>Resident memory and collection counts of a process, read from <c>/proc</c> (Linux only).</summary>
internal static class ProcessProbe
{
    /// <summary>
    /// The resident set size (<c>VmRSS</c> of <c>/proc/PID/status</c>) in bytes of process <paramref name="pid"/> (null: this
    /// process), or null when it cannot be read (not Linux, or the process is gone).
    /// </summary>
    public static long? ResidentBytes(int? pid = null)
    {
        string path = pid is { } p ? $"/proc/{p.ToString(CultureInfo.InvariantCulture)}/status" : "/proc/self/status";
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    continue;
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>Garbage collections of this process so far: generations 0, 1 and 2.</summary>
    public static long[] Collections() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
}

/// <summary>What <c>GET /v1/models/{m}</c> reported after a run.</summary>
/// <param name="WindowRecords">Records in the model's current window.</param>
/// <param name="PendingJoins">Request or response halves still waiting for their other half.</param>
internal sealed record ModelStatusSample(long WindowRecords, long PendingJoins);

/// <summary>
/// The service under load: a <see cref="DriftMonitorServer"/> started in this process on 127.0.0.1 (a fresh temporary data
/// directory, logging warnings to nowhere), or a running <c>mlobs drift serve</c> given by URL. Owns the one
/// <see cref="HttpClient"/> of a run.
/// </summary>
internal sealed class ServiceTarget : IAsyncDisposable
{
    private readonly DriftMonitorServer? _server;
    private readonly string? _dataDirectory;
    private readonly bool _keepData;
    private readonly int? _serverPid;

    private ServiceTarget(Uri address, int clients, DriftMonitorServer? server, string? dataDirectory, bool keepData, int? serverPid)
    {
        Address = address;
        _server = server;
        _dataDirectory = dataDirectory;
        _keepData = keepData;
        _serverPid = serverPid;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, clients),
            UseProxy = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        Http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The service's base address.</summary>
    public Uri Address { get; }

    /// <summary>The client every request of the run goes through (one connection per load client at most).</summary>
    public HttpClient Http { get; }

    /// <summary>Whether the service runs in this process (its RSS and GC counts are then this process's).</summary>
    public bool InProcess => _server is not null;

    /// <summary>Where the in-process service keeps its data, or null for a remote one.</summary>
    public string? DataDirectory => _dataDirectory;

    /// <summary>How the target is described in the summary.</summary>
    public string Description => InProcess
        ? $"in-process service on {Address} (data in {_dataDirectory})"
        : $"separate service at {Address}{(_serverPid is { } p ? $" (pid {p.ToString(CultureInfo.InvariantCulture)})" : "")}";

    /// <summary>
    /// Connects to <paramref name="url"/>, or starts a service in this process when it is null.
    /// </summary>
    /// <param name="url">A running service's base URL, or null.</param>
    /// <param name="clients">Concurrent clients (the connection limit).</param>
    /// <param name="configFile">A YAML configuration for the in-process service, or null for the defaults.</param>
    /// <param name="keepData">Keep the in-process service's temporary data directory.</param>
    /// <param name="serverPid">The process id of the separate service, to sample its RSS; null when not known.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <exception cref="SetupException">The configuration is invalid, or the service cannot start.</exception>
    public static async Task<ServiceTarget> OpenAsync(Uri? url, int clients, FileInfo? configFile, bool keepData, int? serverPid, CancellationToken ct)
    {
        if (url is not null)
            return new ServiceTarget(url, clients, null, null, keepData, serverPid);
        MonitorConfig config;
        try
        {
            config = configFile is null ? new MonitorConfig() : MonitorConfigLoader.Load(configFile.FullName);
        }
        catch (ConfigException e)
        {
            throw new SetupException(e.Message);
        }
        string data = Directory.CreateTempSubdirectory("mlobs-drift-load-").FullName;
        ILogger logger = new LoggerConfiguration().MinimumLevel.Warning().CreateLogger();
        DriftMonitorServer server;
        try
        {
            server = await DriftMonitorServer.StartAsync(new MonitorServerOptions
            {
                DataDirectory = data,
                Port = 0,
                BindAddress = "127.0.0.1",
                Config = config,
                Logger = logger,
            }, ct).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new SetupException($"The in-process service did not start: {e.Message}");
        }
        return new ServiceTarget(server.Address, clients, server, data, keepData, serverPid);
    }

    /// <summary>The service's RSS in bytes: this process's when in-process, the given pid's otherwise, else null.</summary>
    public long? ServiceResidentBytes() => InProcess ? ProcessProbe.ResidentBytes() : _serverPid is { } p ? ProcessProbe.ResidentBytes(p) : null;

    /// <summary>Uploads a CSV reference for <paramref name="model"/> and returns how long the upload and fit took.</summary>
    /// <exception cref="SetupException">The service refused it or cannot be reached.</exception>
    public async Task<TimeSpan> PutReferenceAsync(string model, byte[] csv, CancellationToken ct)
    {
        using var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        long started = Stopwatch.GetTimestamp();
        await SendOrFailAsync(HttpMethod.Put, $"/v1/models/{model}/reference", content, ct).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Posts a JSON body and fails the setup unless the answer is 2xx.</summary>
    /// <exception cref="SetupException">The service refused it or cannot be reached.</exception>
    public async Task<byte[]> PostJsonOrFailAsync(string path, byte[]? json, CancellationToken ct)
    {
        using var content = new ByteArrayContent(json ?? []);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await SendOrFailAsync(HttpMethod.Post, path, content, ct).ConfigureAwait(false);
    }

    /// <summary>The model's window size and pending joins, or null when the status cannot be read.</summary>
    public async Task<ModelStatusSample?> StatusAsync(string model, CancellationToken ct)
    {
        try
        {
            using HttpResponseMessage response = await Http.GetAsync(new Uri($"/v1/models/{model}", UriKind.Relative), ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return null;
            using JsonDocument status = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false));
            return new ModelStatusSample(
                status.RootElement.GetProperty("window_records").GetInt64(),
                status.RootElement.GetProperty("pending_joins").GetInt64());
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Stops the in-process service and deletes its data directory unless asked to keep it.</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
            await _server.DisposeAsync().ConfigureAwait(false);
        if (_dataDirectory is not null && !_keepData)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task<byte[]> SendOrFailAsync(HttpMethod method, string path, HttpContent content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        try
        {
            using HttpResponseMessage response = await Http.SendAsync(request, ct).ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new SetupException(
                    $"{method} {path} was answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 500)))}");
            }
            return body;
        }
        catch (HttpRequestException e)
        {
            throw new SetupException($"{method} {path} on {Address}: {e.Message}");
        }
    }
}
