using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace MlObs.Cli.Tests;

/// <summary>
/// `mlobs drift serve` as a child process: ingest from several clients, `kill -9` mid-stream, restart on the same data
/// directory, and check that every acknowledged record is still counted and the reference is still there.
/// </summary>
public sealed class DriftServeCrashTests
{
    private const string Config = """
        defaults:
          window: {kind: sliding, records: 10000000, panes: 10}
          evaluate: {every_seconds: 3600, min_records: 1}
        snapshot_interval_seconds: 1
        """;

    private sealed class Service : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();

        private Service(Process process, Uri address)
        {
            _process = process;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<Service> StartAsync(string dataDir, string config)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetTempPath(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "mlobs.dll"), "drift", "serve", "--port", "0", "--data-dir", dataDir, "--config", config, "--log-level", "warning" })
                start.ArgumentList.Add(a);
            Process process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var service = new StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    listening.TrySetException(new InvalidOperationException("mlobs drift serve exited: " + service));
                    return;
                }
                lock (service)
                    service.AppendLine(e.Data);
                if (e.Data.StartsWith("listening on ", StringComparison.Ordinal))
                    listening.TrySetResult(new Uri(e.Data["listening on ".Length..]));
            };
            process.BeginErrorReadLine();
            Uri address = await listening.Task.WaitAsync(TimeSpan.FromMinutes(1));
            return new Service(process, address);
        }

        public void KillHard() => _process.Kill(entireProcessTree: false); // SIGKILL on Linux

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }

    private static string Rows(int count, int seed)
    {
        var random = new Random(seed);
        var json = new StringBuilder("[");
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
                json.Append(',');
            json.Append(CultureInfo.InvariantCulture, $"{{\"x\":{random.NextDouble():F4},\"y\":{random.Next(0, 50)},\"colour\":\"{(random.Next(2) == 0 ? "red" : "blue")}\"}}");
        }
        return json.Append(']').ToString();
    }

    [Fact]
    public async Task KillDash9_MidStream_LosesNoAcknowledgedRecord()
    {
        using var dir = new TempDir();
        string config = dir.Write("config.yaml", Config);
        string data = Path.Combine(dir.Path, "data");
        var reference = new StringBuilder("x,y,colour\n");
        var random = new Random(1);
        for (int i = 0; i < 2000; i++)
            reference.Append(CultureInfo.InvariantCulture, $"{random.NextDouble():F4},{random.Next(0, 50)},{(random.Next(2) == 0 ? "red" : "blue")}\n");

        long acknowledged = 0, sent = 0;
        await using (Service first = await Service.StartAsync(data, config))
        {
            using var http = new HttpClient { BaseAddress = first.Address };
            (await http.PutAsync("/v1/models/m/reference", new StringContent(reference.ToString(), Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
            using var stop = new CancellationTokenSource();
            Task[] clients = [.. Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
            {
                for (int b = 0; !stop.IsCancellationRequested; b++)
                {
                    int size = 20 + (b % 7);
                    string body = Rows(size, (c * 100_000) + b);
                    Interlocked.Add(ref sent, size);
                    try
                    {
                        using HttpResponseMessage r = await http.PostAsync("/v1/models/m/records", new StringContent(body, Encoding.UTF8, "application/json"));
                        if (r.IsSuccessStatusCode)
                            Interlocked.Add(ref acknowledged, size);
                    }
                    catch (HttpRequestException)
                    {
                        return; // the service died under us
                    }
                }
            }))];
            // Let ingest run past at least one snapshot (every second), then kill mid-stream.
            await Task.Delay(2500);
            first.KillHard();
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }
        Assert.True(acknowledged > 500, $"only {acknowledged} records were acknowledged before the kill");

        await using Service second = await Service.StartAsync(data, config);
        using var client = new HttpClient { BaseAddress = second.Address };
        JsonElement status = await client.GetFromJsonAsync<JsonElement>("/v1/models/m");
        Assert.True(status.GetProperty("reference_loaded").GetBoolean());
        long counted = status.GetProperty("window_records").GetInt64();
        Assert.True(counted >= acknowledged, $"after restart {counted} records are counted; {acknowledged} were acknowledged ({sent} sent)");
        Assert.True(counted <= sent, $"after restart {counted} records are counted but only {sent} were sent");
        // The restarted service still ingests.
        (await client.PostAsync("/v1/models/m/records", new StringContent(Rows(5, 42), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
    }
}
