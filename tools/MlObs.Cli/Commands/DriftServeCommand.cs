// `mlobs drift serve`: the drift-monitor workload (MlObs.DriftMonitor) outside Juju, on a laptop or in the charm's container.
using System.CommandLine;
using MlObs.DriftMonitor.Configuration;
using MlObs.DriftMonitor.Http;
using Serilog.Events;

namespace MlObs.Cli.Commands;

/// <summary>The <c>drift serve</c> sub-command.</summary>
internal static class DriftServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port", "-p") { Description = "The TCP port to listen on (0 picks a free one and prints it).", DefaultValueFactory = _ => 8080 };
        var bind = new Option<string>("--bind")
        {
            Description = "The address to listen on: 127.0.0.1 (this machine only, the default) or 0.0.0.0 (every interface, as in a container).",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var dataDir = new Option<DirectoryInfo>("--data-dir", "-d")
        {
            Description = "Where references, window state, the write-ahead logs and the last reports are kept; created if missing.",
            Required = true,
        };
        var tokenFile = new Option<FileInfo?>("--token-file")
        {
            Description = "A file holding the bearer token that requests changing references or windows must present "
                + "(Authorization: Bearer <token>). Ingest, reports, /metrics and health stay open.",
        };
        var config = new Option<FileInfo?>("--config", "-c")
        {
            Description = "A YAML configuration: models with their reference, feature names, window, evaluation and methods; "
                + "defaults for models created by an upload; limits (see src/MlObs.DriftMonitor/README.md).",
        };
        var logLevel = new Option<string>("--log-level")
        {
            Description = "The lowest level logged as compact JSON on stdout: debug, info, warning or error.",
            DefaultValueFactory = _ => "info",
        };
        var command = new Command(
            "serve",
            "Run the drift monitor: receive inference payloads (KServe and Seldon CloudEvents on / and /v1/cloudevents, JSON rows, "
            + "JSON lines and CSV on /v1/models/MODEL/records), keep a window per model, compare it with the model's reference, "
            + "and expose the results on /metrics for Prometheus and on /v1/models/MODEL/report. Stops on Ctrl+C or SIGTERM "
            + "after saving every window.")
        {
            port, bind, dataDir, tokenFile, config, logLevel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            LogEventLevel level;
            MonitorConfig monitorConfig;
            try
            {
                level = parse.GetValue(logLevel)!.ToLowerInvariant() switch
                {
                    "debug" => LogEventLevel.Debug,
                    "info" or "information" => LogEventLevel.Information,
                    "warning" or "warn" => LogEventLevel.Warning,
                    "error" => LogEventLevel.Error,
                    string other => throw new DriftCommand.UsageException($"--log-level {other}: expected debug, info, warning or error."),
                };
                monitorConfig = parse.GetValue(config) is { } file ? MonitorConfigLoader.Load(file.FullName) : new MonitorConfig();
            }
            catch (Exception e) when (e is DriftCommand.UsageException or ConfigException)
            {
                await Console.Error.WriteLineAsync($"mlobs drift serve: {e.Message}").ConfigureAwait(false);
                return DriftCommand.UsageError;
            }
            var options = new MonitorServerOptions
            {
                DataDirectory = parse.GetValue(dataDir)!.FullName,
                Port = parse.GetValue(port),
                BindAddress = parse.GetValue(bind)!,
                TokenFile = parse.GetValue(tokenFile)?.FullName,
                Config = monitorConfig,
                LogLevel = level,
            };
            if (!System.Net.IPAddress.TryParse(options.BindAddress, out _))
            {
                await Console.Error.WriteLineAsync($"mlobs drift serve: --bind {options.BindAddress}: expected an IP address such as 127.0.0.1 or 0.0.0.0.").ConfigureAwait(false);
                return DriftCommand.UsageError;
            }
            DriftMonitorServer server;
            try
            {
                server = await DriftMonitorServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                await Console.Error.WriteLineAsync($"mlobs drift serve: {e.Message}").ConfigureAwait(false);
                return DriftCommand.UsageError;
            }
            await using (server.ConfigureAwait(false))
            {
                await Console.Error.WriteLineAsync($"listening on {server.Address}").ConfigureAwait(false);
                try
                {
                    await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return 0;
        });
        return command;
    }
}
