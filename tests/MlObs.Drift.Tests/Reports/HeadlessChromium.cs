// Runs Debian's headless Chromium on a local HTML file with every host name mapped to "not found" (so nothing can leave the
// machine) and a Chromium net log, from which it reads the requests the page itself started.
using System.Diagnostics;
using System.Text.Json;

namespace MlObs.Drift.Tests.Reports;

internal sealed record ChromiumRun(int ExitCode, string StandardOutput, string StandardError, IReadOnlyList<string> PageRequests);

internal static class HeadlessChromium
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The chromium binary: $MLOBS_CHROMIUM, else chromium or chromium-browser on PATH; null when there is none.</summary>
    public static string? Find()
    {
        string? configured = Environment.GetEnvironmentVariable("MLOBS_CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
            return File.Exists(configured) ? configured : null;
        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator);
        foreach (string name in new[] { "chromium", "chromium-browser" })
        {
            foreach (string directory in directories)
            {
                string candidate = Path.Combine(directory, name);
                if (directory.Length > 0 && File.Exists(candidate))
                    return candidate;
            }
        }
        return null;
    }

    /// <summary>Loads <paramref name="htmlFile"/> with the given mode arguments (<c>--dump-dom</c>, <c>--screenshot=…</c>).</summary>
    public static ChromiumRun Run(string chromium, string htmlFile, params string[] modeArguments)
    {
        string work = Path.Combine(Path.GetTempPath(), "mlobs-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string netLog = Path.Combine(work, "netlog.json");
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars",
                "--host-resolver-rules=MAP * ~NOTFOUND", $"--user-data-dir={Path.Combine(work, "profile")}",
                $"--log-net-log={netLog}", "--net-log-capture-mode=Default",
            })
            {
                start.ArgumentList.Add(argument);
            }
            foreach (string argument in modeArguments)
                start.ArgumentList.Add(argument);
            start.ArgumentList.Add(new Uri(Path.GetFullPath(htmlFile)).AbsoluteUri);

            using var process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish within {Timeout.TotalSeconds} s; stderr: {stderr.Result}");
            }
            process.WaitForExit();
            return new ChromiumRun(process.ExitCode, stdout.Result, stderr.Result, PageRequests(netLog));
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A chromium helper may still hold a file for a moment; the temp folder is cleaned up by the system.
            }
        }
    }

    /// <summary>
    /// The URLs of the requests that the page started: net-log URL_REQUEST_START_JOB events whose network isolation key is the
    /// file:// site. Chromium's own background requests (update checks and the like) have other keys and are left out; the
    /// host resolver rules stop those too.
    /// </summary>
    private static List<string> PageRequests(string netLog)
    {
        if (!File.Exists(netLog))
            throw new InvalidOperationException("chromium wrote no net log, so its requests cannot be checked");
        string text = File.ReadAllText(netLog);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            // A log cut short (chromium killed) lacks its closing brackets.
            document = JsonDocument.Parse(text.TrimEnd().TrimEnd(',') + "]}");
        }
        using (document)
        {
            int startJob = document.RootElement.GetProperty("constants").GetProperty("logEventTypes").GetProperty("URL_REQUEST_START_JOB").GetInt32();
            var urls = new List<string>();
            foreach (JsonElement e in document.RootElement.GetProperty("events").EnumerateArray())
            {
                if (e.GetProperty("type").GetInt32() != startJob || !e.TryGetProperty("params", out JsonElement p))
                    continue;
                string key = p.TryGetProperty("network_isolation_key", out JsonElement k) ? k.GetString() ?? string.Empty : string.Empty;
                string site = p.TryGetProperty("site_for_cookies", out JsonElement s) ? s.GetString() ?? string.Empty : string.Empty;
                if (key.Contains("file://", StringComparison.Ordinal) || site.Contains("site=file://", StringComparison.Ordinal))
                    urls.Add(p.GetProperty("url").GetString() ?? string.Empty);
            }
            return urls;
        }
    }
}
