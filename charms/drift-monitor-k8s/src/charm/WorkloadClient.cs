// The charm's side of the drift monitor's HTTP API (src/MlObs.DriftMonitor/README.md): readiness and the models for the
// status, and the calls behind the actions. The workload runs in the same pod, so it is reached on localhost.
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace DriftMonitorCharm;

/// <summary>What the charm asks the workload.</summary>
public interface IWorkloadApi
{
    /// <summary>Null when the workload answers <c>/readyz</c> with 200; otherwise why it is not ready or not reachable.</summary>
    Task<string?> NotReadyReasonAsync(CancellationToken ct);

    /// <summary>The models (<c>GET /v1/models</c>), as the workload's JSON object.</summary>
    Task<JsonElement> ListModelsAsync(CancellationToken ct);

    /// <summary>Loads a model's reference from a URL or a path in the workload container; returns the profile summary.</summary>
    Task<JsonElement> SetReferenceAsync(string model, string source, CancellationToken ct);

    /// <summary>The last report of a model.</summary>
    Task<JsonElement> GetReportAsync(string model, CancellationToken ct);

    /// <summary>Empties a model's window.</summary>
    Task ResetWindowAsync(string model, CancellationToken ct);
}

/// <summary>An answer of the workload that is not a success: its problem detail, or why it could not be reached.</summary>
public sealed class WorkloadException(string message) : Exception(message);

/// <summary><see cref="IWorkloadApi"/> over HTTP.</summary>
public sealed class WorkloadClient(Uri baseAddress, string? token) : IWorkloadApi, IDisposable
{
    private static readonly TimeSpan QuickLimit = TimeSpan.FromSeconds(2);

    // Made on first use: a hook whose workload is not listening yet never needs it.
    private readonly Lazy<HttpClient> _client = new(() => new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) });

    private HttpClient Http => _client.Value;

    /// <inheritdoc />
    public async Task<string?> NotReadyReasonAsync(CancellationToken ct)
    {
        if (!AcceptsConnections(QuickLimit))
            return ct.IsCancellationRequested ? throw new OperationCanceledException(ct) : $"not reachable on port {baseAddress.Port} yet";
        // Only now: the first timer starts the runtime's timer thread.
        using var quick = CancellationTokenSource.CreateLinkedTokenSource(ct);
        quick.CancelAfter(QuickLimit);
        try
        {
            using HttpResponseMessage response = await Http.GetAsync("/readyz", quick.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
                return null;
            return await ProblemAsync(response, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return $"not reachable on port {baseAddress.Port} yet";
        }
    }

    // Whether anything listens on the workload's port. A refused connection is the usual answer while the
    // service starts; learning it from HttpClient costs an exception rethrown through a dozen async frames,
    // and in a Native AOT binary the first stack trace loads the method-name metadata (milliseconds per hook).
    // A blocking connect, bounded by SO_SNDTIMEO (which Linux applies to connect), through libc where it
    // can (LoopbackProbe): System.Net.Sockets would start its epoll thread, and an asynchronous connect the
    // thread pool too, for this one answer.
    private bool AcceptsConnections(TimeSpan limit)
    {
        if (!IPAddress.TryParse(baseAddress.Host, out IPAddress? address))
            return true;
        if (LoopbackProbe.TryConnect(address, baseAddress.Port, limit) is { } accepted)
            return accepted;
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { SendTimeout = (int)limit.TotalMilliseconds };
        try
        {
            socket.Connect(new IPEndPoint(address, baseAddress.Port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public Task<JsonElement> ListModelsAsync(CancellationToken ct) => SendAsync(HttpMethod.Get, "/v1/models", ct);

    /// <inheritdoc />
    public Task<JsonElement> SetReferenceAsync(string model, string source, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, $"/v1/models/{Uri.EscapeDataString(model)}/reference?source={Uri.EscapeDataString(source)}", ct);

    /// <inheritdoc />
    public Task<JsonElement> GetReportAsync(string model, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"/v1/models/{Uri.EscapeDataString(model)}/report", ct);

    /// <inheritdoc />
    public Task ResetWindowAsync(string model, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"/v1/models/{Uri.EscapeDataString(model)}/reset", ct);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_client.IsValueCreated)
            _client.Value.Dispose();
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new WorkloadException($"the drift monitor is not reachable on port {baseAddress.Port}: {e.Message}");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new WorkloadException(await ProblemAsync(response, ct).ConfigureAwait(false));
            string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (text.Length == 0)
                return default;
            using JsonDocument doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("detail", out JsonElement detail) && detail.GetString() is { } message)
                return message;
        }
        catch (JsonException)
        {
        }
        return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
