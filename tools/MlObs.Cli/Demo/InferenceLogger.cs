// InferenceLogger: posts inference traffic to the drift monitor the way KServe's payload logger does (KServe 0.15,
// `spec.predictor.logger`, mode all): for each predict call, a binary-mode CloudEvent with the v1 request
// (`{"instances": [[...]]}`) and one with the response (`{"predictions": [...]}`), both with the same ce-id.
using System.Globalization;
using System.Net;
using System.Text;

namespace MlObs.Cli.Demo;

/// <summary>Sends batches of cases as KServe's logger would.</summary>
internal sealed class InferenceLogger : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _model;
    private long _calls;

    /// <summary>Creates a logger posting to the drift monitor at <paramref name="monitor"/>.</summary>
    /// <param name="monitor">The drift monitor's base URL.</param>
    /// <param name="model">The InferenceService's name (<c>ce-inferenceservicename</c>).</param>
    public InferenceLogger(Uri monitor, string model)
    {
        _http = new HttpClient { BaseAddress = monitor, Timeout = TimeSpan.FromSeconds(30) };
        _model = model;
    }

    /// <summary>Cases sent so far.</summary>
    public long Records { get; private set; }

    /// <summary>Logs one predict call of the model over <paramref name="cases"/>: its request, then its response.</summary>
    /// <param name="cases">The call's instances.</param>
    /// <param name="cancellationToken">Cancels the posts.</param>
    /// <returns>A task.</returns>
    /// <exception cref="DemoException">The drift monitor refused an event; the message carries its problem.</exception>
    public async Task LogCallAsync(IReadOnlyList<SampleCase> cases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var id = string.Create(CultureInfo.InvariantCulture, $"demo-{Environment.ProcessId}-{Interlocked.Increment(ref _calls)}");
        var request = new StringBuilder("{\"instances\": [");
        var response = new StringBuilder("{\"predictions\": [");
        for (var i = 0; i < cases.Count; i++)
        {
            var separator = i == 0 ? string.Empty : ", ";
            request.Append(separator).Append('[').AppendJoin(", ", cases[i].Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append(']');
            response.Append(separator).Append('"').Append(cases[i].Diagnosis).Append('"');
        }

        await PostAsync("org.kubeflow.serving.inference.request", id, request.Append("]}").ToString(), cancellationToken).ConfigureAwait(false);
        await PostAsync("org.kubeflow.serving.inference.response", id, response.Append("]}").ToString(), cancellationToken).ConfigureAwait(false);
        Records += cases.Count;
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task PostAsync(string type, string id, string body, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        message.Headers.Add("Ce-Specversion", "1.0");
        message.Headers.Add("Ce-Id", id);
        message.Headers.Add("Ce-Type", type);
        message.Headers.Add("Ce-Source", $"http://localhost:9081/");
        message.Headers.Add("Ce-Inferenceservicename", _model);
        message.Headers.Add("Ce-Namespace", "demo");
        message.Headers.Add("Ce-Component", "predictor");
        message.Headers.Add("Ce-Endpoint", "default");
        using var reply = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (reply.StatusCode != HttpStatusCode.Accepted && reply.StatusCode != HttpStatusCode.OK)
        {
            var problem = await reply.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new DemoException($"the drift monitor refused a {type} event ({(int)reply.StatusCode}): {problem}");
        }
    }
}
