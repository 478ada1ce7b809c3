// mlobs-kubeflow-load: starts a fake Kubernetes API server holding N Kubeflow objects and P fake inference pods, runs the
// exporter as a child process (this same program with `exporter`), waits until it has listed everything, changes objects
// for a fixed time while the exporter scrapes the pods, then times GET /metrics and reports the child's CPU time and peak
// RSS (/proc/PID/status VmHWM) with the load average. Bounded: it stops after --seconds.
//
//   mlobs-kubeflow-load [--objects 5000] [--pods 200] [--seconds 30] [--scrapes 20]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MlObs.KubeflowExporter.Configuration;
using MlObs.KubeflowExporter.Http;
using MlObs.KubeflowExporter.Testing;
using static MlObs.KubeflowExporter.Testing.KubeflowObjects;

if (args is ["exporter", var server, var interval])
    return await RunExporterAsync(new Uri(server), double.Parse(interval, CultureInfo.InvariantCulture));

int objects = Arg("--objects", 5000), pods = Arg("--pods", 200), seconds = Arg("--seconds", 30), scrapes = Arg("--scrapes", 20);
const double ScrapeInterval = 5;
Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");

await using FakeKubeApiServer api = await FakeKubeApiServer.StartAsync();
RegisterAll(api);
var fakePods = new List<FakePodBehaviour>();
for (int i = 0; i < pods; i++)
    fakePods.Add(i % 4 == 3 ? new FakePodBehaviour { Path = "/prometheus", Body = Text("seldon-executor-metrics.txt") } : new FakePodBehaviour { Body = Text("kserve-aggregated-metrics.txt") });
await using FakeMetricsPods metricsPods = await FakeMetricsPods.StartAsync(fakePods);
var workflows = Populate(api, objects, pods, metricsPods);
Console.WriteLine($"fake API: {objects} objects in {Math.Max(1, objects / 100)} profile namespaces, {pods} inference pods ({pods / 4} Seldon)");

var start = new ProcessStartInfo(Environment.ProcessPath!, [typeof(Program).Assembly.Location, "exporter", api.Address.ToString(), ScrapeInterval.ToString(CultureInfo.InvariantCulture)])
{
    RedirectStandardError = true,
    RedirectStandardOutput = true,
};
if (!Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal))
    start.ArgumentList.RemoveAt(0);
var clock = Stopwatch.StartNew();
using Process child = Process.Start(start)!;
_ = child.StandardOutput.ReadToEndAsync();
string? line;
Uri? exporter = null;
while ((line = await child.StandardError.ReadLineAsync()) is not null)
{
    if (line.StartsWith("listening on ", StringComparison.Ordinal))
    {
        exporter = new Uri(line["listening on ".Length..]);
        break;
    }
}
if (exporter is null)
{
    Console.Error.WriteLine("the exporter did not start");
    return 1;
}
_ = child.StandardError.ReadToEndAsync();
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
while ((await http.GetAsync(new Uri(exporter, "/readyz"))).StatusCode != System.Net.HttpStatusCode.OK)
    await Task.Delay(50);
Console.WriteLine($"exporter ready (every resource listed) after {clock.Elapsed.TotalSeconds:F2} s; CPU so far {Cpu(child):F2} s");

// Churn: one workflow changes phase every 20 ms (50 events/s) for the measured window.
double cpuBefore = Cpu(child);
var window = Stopwatch.StartNew();
int changes = 0;
while (window.Elapsed < TimeSpan.FromSeconds(seconds))
{
    JsonObject run = workflows[changes % workflows.Count];
    run["status"]!["phase"] = changes / workflows.Count % 2 == 0 ? "Succeeded" : "Running";
    run["status"]!["finishedAt"] = "2026-11-27T21:59:00Z";
    api.Apply(Paths.Workflows, run);
    changes++;
    await Task.Delay(20);
}
double cpuWindow = Cpu(child) - cpuBefore;
Console.WriteLine($"window: {window.Elapsed.TotalSeconds:F1} s with {changes} watch events and scrapes of {pods} pods every {ScrapeInterval} s: "
    + $"exporter CPU {cpuWindow:F2} s ({100 * cpuWindow / window.Elapsed.TotalSeconds:F1} % of one core)");

