// `mlobs kubeflow serve`: the kubeflow-observability workload (MlObs.KubeflowExporter) outside Juju: against a cluster
// from a kubeconfig, `kubectl proxy`, or in a pod with its service account.
using System.CommandLine;
using MlObs.KubeflowExporter.Configuration;
using MlObs.KubeflowExporter.Http;
using MlObs.KubeflowExporter.Kube;
using Serilog.Events;

namespace MlObs.Cli.Commands;

/// <summary>The <c>kubeflow</c> verb and its <c>serve</c> sub-command.</summary>
internal static class KubeflowCommand
{
    public const int UsageError = 2;

    public static Command Create() => new("kubeflow", "Observe what Charmed Kubeflow leaves dark: inference services, notebooks, pipeline runs, experiments and training jobs of user namespaces, as Prometheus metrics; inference pods' metrics aggregated; their logs pushed to Loki.")
    {
        CreateServe(),
    };

    private static Command CreateServe()
    {
        var port = new Option<int>("--port", "-p") { Description = "The TCP port of /metrics, /healthz and /readyz (0 picks a free one and prints it).", DefaultValueFactory = _ => 8080 };
        var bind = new Option<string>("--bind")
        {
            Description = "The address to listen on: 127.0.0.1 (this machine only, the default) or 0.0.0.0 (every interface, as in a container).",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var config = new Option<FileInfo?>("--config", "-c")
        {
            Description = "A YAML configuration: namespaces (selector, include, all), resources, watch timing, inference scraping (interval, "
                + "timeout, concurrency, series limits) and logs (loki_url, batching, buffer) — see src/MlObs.KubeflowExporter/README.md.",
        };
        var server = new Option<string?>("--server")
        {
            Description = "The Kubernetes API server URL, e.g. http://127.0.0.1:8001 from `kubectl proxy`. Without it: the pod's service account "
                + "when running in a cluster, else the kubeconfig.",
        };
        var tokenFile = new Option<FileInfo?>("--token-file") { Description = "A bearer token file sent to --server." };
        var kubeconfig = new Option<FileInfo?>("--kubeconfig") { Description = "The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)." };
        var context = new Option<string?>("--context") { Description = "The kubeconfig context (default: its current context)." };
        var ns = new Option<string[]>("--namespace", "-n")
        {
            Description = "A namespace to report besides the Kubeflow profile namespaces (repeatable; adds to the configuration's namespaces.include).",
            AllowMultipleArgumentsPerToken = false,
        };
        var allNamespaces = new Option<bool>("--all-namespaces", "-A") { Description = "Report every namespace, not only Kubeflow profiles and --namespace." };
        var lokiUrl = new Option<string?>("--loki-url")
        {
            Description = "Loki's push endpoint (…/loki/api/v1/push): turns on streaming the inference pods' logs to it.",
        };
        var logLevel = new Option<string>("--log-level")
        {
            Description = "The lowest level logged as compact JSON on stdout: debug, info, warning or error.",
            DefaultValueFactory = _ => "info",
        };
        var command = new Command(
            "serve",
            "Run the kubeflow exporter: list and watch Kubeflow resources (InferenceService, SeldonDeployment, Notebook, Argo Workflow, "
            + "Katib Experiment and Trial, training jobs) in the selected namespaces and expose their states on /metrics; scrape KServe "
            + "and Seldon pods and re-expose their series with namespace, inference_service and pod labels; with --loki-url, push their "
            + "logs to Loki. Needs list and watch on those resources (and pods/log for logs). Stops on Ctrl+C or SIGTERM.")
        {
            port, bind, config, server, tokenFile, kubeconfig, context, ns, allNamespaces, lokiUrl, logLevel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ExporterServerOptions options;
            try
            {
                options = Options(parse, port, bind, config, server, tokenFile, kubeconfig, context, ns, allNamespaces, lokiUrl, logLevel);
            }
            catch (Exception e) when (e is ArgumentException or ConfigException)
            {
                await Console.Error.WriteLineAsync($"mlobs kubeflow serve: {e.Message}").ConfigureAwait(false);
                return UsageError;
            }
            KubeflowExporterServer exporter;
            try
            {
                exporter = await KubeflowExporterServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                await Console.Error.WriteLineAsync($"mlobs kubeflow serve: {e.Message}").ConfigureAwait(false);
                return UsageError;
            }
            await using (exporter.ConfigureAwait(false))
            {
                await Console.Error.WriteLineAsync($"listening on {exporter.Address}").ConfigureAwait(false);
                try
                {
                    await exporter.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return 0;
        });
        return command;
    }

    private static ExporterServerOptions Options(ParseResult parse, Option<int> port, Option<string> bind, Option<FileInfo?> config, Option<string?> server,
        Option<FileInfo?> tokenFile, Option<FileInfo?> kubeconfig, Option<string?> context, Option<string[]> ns, Option<bool> allNamespaces,
        Option<string?> lokiUrl, Option<string> logLevel)
    {
        LogEventLevel level = parse.GetValue(logLevel)!.ToLowerInvariant() switch
        {
            "debug" => LogEventLevel.Debug,
            "info" or "information" => LogEventLevel.Information,
            "warning" or "warn" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            string other => throw new ArgumentException($"--log-level {other}: expected debug, info, warning or error."),
        };
        string address = parse.GetValue(bind)!;
        if (!System.Net.IPAddress.TryParse(address, out _))
            throw new ArgumentException($"--bind {address}: expected an IP address such as 127.0.0.1 or 0.0.0.0.");
        ExporterConfig exporterConfig = parse.GetValue(config) is { } file ? ExporterConfigLoader.Load(file.FullName) : new ExporterConfig();
        string[] extra = parse.GetValue(ns) ?? [];
        foreach (string name in extra)
        {
            if (!ExporterConfigLoader.IsDnsLabel(name))
                throw new ArgumentException($"--namespace {name}: not a namespace name (lowercase letters, digits and '-', at most 63).");
        }
        exporterConfig = exporterConfig with
        {
            Namespaces = exporterConfig.Namespaces with
            {
                Include = [.. exporterConfig.Namespaces.Include.Union(extra, StringComparer.Ordinal)],
                All = exporterConfig.Namespaces.All || parse.GetValue(allNamespaces),
            },
        };
        if (parse.GetValue(lokiUrl) is { } loki)
        {
            Uri url = HttpUrl(loki) ?? throw new ArgumentException($"--loki-url {loki}: expected an http(s) URL such as http://loki:3100/loki/api/v1/push.");
            exporterConfig = exporterConfig with { Logs = exporterConfig.Logs with { Enabled = true, LokiUrl = url } };
        }
        Uri? apiServer = null;
        if (parse.GetValue(server) is { } serverText)
            apiServer = HttpUrl(serverText) ?? throw new ArgumentException($"--server {serverText}: expected an http(s) URL such as http://127.0.0.1:8001.");
        return new ExporterServerOptions
        {
            Port = parse.GetValue(port),
            BindAddress = address,
            Config = exporterConfig,
            LogLevel = level,
            Connection = new KubeConnection
            {
                Server = apiServer,
                TokenFile = parse.GetValue(tokenFile)?.FullName,
                KubeConfig = parse.GetValue(kubeconfig)?.FullName,
                Context = parse.GetValue(context),
            },
        };
    }

    private static Uri? HttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out Uri? url) && url.Scheme is "http" or "https" ? url : null;
}
