// The charm's one question to the exporter: is it ready (src/MlObs.KubeflowExporter/README.md, "Health and logs")? The
// exporter runs in the same pod, so it is reached on localhost; /readyz answers 503 with the resources not listed yet.
namespace KubeflowObservabilityCharm;

/// <summary>Asks the exporter whether it is ready.</summary>
internal interface IExporterProbe
{
    /// <summary>Null when <c>/readyz</c> answers 200; otherwise what the exporter is waiting for, or why it cannot be asked.</summary>
    Task<string?> NotReadyReasonAsync(int port, CancellationToken ct);
}

/// <summary><see cref="IExporterProbe"/> over HTTP on localhost.</summary>
internal sealed class HttpExporterProbe : IExporterProbe
{
    public async Task<string?> NotReadyReasonAsync(int port, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz"), ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
                return null;
            string body = (await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)).Trim();
            return body.Length > 0 ? body : $"/readyz answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException && !ct.IsCancellationRequested)
        {
            return $"not reachable on port {port} yet";
        }
    }
}
