using System.Diagnostics;
using MlObs.KubeflowExporter.Testing;
using static MlObs.KubeflowExporter.Testing.KubeflowObjects;

namespace MlObs.Cli.Tests;

/// <summary><c>mlobs kubeflow serve</c> as a process: usage errors, and a run against the fake Kubernetes API server.</summary>
public sealed class KubeflowServeTests
{
    [Fact]
    public async Task Serve_BadConfiguration_ExitsTwoNamingFileLineAndKey()
    {
        using var dir = new TempDir();
        string config = dir.Write("exporter.yaml", "inference:\n  concurrency: 0\n");

        Mlobs.Result r = await Mlobs.RunAsync("kubeflow", "serve", "--config", config, "--server", "http://127.0.0.1:1");

        Assert.True(r.ExitCode == 2, r.Describe());
        Assert.Contains($"{config}, line 2: inference.concurrency: 0 is out of range (1 to 256)", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--namespace", "Team_B", "--namespace Team_B: not a namespace name")]
    [InlineData("--server", "127.0.0.1:8001", "--server 127.0.0.1:8001: expected an http(s) URL")]
    [InlineData("--loki-url", "loki", "--loki-url loki: expected an http(s) URL")]
    [InlineData("--kubeconfig", "/nonexistent/kubeconfig", "Cannot use the kubeconfig /nonexistent/kubeconfig")]
    public async Task Serve_BadOption_ExitsTwoNamingIt(string option, string value, string message)
    {
        Mlobs.Result r = await Mlobs.RunAsync("kubeflow", "serve", option, value);

        Assert.True(r.ExitCode == 2, r.Describe());
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_AgainstAnApiServer_ExposesItsObjects()
    {
        await using FakeKubeApiServer api = await FakeKubeApiServer.StartAsync();
        RegisterAll(api);
        api.Apply(Paths.Namespaces, Load("namespace-profile.json"));
        api.Apply(Paths.InferenceServices, Load("inferenceservice-ready.json"));
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "mlobs.dll"), "kubeflow", "serve", "--server", api.Address.ToString(), "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        try
        {
            _ = process.StandardOutput.ReadToEndAsync();
            string? line;
            Uri? address = null;
            while (address is null && (line = await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1))) is not null)
            {
                if (line.StartsWith("listening on ", StringComparison.Ordinal))
                    address = new Uri(line["listening on ".Length..]);
            }
            Assert.NotNull(address);
            using var http = new HttpClient();
            DateTime deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await http.GetAsync(new Uri(address, "/readyz"))).StatusCode != System.Net.HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < deadline, "not ready in 30 s");
                await Task.Delay(100);
            }

            string metrics = await http.GetStringAsync(new Uri(address, "/metrics"));

            Assert.Contains("kubeflow_inference_service_ready{namespace=\"kubeflow-user-example-com\",inference_service=\"sklearn-iris\",kind=\"InferenceService\"} 1", metrics, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
