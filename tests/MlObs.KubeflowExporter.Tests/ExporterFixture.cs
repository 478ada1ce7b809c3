using System.Text;
using MlObs.KubeflowExporter.Configuration;
using MlObs.KubeflowExporter.Http;
using MlObs.KubeflowExporter.Inference;
using MlObs.KubeflowExporter.Kube;
using MlObs.KubeflowExporter.Testing;
using Serilog;

namespace MlObs.KubeflowExporter.Tests;

/// <summary>A fake API server (every Kubeflow resource registered), and an exporter on 127.0.0.1 watching it.</summary>
internal sealed class ExporterFixture : IAsyncDisposable
{
    private readonly HttpClient _http = new();
    private KubeApi? _kube;

    private ExporterFixture(FakeKubeApiServer api) => Api = api;

    public FakeKubeApiServer Api { get; }

    public KubeflowExporterServer Exporter { get; private set; } = null!;

    /// <summary>Starts the fake API with a profile namespace; <paramref name="arrange"/> adds objects before the exporter starts.</summary>
    public static async Task<ExporterFixture> StartAsync(Action<FakeKubeApiServer>? arrange = null, Func<ExporterConfig, ExporterConfig>? configure = null,
        IEnumerable<string>? missingPaths = null)
    {
        FakeKubeApiServer api = await FakeKubeApiServer.StartAsync();
        KubeflowObjects.RegisterAll(api, missingPaths);
        api.Apply(KubeflowObjects.Paths.Namespaces, KubeflowObjects.Load("namespace-profile.json"));
        arrange?.Invoke(api);
        var fixture = new ExporterFixture(api);
        await fixture.StartExporterAsync(configure);
        return fixture;
    }

    public static ExporterConfig FastConfig(ExporterConfig config) => config with
    {
        Watch = new WatchSettings { WatchTimeoutSeconds = 30, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(300) },
        Inference = config.Inference with { Interval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromMilliseconds(150) },
    };

    private async Task StartExporterAsync(Func<ExporterConfig, ExporterConfig>? configure)
    {
        ExporterConfig config = FastConfig(new ExporterConfig());
        if (configure is not null)
            config = configure(config);
        _kube = new KubeApi(new KubeConnection { Server = Api.Address }.Resolve());
        Exporter = await KubeflowExporterServer.StartAsync(new ExporterServerOptions
        {
            Port = 0,
            BindAddress = "127.0.0.1",
            Config = config,
            Api = _kube,
            Logger = new LoggerConfiguration().CreateLogger(),
        });
        await Exporter.Synced.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async Task<string> MetricsTextAsync()
    {
        using HttpResponseMessage response = await _http.GetAsync(new Uri(Exporter.Address, "/metrics"));
        response.EnsureSuccessStatusCode();
        Assert.Equal(KubeflowExporterServer.MetricsContentType, response.Content.Headers.ContentType!.ToString());
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<Scrape> MetricsAsync() => new(Exposition.Parse(await MetricsTextAsync()));

    /// <summary>Polls /metrics until <paramref name="condition"/> holds (10 s at most) and returns that scrape.</summary>
    public async Task<Scrape> MetricsWhenAsync(Func<Scrape, bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        Scrape last;
        do
        {
            last = await MetricsAsync();
            if (condition(last))
                return last;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"timed out waiting for: {what}");
        return last;
    }

    /// <summary>Waits for <paramref name="cycles"/> more complete scrape cycles.</summary>
    public async Task ScrapeCyclesAsync(int cycles = 2)
    {
        InferenceScraper scraper = Exporter.Scraper!;
        long target = scraper.Cycles + cycles;
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (scraper.Cycles < target)
        {
            Assert.True(DateTime.UtcNow < deadline, "the scraper made no progress");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Exporter.DisposeAsync();
        _kube?.Dispose();
        await Api.DisposeAsync();
        _http.Dispose();
    }
}

/// <summary>A parsed /metrics answer.</summary>
internal sealed class Scrape(IReadOnlyList<MetricFamily> families)
{
    public IReadOnlyList<MetricFamily> Families { get; } = families;

    public IEnumerable<MetricSample> Samples(string name) => Families.SelectMany(f => f.Samples).Where(s => s.Name == name);

    public IReadOnlyList<MetricSample> Find(string name, params (string Name, string Value)[] labels) =>
        [.. Samples(name).Where(s => labels.All(l => s.Labels.Any(x => x.Key == l.Name && x.Value == l.Value)))];

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include <paramref name="labels"/>, or null.</summary>
    public double? Value(string name, params (string Name, string Value)[] labels)
    {
        IReadOnlyList<MetricSample> found = Find(name, labels);
        return found.Count switch
        {
            0 => null,
            1 => found[0].Value,
            _ => throw new InvalidOperationException($"{found.Count} samples of {name} match"),
        };
    }

    public static string Describe(MetricSample s) => new StringBuilder(s.Name).Append('{')
        .AppendJoin(',', s.Labels.Select(l => $"{l.Key}=\"{l.Value}\"")).Append("} ").Append(s.Value).ToString();
}