var times = new List<double>();
long bytes = 0;
for (int i = 0; i < scrapes; i++)
{
    var sw = Stopwatch.StartNew();
    byte[] body = await http.GetByteArrayAsync(new Uri(exporter, "/metrics"));
    times.Add(sw.Elapsed.TotalMilliseconds);
    bytes = body.Length;
    if (i == 0)
    {
        string text = System.Text.Encoding.UTF8.GetString(body);
        int series = text.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        int up = text.Split('\n').Count(l => l.StartsWith("kubeflow_inference_scrape_up{", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        Console.WriteLine($"/metrics: {series} series, {bytes / 1024.0 / 1024.0:F1} MiB; {up} of {pods} pods up");
    }
}
times.Sort();
Console.WriteLine($"GET /metrics x{scrapes}: median {times[times.Count / 2]:F1} ms, p95 {times[(int)(times.Count * 0.95)]:F1} ms, max {times[^1]:F1} ms");
Console.WriteLine($"exporter peak RSS (VmHWM) {PeakRssMiB(child.Id):F0} MiB, RSS now {RssMiB(child.Id):F0} MiB, total CPU {Cpu(child):F2} s");
Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
child.Kill();
await child.WaitForExitAsync();
return 0;

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static double Cpu(Process p)
{
    p.Refresh();
    return p.TotalProcessorTime.TotalSeconds;
}

static double PeakRssMiB(int pid) => StatusKb(pid, "VmHWM:") / 1024.0;

static double RssMiB(int pid) => StatusKb(pid, "VmRSS:") / 1024.0;

static long StatusKb(int pid, string key) =>
    long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

static List<JsonObject> Populate(FakeKubeApiServer api, int count, int podCount, FakeMetricsPods metricsPods)
{
    int namespaces = Math.Max(1, count / 100);
    for (int n = 0; n < namespaces; n++)
    {
        JsonObject ns = Load("namespace-profile.json");
        ns["metadata"]!["name"] = $"kubeflow-user-{n}";
        api.Apply(Paths.Namespaces, ns);
    }
    (string File, string Path, int Share)[] mix =
    [
        ("workflow-succeeded.json", Paths.Workflows, 30), ("workflow-running.json", Paths.Workflows, 10), ("trial-succeeded.json", Paths.Trials, 20),
        ("experiment-running.json", Paths.Experiments, 5), ("notebook-ready.json", Paths.Notebooks, 10), ("notebook-crashloop.json", Paths.Notebooks, 2),
        ("inferenceservice-ready.json", Paths.InferenceServices, 10), ("inferenceservice-failed.json", Paths.InferenceServices, 3),
        ("seldondeployment-available.json", Paths.SeldonDeployments, 3), ("pytorchjob-failed.json", Paths.PyTorchJobs, 7),
    ];
    int total = mix.Sum(m => m.Share);
    var workflows = new List<JsonObject>();
    int made = 0;
    foreach ((string file, string path, int share) in mix)
    {
        int n = file == mix[^1].File ? count - made : count * share / total;
        for (int i = 0; i < n; i++, made++)
        {
            JsonObject obj = Named(file, $"{Path.GetFileNameWithoutExtension(file)}-{i}", $"kubeflow-user-{made % namespaces}");
            api.Apply(path, obj);
            if (path == Paths.Workflows)
                workflows.Add(obj);
        }
    }
    for (int i = 0; i < podCount; i++)
    {
        string ns = $"kubeflow-user-{i % namespaces}";
        api.Apply(Paths.Pods, i % 4 == 3
            ? SeldonPod($"seldon-{i}", $"seldon-{i}-pod", metricsPods.Ports[i], ns)
            : KServePod($"isvc-{i}", $"isvc-{i}-predictor-pod", metricsPods.Ports[i], ns));
    }
    return workflows;
}

static async Task<int> RunExporterAsync(Uri server, double interval)
{
    var config = new ExporterConfig();
    config = config with { Inference = config.Inference with { Interval = TimeSpan.FromSeconds(interval), Timeout = TimeSpan.FromSeconds(Math.Min(interval, 10)) } };
    await using KubeflowExporterServer exporter = await KubeflowExporterServer.StartAsync(new ExporterServerOptions
    {
        Port = 0,
        BindAddress = "127.0.0.1",
        Config = config,
        Connection = new MlObs.KubeflowExporter.Kube.KubeConnection { Server = server },
        LogLevel = Serilog.Events.LogEventLevel.Warning,
    });
    await Console.Error.WriteLineAsync($"listening on {exporter.Address}");
    await exporter.WaitForShutdownAsync();
    return 0;
}
