// Fake inference pods on 127.0.0.1: one Kestrel listener per pod, each serving a Prometheus text body at its path (KServe's
// /metrics on the aggregation port, Seldon's executor /prometheus), with an optional delay or error status per pod.
using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlObs.KubeflowExporter.Testing;

/// <summary>What one fake pod answers.</summary>
public sealed class FakePodBehaviour
{
    /// <summary>The path served; others answer 404.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>The exposition text.</summary>
    public string Body { get; set; } = "";

    /// <summary>A delay before answering (a slow or hung model server).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>The status code (200 unless a failure is wanted).</summary>
    public int Status { get; set; } = 200;
}

/// <summary>A set of fake pods, each on its own loopback port.</summary>
public sealed class FakeMetricsPods : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, int> _scrapes = new();

    private FakeMetricsPods(WebApplication app, IReadOnlyList<FakePodBehaviour> pods, IReadOnlyList<int> ports)
    {
        _app = app;
        Pods = pods;
        Ports = ports;
    }

    /// <summary>The behaviour of each pod (mutable while running).</summary>
    public IReadOnlyList<FakePodBehaviour> Pods { get; }

    /// <summary>The port of each pod.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>How many times pod <paramref name="index"/> was scraped.</summary>
    public int Scrapes(int index) => _scrapes.GetValueOrDefault(Ports[index]);

    /// <summary>Starts <paramref name="pods"/>.Count listeners.</summary>
    public static async Task<FakeMetricsPods> StartAsync(IReadOnlyList<FakePodBehaviour> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            for (int i = 0; i < pods.Count; i++)
                k.Listen(IPAddress.Loopback, 0);
        });
        WebApplication app = builder.Build();
        var byPort = new ConcurrentDictionary<int, FakePodBehaviour>();
        FakeMetricsPods? self = null;
        app.Run(async context =>
        {
            int port = context.Connection.LocalPort;
            self!._scrapes.AddOrUpdate(port, 1, (_, n) => n + 1);
            FakePodBehaviour pod = byPort[port];
            if (pod.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(pod.Delay, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            if (context.Request.Path != pod.Path)
            {
                context.Response.StatusCode = 404;
                return;
            }
            context.Response.StatusCode = pod.Status;
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(pod.Body).ConfigureAwait(false);
        });
        await app.StartAsync().ConfigureAwait(false);
        int[] ports = [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a).Port)];
        for (int i = 0; i < pods.Count; i++)
            byPort[ports[i]] = pods[i];
        self = new FakeMetricsPods(app, pods, ports);
        return self;
    }

    /// <summary>Stops every listener.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
