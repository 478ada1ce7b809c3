// `mlobs demo`: the main job of the README. A model's inputs drift, and the alert fires in a real Alertmanager from the
// rules and scrape job a C# charm published on its metrics-endpoint relation (the steps: Demo/README.md).
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MlObs.Cli.Demo;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.Emulator;

namespace MlObs.Cli.Commands;

/// <summary>The <c>demo</c> verb.</summary>
internal static class DemoCommand
{
    private static readonly string[] DriftAlerts = ["DatasetDriftDetected", "FeatureDriftDetected", "PredictionDriftDetected"];

    public static Command Create()
    {
        var exitAfterAlert = new Option<bool>("--exit-after-alert") { Description = "Stop by itself once DatasetDriftDetected has fired in Alertmanager and the report is written (exit 0), instead of running until Ctrl-C." };
        var dir = new Option<DirectoryInfo?>("--dir") { Description = "Where configs, logs, data and the drift report go (default: a new mlobs-demo-* directory under the system's temp directory). It is kept." };
        var noPack = new Option<bool>("--no-pack") { Description = "Reuse the charm packed by the last run (artifacts/demo/drift-monitor-k8s_amd64.charm) instead of packing it again." };
        var noInstall = new Option<bool>("--no-install") { Description = "Do not install Prometheus and Alertmanager with apt-get when they are missing; run without alerting instead." };
        var rate = new Option<int>("--rate") { Description = "Inference records replayed per second (10 per predict call).", DefaultValueFactory = _ => 100 };
        var healthySeconds = new Option<int>("--healthy-seconds") { Description = "How long traffic like the reference is replayed before it drifts.", DefaultValueFactory = _ => 20 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds the drifted traffic may take to raise the alert before the demo gives up (exit 1).", DefaultValueFactory = _ => 180 };
        var command = new Command(
            "demo",
            "Watch a model drift and the alert fire, on this machine: pack the drift-monitor-k8s charm, run it through the "
            + "hook-tool emulator with metrics-endpoint, logging and grafana-dashboard relations, start the drift monitor from "
            + "the charm's Pebble plan, load a reference (Breast Cancer Wisconsin, embedded) with the set-reference action, "
            + "configure real Prometheus and Alertmanager from the charm's relation data as prometheus-k8s would (rule `for` "
            + "durations divided by 60), replay KServe inference traffic that drifts halfway, and show the alerts and the HTML "
            + "drift report. Ctrl-C stops everything it started. Needs the .NET SDK and gcc (Native AOT); installs Debian's "
            + "prometheus and prometheus-alertmanager when missing and allowed. About 3 minutes the first time, 1 minute after.")
        {
            exitAfterAlert, dir, noPack, noInstall, rate, healthySeconds, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var rows = parse.GetValue(rate);
            var healthy = parse.GetValue(healthySeconds);
            var limit = parse.GetValue(timeout);
            if (rows is < 10 or > 5000 || healthy is < 5 or > 3600 || limit is < 10 or > 3600)
            {
                await Console.Error.WriteLineAsync("mlobs demo: --rate must be 10-5000, --healthy-seconds 5-3600 and --timeout 10-3600").ConfigureAwait(false);
                return 2;
            }

            return await RunAsync(
                new DemoArguments(parse.GetValue(exitAfterAlert), parse.GetValue(dir)?.FullName, !parse.GetValue(noPack), !parse.GetValue(noInstall), rows, healthy, limit),
                Console.Out,
                Console.Error,
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private sealed record DemoArguments(bool ExitAfterAlert, string? Directory, bool Pack, bool Install, int Rate, int HealthySeconds, int TimeoutSeconds);

    private static async Task<int> RunAsync(DemoArguments arguments, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            await errors.WriteLineAsync("mlobs demo: charms, Prometheus and the emulator run on Linux; run the demo on a Linux machine.").ConfigureAwait(false);
            return 2;
        }

        var repo = RepositoryRoot.Find();
        if (repo is null)
        {
            await errors.WriteLineAsync("mlobs demo: run it from a checkout of the MlObs repository (it packs charms/drift-monitor-k8s; no MlObs.sln found above this directory).").ConfigureAwait(false);
            return 2;
        }

        var workDir = arguments.Directory ?? Directory.CreateTempSubdirectory("mlobs-demo-").FullName;
        var options = new DemoOptions
        {
            RepositoryRoot = repo,
            WorkDirectory = workDir,
            Pack = arguments.Pack,
            RowsPerSecond = arguments.Rate,
            HealthyPhase = TimeSpan.FromSeconds(arguments.HealthySeconds),
            AlertTimeout = TimeSpan.FromSeconds(arguments.TimeoutSeconds),
        };
        await output.WriteLineAsync("MlObs demo: a model drifts, and a C# charm's alert rules fire in Prometheus and Alertmanager.").ConfigureAwait(false);
        await output.WriteLineAsync($"Work directory (configs, logs, data, the report): {workDir}").ConfigureAwait(false);
        var demo = new DriftAlertDemo(options, output);
        try
        {
            return await RunStepsAsync(demo, options, arguments, output, errors, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync("Interrupted: stopping the drift monitor, Prometheus and Alertmanager.").ConfigureAwait(false);
            return 130;
        }
        catch (Exception e) when (e is DemoException or CharmRunException or IOException or HttpRequestException or JsonException)
        {
            await errors.WriteLineAsync($"mlobs demo: {e.Message}").ConfigureAwait(false);
            await errors.WriteLineAsync($"Logs and configs are in {workDir}.").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            await demo.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<int> RunStepsAsync(DriftAlertDemo demo, DemoOptions options, DemoArguments arguments, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        await Step(output, 1, options.Pack
            ? "Packing charms/drift-monitor-k8s as `mlobs charm pack` does (Native AOT publish; about 2 minutes the first time) ..."
            : "Reusing the charm packed by the last run ...").ConfigureAwait(false);
        await demo.PackCharmAsync(cancellationToken).ConfigureAwait(false);

        await Step(output, 2, "Running the charm's hooks through the hook-tool emulator (`mlobs charm run`), as Juju would after `juju deploy` and `juju integrate` with COS:").ConfigureAwait(false);
        var hookToolClient = await HookToolClient.FindAsync(output, cancellationToken).ConfigureAwait(false);
        await demo.DeployCharmAsync(hookToolClient, cancellationToken).ConfigureAwait(false);

        await Step(output, 3, "Starting the drift monitor from the charm's Pebble plan (its command, environment and pushed config.yaml):").ConfigureAwait(false);
        await demo.StartWorkloadAsync(cancellationToken).ConfigureAwait(false);

        await Step(output, 4, $"Loading the reference ({demo.Dataset.Cases.Count} cases × {demo.Dataset.Features.Count} features of Breast Cancer Wisconsin, and the predictions) with the set-reference action:").ConfigureAwait(false);
        await demo.LoadReferenceAsync(cancellationToken).ConfigureAwait(false);

        await Step(output, 5, "Configuring Prometheus from the charm's metrics-endpoint relation data, as prometheus-k8s does, and starting Prometheus and Alertmanager:").ConfigureAwait(false);
        var binaries = await FindOrInstallAlertingAsync(arguments.Install, options.WorkDirectory, output, cancellationToken).ConfigureAwait(false);
        if (binaries is not null)
        {
            await demo.StartAlertingAsync(binaries, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"      Prometheus or Alertmanager is not installed: install them with `{AlertingBinaries.InstallCommand}` and run the demo again to see the alert fire. Going on without them; the drift monitor's own verdict stands in for the alert.").ConfigureAwait(false);
        }

        await Step(output, 6, $"Replaying inference traffic for model '{options.Model}' as KServe's logger posts it ({options.RowsPerSecond} cases/s, {options.RowsPerCall} per predict call):").ConfigureAwait(false);
        await output.WriteLineAsync($"      phase 1, {options.HealthyPhase.TotalSeconds:0} s: cases like the reference").ConfigureAwait(false);
        var healthy = await demo.ReplayAsync(demo.Dataset.Healthy(options.Seed), options.HealthyPhase, (elapsed, ct) => ReportHealthyAsync(demo, elapsed, output, ct), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"      phase 1 done: {healthy.Records:N0} cases, {(demo.Alerting is null ? "no dataset drift" : "no drift alert")}").ConfigureAwait(false);

        await output.WriteLineAsync("      phase 2: only malignant cases (a referral clinic now sends only its suspicious masses)").ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var drifted = await demo.ReplayAsync(demo.Dataset.Drifted(options.Seed), options.AlertTimeout, (elapsed, ct) => WatchDriftAsync(demo, elapsed, seen, output, ct), cancellationToken).ConfigureAwait(false);
        if (!drifted.Stopped)
        {
            var status = await demo.ModelStatusAsync(cancellationToken).ConfigureAwait(false);
            await errors.WriteLineAsync($"mlobs demo: no {DriftAlertDemo.DatasetDriftAlert} alert after {options.AlertTimeout.TotalSeconds:0} s of drifted traffic; the model's status: {status}").ConfigureAwait(false);
            return 1;
        }

        await Step(output, 7, "The drift report:").ConfigureAwait(false);
        var report = await demo.WriteReportAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"      {report}").ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Done in {total.Elapsed.TotalSeconds:0} s.")).ConfigureAwait(false);
        if (arguments.ExitAfterAlert)
        {
            return 0;
        }

        await output.WriteLineAsync(demo.Alerting is null
            ? $"The drift monitor still runs at {demo.WorkloadUrl}. Press Ctrl-C to stop it."
            : $"Prometheus ({demo.Alerting.PrometheusUrl}), Alertmanager ({demo.Alerting.AlertmanagerUrl}) and the drift monitor ({demo.WorkloadUrl}) still run. Press Ctrl-C to stop them.").ConfigureAwait(false);
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    // Phase 1: a line every 5 s; any drift alert, even pending, is reported (there should be none).
    private static async Task<bool> ReportHealthyAsync(DriftAlertDemo demo, TimeSpan elapsed, TextWriter output, CancellationToken cancellationToken)
    {
        if (demo.Alerting is not null)
        {
            foreach (var alert in (await demo.Alerting.PrometheusAlertsAsync(cancellationToken).ConfigureAwait(false)).Where(a => DriftAlerts.Contains(a.Name)))
            {
                await output.WriteLineAsync($"      unexpected: {alert.Name} {alert.State} for {alert.Label("feature")} during healthy traffic").ConfigureAwait(false);
            }
        }

        if ((int)elapsed.TotalSeconds % 5 == 0)
        {
            await output.WriteLineAsync($"      +{elapsed.TotalSeconds,3:0} s  {await DriftSummaryAsync(demo, cancellationToken).ConfigureAwait(false)}").ConfigureAwait(false);
        }

        return false;
    }

    // Phase 2: every alert state change is shown; done once Alertmanager holds DatasetDriftDetected (or, without
    // Prometheus, once the drift monitor finds dataset drift).
    private static async Task<bool> WatchDriftAsync(DriftAlertDemo demo, TimeSpan elapsed, HashSet<string> seen, TextWriter output, CancellationToken cancellationToken)
    {
        var at = $"+{elapsed.TotalSeconds,3:0} s";
        if (demo.Alerting is null)
        {
            var status = await demo.ModelStatusAsync(cancellationToken).ConfigureAwait(false);
            var drift = status.TryGetProperty("dataset_drift", out var d) && d.GetBoolean();
            if (drift || (int)elapsed.TotalSeconds % 5 == 0)
            {
                await output.WriteLineAsync($"      {at}  {await DriftSummaryAsync(demo, cancellationToken).ConfigureAwait(false)}").ConfigureAwait(false);
            }

            return drift;
        }

        var fresh = false;
        foreach (var alert in (await demo.Alerting.PrometheusAlertsAsync(cancellationToken).ConfigureAwait(false)).Where(a => DriftAlerts.Contains(a.Name)).OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            var key = $"{alert.Name}/{alert.Label("feature")}/{alert.State}";
            if (seen.Add(key) && (alert.Name != "FeatureDriftDetected" || seen.Count(k => k.StartsWith("FeatureDriftDetected/", StringComparison.Ordinal) && k.EndsWith("/" + alert.State, StringComparison.Ordinal)) <= 3))
            {
                fresh = true;
                var what = alert.Label("feature").Length > 0 ? $" ({alert.Label("feature")})" : string.Empty;
                await output.WriteLineAsync($"      {at}  Prometheus: {alert.Name}{what} {alert.State}").ConfigureAwait(false);
            }
        }

        var received = (await demo.Alerting.AlertmanagerAlertsAsync(cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(a => a.Name == DriftAlertDemo.DatasetDriftAlert && a.State == "active");
        if (received is not null)
        {
            await output.WriteLineAsync($"      {at}  ALERT in Alertmanager: {received.Name} [{received.Label("severity")}] {received.Annotations.GetValueOrDefault("summary")}").ConfigureAwait(false);
            await output.WriteLineAsync($"             labels: {string.Join(", ", received.Labels.Where(l => l.Key.StartsWith("juju_", StringComparison.Ordinal) || l.Key == "model").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))}").ConfigureAwait(false);
            foreach (var line in Wrap(received.Annotations.GetValueOrDefault("description") ?? string.Empty, 110))
            {
                await output.WriteLineAsync("             " + line).ConfigureAwait(false);
            }

            await output.WriteLineAsync($"             see {demo.Alerting.AlertmanagerUrl}#/alerts").ConfigureAwait(false);
            return true;
        }

        if (!fresh && (int)elapsed.TotalSeconds % 5 == 0)
        {
            await output.WriteLineAsync($"      {at}  {await DriftSummaryAsync(demo, cancellationToken).ConfigureAwait(false)}").ConfigureAwait(false);
        }

        return false;
    }

    private static async Task<string> DriftSummaryAsync(DriftAlertDemo demo, CancellationToken cancellationToken)
    {
        var status = await demo.ModelStatusAsync(cancellationToken).ConfigureAwait(false);
        var window = status.GetProperty("window_records").GetInt64();
        if (demo.Alerting is not null)
        {
            var share = await demo.Alerting.QueryAsync("mlobs_dataset_drift_share", cancellationToken).ConfigureAwait(false);
            if (share.Count > 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"window {window} cases; Prometheus sees a dataset drift share of {share[0].Value:P0}");
            }
        }

        var drift = status.TryGetProperty("dataset_drift", out var d) ? (d.GetBoolean() ? "drift" : "no drift") : "not evaluated yet";
        return $"window {window} cases; last evaluation: {drift}";
    }

    private static async Task<AlertingBinaries?> FindOrInstallAlertingAsync(bool install, string workDir, TextWriter output, CancellationToken cancellationToken)
    {
        var found = AlertingBinaries.Find();
        if (found is not null || !install)
        {
            return found;
        }

        string[]? prefix = Environment.UserName == "root" ? [] : null;
        if (prefix is null)
        {
            var sudo = await ChildProcess.RunAsync("sudo", ["-n", "true"], new Dictionary<string, string>(), workDir, timeout: TimeSpan.FromSeconds(10), cancellationToken: cancellationToken).ConfigureAwait(false);
            prefix = sudo.ExitCode == 0 ? ["sudo", "-n"] : null;
        }

        if (prefix is null)
        {
            return null;
        }

        var log = Path.Combine(workDir, "apt.log");
        await output.WriteLineAsync($"      Installing {string.Join(' ', AlertingBinaries.DebianPackages)} with apt-get (once; --no-install skips this; log: {log}) ...").ConfigureAwait(false);
        var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        var text = new System.Text.StringBuilder();
        foreach (var command in new[] { new[] { "apt-get", "update" }, ["apt-get", "install", "-y", .. AlertingBinaries.DebianPackages] })
        {
            var line = prefix.Concat(command).ToArray();
            var result = await ChildProcess.RunAsync(line[0], line[1..], environment, workDir, timeout: TimeSpan.FromMinutes(10), cancellationToken: cancellationToken).ConfigureAwait(false);
            text.Append(result.Stdout).Append(result.Stderr);
            if (result.ExitCode != 0)
            {
                await File.WriteAllTextAsync(log, text.ToString(), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"      `{string.Join(' ', line)}` failed (exit {result.ExitCode}; see {log}).").ConfigureAwait(false);
                return null;
            }
        }

        await File.WriteAllTextAsync(log, text.ToString(), cancellationToken).ConfigureAwait(false);
        return AlertingBinaries.Find();
    }

    private static Task Step(TextWriter output, int number, string text) => output.WriteLineAsync($"[{number}/7] {text}");

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}
