using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;

namespace MlObs.DriftMonitor.Load;

/// <summary>The command line of the load generator: one sub-command per scenario.</summary>
internal static class LoadCommand
{
    /// <summary>The exit code of a run that could not be set up (service unreachable, reference refused).</summary>
    private const int SetupFailed = 1;

    /// <summary>The exit code of options out of range.</summary>
    private const int UsageError = 2;

    /// <summary>Creates the root command with the four scenarios.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "Bounded load against the drift monitor (MlObs.DriftMonitor): starts the service in this process on 127.0.0.1 "
            + "(or uses a running `mlobs drift serve` given by --url), uploads a seeded synthetic reference, sends load for a "
            + "bounded time or number of requests, and prints requests, rows, answers by status, throughput, latency "
            + "percentiles and, in-process, the RSS and GC counts. The generator shares the machine's cores with an "
            + "in-process service, so in-process figures are conservative.")
        {
            Rows(), CloudEvents(), Soak(), Scrape(),
        };
        root.SetAction(parse =>
        {
            new HelpAction().Invoke(parse);
            return UsageError;
        });
        return root;
    }

    private static Command Rows()
    {
        var shared = new SharedOptions(clients: 8, duration: 20);
        var batch = BatchOption();
        var referenceRows = ReferenceRowsOption(10_000);
        var format = new Option<string>("--format")
        {
            Description = "How rows are sent: json (an array of objects) or ndjson (JSON lines).",
            DefaultValueFactory = _ => "json",
        };
        format.AcceptOnlyFromAmong("json", "ndjson");
        var command = new Command("rows",
            "Clients POST batches of JSON rows (16 numerical, 3 categorical, 1 boolean feature, from the distribution of the "
            + "10,000-row reference uploaded first) to /v1/models/MODEL/records as fast as they are answered. "
            + "Goal: >= 100,000 rows/s with p99 request latency < 50 ms.")
        {
            batch, referenceRows, format,
        };
        shared.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(batch) < 1 || parse.GetValue(referenceRows) < 1)
                return Usage("--batch and --reference-rows must be at least 1.");
            return RunAsync(parse, shared, (common, token) => Scenarios.RowsAsync(
                common, parse.GetValue(batch), parse.GetValue(referenceRows),
                parse.GetValue(format) == "ndjson" ? RowFormat.JsonLines : RowFormat.Json, token), ct);
        });
        return command;
    }

    private static Command CloudEvents()
    {
        var shared = new SharedOptions(clients: 8, duration: 20);
        var referenceRows = ReferenceRowsOption(10_000);
        var command = new Command("cloudevents",
            "Clients POST single-record KServe v1 CloudEvents in binary mode to /: an inference request ({\"instances\": "
            + "[[20 numbers]]}) then its response ({\"predictions\": [0 or 1]}) with the same Ce-Id, so the service joins "
            + "them into one record. --requests counts request/response pairs.")
        {
            referenceRows,
        };
        shared.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(parse, shared, (common, token) => Scenarios.CloudEventsAsync(
            common, parse.GetValue(referenceRows), token), ct));
        return command;
    }

    private static Command Soak()
    {
        var shared = new SharedOptions(clients: 8, duration: 20);
        var batch = BatchOption();
        var referenceRows = ReferenceRowsOption(10_000);
        var rate = new Option<double>("--rate")
        {
            Description = "The paced row rate over all clients, in rows per second (requests of --batch rows are spread evenly).",
            DefaultValueFactory = _ => 50_000,
        };
        var sampleInterval = new Option<double>("--sample-interval")
        {
            Description = "Seconds between samples of the service's RSS.",
            DefaultValueFactory = _ => 10,
        };
        var command = new Command("soak",
            "The rows load paced to a fixed rate (not at full speed) for --duration seconds (the goal run is 600), sampling "
            + "the service's RSS every --sample-interval seconds; prints the series, the start and end RSS and whether it "
            + "stayed flat (its trend after the first quarter of the run adds under 10%).")
        {
            batch, referenceRows, rate, sampleInterval,
        };
        shared.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            double rowsPerSecond = parse.GetValue(rate), interval = parse.GetValue(sampleInterval);
            if (!(rowsPerSecond > 0) || !(interval >= 0.1) || parse.GetValue(batch) < 1 || parse.GetValue(referenceRows) < 1)
                return Usage("--rate must be positive, --sample-interval at least 0.1 seconds, --batch and --reference-rows at least 1.");
            return RunAsync(parse, shared, (common, token) => Scenarios.SoakAsync(
                common, parse.GetValue(batch), parse.GetValue(referenceRows), rowsPerSecond, TimeSpan.FromSeconds(interval), token), ct);
        });
        return command;
    }

    private static Command Scrape()
    {
        var shared = new SharedOptions(clients: 1, duration: 20);
        var features = new Option<int>("--features")
        {
            Description = "Numerical features of the wide model.",
            DefaultValueFactory = _ => 1_000,
        };
        var referenceRows = ReferenceRowsOption(1_000);
        var rows = new Option<int>("--rows")
        {
            Description = "Rows posted before the one evaluation.",
            DefaultValueFactory = _ => 300,
        };
        var scrapes = new Option<int>("--scrapes", "-k")
        {
            Description = "Timed sequential GET /metrics (after 2 untimed ones).",
            DefaultValueFactory = _ => 50,
        };
        var command = new Command("scrape",
            "Uploads a reference with --features numerical features, posts --rows rows, evaluates once (POST "
            + "/v1/models/MODEL/evaluate), then times --scrapes sequential GET /metrics. Goal: median and p99 < 20 ms. "
            + "--clients, --duration, --requests and --warmup do not apply.")
        {
            features, referenceRows, rows, scrapes,
        };
        shared.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(features) < 1 || parse.GetValue(rows) < 1 || parse.GetValue(scrapes) < 1 || parse.GetValue(referenceRows) < 1)
                return Usage("--features, --rows, --scrapes and --reference-rows must be at least 1.");
            return RunAsync(parse, shared, (common, token) => Scenarios.ScrapeAsync(
                common, parse.GetValue(features), parse.GetValue(referenceRows), parse.GetValue(rows), parse.GetValue(scrapes), token), ct);
        });
        return command;
    }

    private static Option<int> BatchOption() => new("--batch", "-b")
    {
        Description = "Rows per request.",
        DefaultValueFactory = _ => 500,
    };

    private static Option<int> ReferenceRowsOption(int rows) => new("--reference-rows")
    {
        Description = "Rows of the synthetic reference uploaded first.",
        DefaultValueFactory = _ => rows,
    };

    private static async Task<int> RunAsync(ParseResult parse, SharedOptions shared, Func<CommonSettings, CancellationToken, Task<RunSummary>> scenario, CancellationToken ct)
    {
        CommonSettings common;
        try
        {
            common = shared.Read(parse);
        }
        catch (ArgumentException e)
        {
            return await Usage(e.Message).ConfigureAwait(false);
        }
        RunSummary summary;
        try
        {
            summary = await scenario(common, ct).ConfigureAwait(false);
        }
        catch (SetupException e)
        {
            await Console.Error.WriteLineAsync($"mlobs-drift-load: {e.Message}").ConfigureAwait(false);
            return SetupFailed;
        }
        if (common.Json)
            summary.WriteJson(Console.Out);
        else
            summary.WriteTable(Console.Out);
        return 0;
    }

    private static async Task<int> Usage(string message)
    {
        await Console.Error.WriteLineAsync($"mlobs-drift-load: {message}").ConfigureAwait(false);
        return UsageError;
    }

    /// <summary>The options every scenario takes, with per-scenario defaults.</summary>
    private sealed class SharedOptions(int clients, double duration)
    {
        private readonly Option<string?> _url = new("--url")
        {
            Description = "A running service (`mlobs drift serve --port P --data-dir D`), e.g. http://127.0.0.1:8080; "
                + "without it the service is started in this process on 127.0.0.1 with a temporary data directory.",
        };

        private readonly Option<int> _clients = new("--clients", "-c")
        {
            Description = "Concurrent clients, each with at most one request in flight (and one connection).",
            DefaultValueFactory = _ => clients,
        };

        private readonly Option<double> _duration = new("--duration", "-d")
        {
            Description = "Seconds of measured load; no request starts after it (in-flight ones finish).",
            DefaultValueFactory = _ => duration,
        };

        private readonly Option<long> _requests = new("--requests", "-n")
        {
            Description = "Stop after this many requests (batches; pairs for cloudevents) even before --duration; 0 for no limit.",
            DefaultValueFactory = _ => 0,
        };

        private readonly Option<double> _warmup = new("--warmup")
        {
            Description = "Seconds of unmeasured load first (JIT, connections, the window filling).",
            DefaultValueFactory = _ => 2,
        };

        private readonly Option<int> _seed = new("--seed")
        {
            Description = "Seed of the synthetic data.",
            DefaultValueFactory = _ => 42,
        };

        private readonly Option<bool> _json = new("--json")
        {
            Description = "Print the summary as a JSON object instead of a table.",
        };

        private readonly Option<FileInfo?> _config = new("--config")
        {
            Description = "A YAML configuration for the in-process service (see src/MlObs.DriftMonitor); defaults otherwise.",
        };

        private readonly Option<bool> _keepData = new("--keep-data")
        {
            Description = "Keep the in-process service's temporary data directory (its path is printed).",
        };

        private readonly Option<int?> _serverPid = new("--server-pid")
        {
            Description = "With --url: the service's process id, so its RSS is sampled from /proc/PID/status.",
        };

        private readonly Option<string?> _model = new("--model", "-m")
        {
            Description = "The model name (default: load-rows, load-cloudevents, load-soak or load-wide).",
        };

        public void AddTo(Command command)
        {
            foreach (Option option in new Option[] { _url, _clients, _duration, _requests, _warmup, _seed, _json, _config, _keepData, _serverPid, _model })
                command.Options.Add(option);
        }

        /// <summary>Reads the options.</summary>
        /// <exception cref="ArgumentException">A value is out of range.</exception>
        public CommonSettings Read(ParseResult parse)
        {
            int clientCount = parse.GetValue(_clients);
            double seconds = parse.GetValue(_duration), warmup = parse.GetValue(_warmup);
            long requests = parse.GetValue(_requests);
            string? urlText = parse.GetValue(_url);
            Uri? url = null;
            if (urlText is not null && (!Uri.TryCreate(urlText, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
                throw new ArgumentException($"--url {urlText}: expected an absolute http(s) URL such as http://127.0.0.1:8080.");
            if (clientCount is < 1 or > 1024)
                throw new ArgumentException($"--clients {clientCount}: expected 1 to 1024.");
            if (!(seconds > 0) || seconds > 86_400)
                throw new ArgumentException($"--duration {seconds.ToString(CultureInfo.InvariantCulture)}: expected more than 0 and at most 86400 seconds.");
            if (!(warmup >= 0) || warmup > 3_600)
                throw new ArgumentException($"--warmup {warmup.ToString(CultureInfo.InvariantCulture)}: expected 0 to 3600 seconds.");
            if (requests < 0)
                throw new ArgumentException($"--requests {requests}: expected 0 (no limit) or more.");
            return new CommonSettings(
                url, clientCount, TimeSpan.FromSeconds(seconds), requests, TimeSpan.FromSeconds(warmup), parse.GetValue(_seed),
                parse.GetValue(_json), parse.GetValue(_config), parse.GetValue(_keepData), parse.GetValue(_serverPid), parse.GetValue(_model));
        }
    }
}
