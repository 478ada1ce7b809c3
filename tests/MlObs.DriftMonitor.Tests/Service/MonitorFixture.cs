using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MlObs.DriftMonitor.Configuration;
using MlObs.DriftMonitor.Http;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace MlObs.DriftMonitor.Tests.Service;

/// <summary>A drift monitor on 127.0.0.1 with a temporary data directory, a captured log and an HTTP client.</summary>
internal sealed class MonitorFixture : IAsyncDisposable
{
    private readonly bool _ownsDirectory;

    private MonitorFixture(DriftMonitorServer server, string dataDirectory, LogCapture logs, bool ownsDirectory)
    {
        Server = server;
        DataDirectory = dataDirectory;
        Logs = logs;
        _ownsDirectory = ownsDirectory;
        Client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public DriftMonitorServer Server { get; }

    public string DataDirectory { get; }

    public LogCapture Logs { get; }

    public HttpClient Client { get; }

    public static async Task<MonitorFixture> StartAsync(string? configYaml = null, string? dataDirectory = null, string? tokenFile = null)
    {
        bool owns = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "mlobs-dm-" + Guid.NewGuid().ToString("N"));
        var logs = new LogCapture();
        var options = new MonitorServerOptions
        {
            DataDirectory = dataDirectory,
            Port = 0,
            BindAddress = "127.0.0.1",
            TokenFile = tokenFile,
            Config = configYaml is null ? new MonitorConfig() : MonitorConfigLoader.Parse(configYaml),
            Logger = new LoggerConfiguration().MinimumLevel.Debug().Enrich.FromLogContext().WriteTo.Sink(logs).CreateLogger(),
            TickInterval = TimeSpan.FromMilliseconds(100),
        };
        DriftMonitorServer server = await DriftMonitorServer.StartAsync(options);
        return new MonitorFixture(server, dataDirectory, logs, owns);
    }

    /// <summary>The iris-like reference: four numerical features and a categorical prediction, 300 rows.</summary>
    public static string ReferenceCsv(int rows = 300, int seed = 1, double shift = 0)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("sepal_length,sepal_width,petal_length,petal_width,prediction\n");
        for (int i = 0; i < rows; i++)
        {
            int species = i % 3;
            csv.Append(CultureInfo.InvariantCulture, $"{5 + species * 0.6 + random.NextDouble() + shift:F3},{3 + random.NextDouble() * 0.5:F3},{1.5 + species * 2 + random.NextDouble() + shift:F3},{0.2 + species * 0.8 + random.NextDouble() * 0.3:F3},{species}\n");
        }
        return csv.ToString();
    }

    public async Task<HttpResponseMessage> PutReferenceAsync(string model, string csv, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/models/{model}/reference")
        {
            Content = new StringContent(csv, Encoding.UTF8, "text/csv"),
        };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string contentType = "application/json") =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, contentType));

    public async Task<HttpResponseMessage> PostCloudEventAsync(string type, string id, string body, IDictionary<string, string> extensions, string path = "/")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Ce-Specversion", "1.0");
        request.Headers.Add("Ce-Type", type);
        request.Headers.Add("Ce-Source", "http://localhost:9081/");
        request.Headers.Add("Ce-Id", id);
        foreach ((string key, string value) in extensions)
            request.Headers.Add("Ce-" + key, value);
        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using HttpResponseMessage response = await Client.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public async Task<string> MetricsAsync() => await Client.GetStringAsync("/metrics");

    /// <summary>The value of one series in the text exposition, or null when absent.</summary>
    public static double? Metric(string exposition, string name, params (string Label, string Value)[] labels)
    {
        foreach (string line in exposition.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.StartsWith('#'))
                continue;
            string rest = line[name.Length..];
            if (rest.Length > 0 && rest[0] != '{' && rest[0] != ' ')
                continue;
            if (labels.All(l => rest.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>A Serilog sink keeping every rendered event and its properties.</summary>
internal sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public void Emit(LogEvent logEvent)
    {
        var text = new StringWriter();
        new Serilog.Formatting.Compact.RenderedCompactJsonFormatter().Format(logEvent, text);
        _lines.Enqueue(text.ToString());
    }
}
