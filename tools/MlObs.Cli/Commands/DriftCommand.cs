// `mlobs drift compare` and `mlobs drift profile`: the drift engine (MlObs.Drift) on files. compare reads a reference
// (CSV, Parquet, or a saved profile) and a current file, and prints the drift report as JSON, a table or a self-contained
// HTML page; its exit code says whether the dataset drifted. profile fits a reference once and saves it.
using System.CommandLine;
using System.Globalization;
using MlObs.Drift.Data;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;
using MlObs.Drift.Reports;
using MlObs.Drift.Tables;
using MlObs.Drift.Windows;

namespace MlObs.Cli.Commands;

/// <summary>The <c>drift</c> verb and its sub-commands.</summary>
internal static class DriftCommand
{
    /// <summary>Exit code when the dataset did not drift.</summary>
    public const int NoDrift = 0;

    /// <summary>Exit code when the dataset drifted.</summary>
    public const int Drift = 1;

    /// <summary>Exit code for usage and input errors.</summary>
    public const int UsageError = 2;

    /// <summary>References up to this size are fitted in exact mode by --mode auto.</summary>
    public const long AutoExactBytes = 256L * 1024 * 1024;

    public static Command Create() => new("drift", "Compare datasets for drift with the MlObs.Drift engine: per-column tests and distances, dataset verdict, JSON/table/HTML reports.")
    {
        CreateCompare(),
        CreateProfile(),
        DriftServeCommand.Create(),
    };

    private sealed class Shared
    {
        public readonly Option<string[]> Kind = new("--kind")
        {
            Description = "Set a column's kind instead of inferring it: COLUMN=numerical|categorical|boolean|datetime. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };

        public readonly Option<string> Mode = new("--mode")
        {
            Description = "exact: keep the reference's sorted values (every statistic exact, memory grows with rows); streaming: "
                + "fixed reference-quantile bins only (bounded memory, KS/Wasserstein with a stated error bound); auto: exact for "
                + "references up to 256 MiB.",
            DefaultValueFactory = _ => "auto",
        };

        public readonly Option<int> Bins = new("--bins")
        {
            Description = "Reference-quantile bins for PSI, KL, Jensen-Shannon and Hellinger (plus an underflow and an overflow bin).",
            DefaultValueFactory = _ => 10,
        };

        public readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "No progress on stderr." };
    }

    private static Command CreateCompare()
    {
        var shared = new Shared();
        var reference = new Option<FileInfo>("--reference", "-r")
        {
            Description = "The reference data: CSV (.csv, .tsv, .txt, .csv.gz), Parquet (.parquet), or a profile saved by `mlobs drift profile`.",
            Required = true,
        };
        var current = new Option<FileInfo>("--current", "-c") { Description = "The current data: CSV or Parquet.", Required = true };
        var columns = new Option<string?>("--columns") { Description = "Compare only these columns (comma-separated)." };
        var preset = new Option<string>("--preset")
        {
            Description = "mlobs: effect-size distances with thresholds calibrated on the reference (recommended); evidently: "
                + "Evidently's default tests and thresholds.",
            DefaultValueFactory = _ => "mlobs",
        };
        var method = new Option<string[]>("--method")
        {
            Description = "Use a method for a column: COLUMN=METHOD with METHOD one of "
                + string.Join(", ", DriftMethods.All.Select(m => m.Id)) + ". Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var threshold = new Option<string[]>("--threshold")
        {
            Description = "Use a threshold for a column: COLUMN=VALUE (a p-value for tests, a distance otherwise). Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var correction = new Option<string>("--correction")
        {
            Description = "Correct the p-values of the columns tested with a p-value method: none, bonferroni, bh (Benjamini-Hochberg).",
            DefaultValueFactory = _ => "none",
        };
        var driftShare = new Option<double>("--drift-share")
        {
            Description = "The dataset drifts when at least this share of the compared columns drifted.",
            DefaultValueFactory = _ => 0.5,
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = "json (the report object, docs/drift-report.schema.json), table (for a terminal) or html (a self-contained page).",
            DefaultValueFactory = _ => "table",
        };
        var output = new Option<string>("--output", "-o") { Description = "Write the report to this file; '-' for stdout.", DefaultValueFactory = _ => "-" };

        var command = new Command(
            "compare",
            "Compare a current dataset with a reference, column by column, and decide whether the dataset drifted. Column kinds "
            + "are inferred from the reference (override with --kind). Columns that cannot be compared (empty, all missing, "
            + "unreadable, missing from the current data) get their own status and never fail the run. Exit code: 0 no dataset "
            + "drift, 1 dataset drift, 2 usage or input error.")
        {
            reference, current, columns, preset, method, threshold, shared.Kind, shared.Mode, shared.Bins, correction, driftShare,
            format, output, shared.Quiet,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var args = new CompareArguments(
                parse.GetValue(reference)!.FullName,
                parse.GetValue(current)!.FullName,
                parse.GetValue(columns),
                parse.GetValue(preset)!,
                parse.GetValue(method) ?? [],
                parse.GetValue(threshold) ?? [],
                parse.GetValue(shared.Kind) ?? [],
                parse.GetValue(shared.Mode)!,
                parse.GetValue(shared.Bins),
                parse.GetValue(correction)!,
                parse.GetValue(driftShare),
                parse.GetValue(format)!,
                parse.GetValue(output)!,
                parse.GetValue(shared.Quiet));
            return Task.FromResult(Guard("compare", () => Compare(args, Console.Out, Console.Error, cancellationToken)));
        });
        return command;
    }

    private static Command CreateProfile()
    {
        var shared = new Shared();
        var reference = new Option<FileInfo>("--reference", "-r") { Description = "The reference data: CSV or Parquet.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "The profile file to write (JSON).", Required = true };
        var command = new Command(
            "profile",
            "Fit a reference once and save its profile (column kinds, counts, bins, calibrated thresholds, and in exact mode the "
            + "sorted values), to pass later as `mlobs drift compare --reference PROFILE`.")
        {
            reference, output, shared.Kind, shared.Mode, shared.Bins, shared.Quiet,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            string path = parse.GetValue(reference)!.FullName;
            string target = parse.GetValue(output)!;
            bool quiet = parse.GetValue(shared.Quiet);
            string mode = parse.GetValue(shared.Mode)!;
            int bins = parse.GetValue(shared.Bins);
            string[] kinds = parse.GetValue(shared.Kind) ?? [];
            return Task.FromResult(Guard("profile", () =>
            {
                using var progress = new ConsoleProgress(Console.Error, quiet);
                ReferenceProfile profile = FitReference(path, ParseKinds(kinds), null, mode, bins, progress, cancellationToken);
                ReferenceProfileJson.Save(profile, target);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {target}: {profile.Columns.Count} columns, {profile.Rows} rows, {(profile.Mode == ProfileMode.Exact ? "exact" : "streaming")} mode"));
                return 0;
            }));
        });
        return command;
    }

    private sealed record CompareArguments(
        string Reference, string Current, string? Columns, string Preset, string[] Methods, string[] Thresholds, string[] Kinds,
        string Mode, int Bins, string Correction, double DriftShare, string Format, string Output, bool Quiet);

    private static int Guard(string verb, Func<int> run)
    {
        try
        {
            return run();
        }
        catch (Exception e) when (e is TableReadException or InvalidDataException or ArgumentException or IOException
            or UnauthorizedAccessException or UsageException)
        {
            Console.Error.WriteLine($"mlobs drift {verb}: {e.Message.ReplaceLineEndings(" ").Trim()}");
            return UsageError;
        }
    }

    private static int Compare(CompareArguments a, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string format = a.Format.ToLowerInvariant();
        if (format is not ("json" or "table" or "html"))
            throw new UsageException($"--format {a.Format}: expected json, table or html.");
        DriftOptions options = new()
        {
            Preset = a.Preset.ToLowerInvariant() switch
            {
                "mlobs" => DriftPreset.Mlobs,
                "evidently" => DriftPreset.Evidently,
                _ => throw new UsageException($"--preset {a.Preset}: expected mlobs or evidently."),
            },
            Correction = a.Correction.ToLowerInvariant() switch
            {
                "none" => PValueCorrection.None,
                "bonferroni" => PValueCorrection.Bonferroni,
                "bh" or "benjamini-hochberg" or "fdr" => PValueCorrection.BenjaminiHochberg,
                _ => throw new UsageException($"--correction {a.Correction}: expected none, bonferroni or bh."),
            },
            DriftShare = a.DriftShare is > 0 and <= 1
                ? a.DriftShare
                : throw new UsageException($"--drift-share {a.DriftShare}: expected a share in (0, 1]."),
            Overrides = ParseOverrides(a.Methods, a.Thresholds),
            Columns = a.Columns is null ? null : SplitColumns(a.Columns),
        };
        HashSet<string>? readColumns = options.Columns is null ? null : [.. options.Columns];

        using var progress = new ConsoleProgress(stderr, a.Quiet);
        ReferenceProfile profile = IsProfile(a.Reference)
            ? LoadProfile(a.Reference, a.Kinds)
            : FitReference(a.Reference, ParseKinds(a.Kinds), readColumns, a.Mode, a.Bins, progress, cancellationToken);
        foreach (string name in options.Overrides.Keys.Concat(options.Columns ?? []))
        {
            if (profile.Find(name) is null)
                throw new UsageException($"Column '{name}' is not in the reference {Path.GetFileName(a.Reference)}.");
        }

        if (!File.Exists(a.Current))
            throw new UsageException($"--current {a.Current}: no such file.");
        var window = new WindowState(profile);
        window.DeclareColumns(TableFile.ReadHeader(a.Current));
        progress.Phase = $"reading {Path.GetFileName(a.Current)}";
        // Batches are ingested at once (the window copies what it keeps), so the reader may refill the same buffers.
        var readOptions = new TableReadOptions { Progress = progress, Columns = readColumns, ReuseBuffers = true };
        foreach (RowBatch batch in TableFile.Read(a.Current, profile.Schema, readOptions, cancellationToken))
            window.Add(batch);
        progress.Done();

        DriftReport report = DriftEvaluator.Evaluate(window, options);
        Render(report, format, a, stdout);
        return report.Dataset.Drift ? Drift : NoDrift;
    }

    private static void Render(DriftReport report, string format, CompareArguments a, TextWriter stdout)
    {
        bool toFile = a.Output != "-";
        using TextWriter writer = toFile ? new StreamWriter(a.Output, false, new System.Text.UTF8Encoding(false)) : TextWriter.Null;
        TextWriter target = toFile ? writer : stdout;
        switch (format)
        {
            case "json":
                target.Write(DriftReportJson.ToJson(report));
                target.WriteLine();
                break;
            case "table":
                DriftReportTable.Write(report, target, color: !toFile && !Console.IsOutputRedirected,
                    width: !toFile && !Console.IsOutputRedirected ? Math.Max(Console.WindowWidth, 80) : null);
                break;
            default:
                DriftReportHtml.Write(report, target, new HtmlReportOptions
                {
                    ReferenceName = Path.GetFileName(a.Reference),
                    CurrentName = Path.GetFileName(a.Current),
                    GeneratedAt = DateTimeOffset.UtcNow,
                });
                break;
        }
        target.Flush();
    }

    private static ReferenceProfile FitReference(
        string path, Dictionary<string, ColumnKind> kinds, HashSet<string>? columns, string mode, int bins,
        ConsoleProgress progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new UsageException($"--reference {path}: no such file.");
        ProfileMode profileMode = mode.ToLowerInvariant() switch
        {
            "exact" => ProfileMode.Exact,
            "streaming" => ProfileMode.Streaming,
            "auto" => new FileInfo(path).Length <= AutoExactBytes ? ProfileMode.Exact : ProfileMode.Streaming,
            _ => throw new UsageException($"--mode {mode}: expected exact, streaming or auto."),
        };
        var readOptions = new TableReadOptions
        {
            Progress = progress,
            ReuseBuffers = true,
            KindOverrides = kinds.Count == 0 ? null : kinds,
            Columns = columns,
        };
        string name = Path.GetFileName(path);
        progress.Phase = $"inferring the columns of {name}";
        TableSchema schema = TableFile.InferSchema(path, readOptions, cancellationToken);
        int pass = 0;
        ReferenceProfile profile = ReferenceProfiles.Fit(schema, () =>
        {
            pass++;
            progress.Phase = profileMode == ProfileMode.Streaming ? $"fitting {name} (pass {pass} of 2)" : $"fitting {name}";
            return TableFile.Read(path, schema, readOptions with { KindOverrides = null }, cancellationToken);
        }, new ProfileOptions { Mode = profileMode, Bins = bins > 0 ? bins : throw new UsageException($"--bins {bins}: expected at least 1.") });
        progress.Done();
        return profile;
    }

    private static bool IsProfile(string path)
    {
        if (!File.Exists(path) || !path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return false;
        using FileStream f = File.OpenRead(path);
        var head = new byte[256];
        int n = f.Read(head, 0, head.Length);
        return System.Text.Encoding.UTF8.GetString(head, 0, n).Contains("mlobs-drift-profile", StringComparison.Ordinal);
    }

    private static ReferenceProfile LoadProfile(string path, string[] kinds)
    {
        if (kinds.Length > 0)
            throw new UsageException("--kind applies when fitting a reference; a saved profile already has its kinds.");
        return ReferenceProfileJson.Load(path);
    }

    private static string[] SplitColumns(string text)
    {
        string[] names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length > 0 ? names : throw new UsageException("--columns: no column named.");
    }

    private static Dictionary<string, ColumnKind> ParseKinds(string[] pairs)
    {
        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            (string column, string value) = SplitPair("--kind", pair);
            if (!ColumnKinds.TryParse(value, out ColumnKind kind))
                throw new UsageException($"--kind {pair}: expected numerical, categorical, boolean or datetime.");
            kinds[column] = kind;
        }
        return kinds;
    }

    private static Dictionary<string, ColumnOverride> ParseOverrides(string[] methods, string[] thresholds)
    {
        var overrides = new Dictionary<string, ColumnOverride>(StringComparer.Ordinal);
        foreach (string pair in methods)
        {
            (string column, string id) = SplitPair("--method", pair);
            DriftMethod m = DriftMethods.Find(id) ?? throw new UsageException(
                $"--method {pair}: unknown method '{id}'; known: {string.Join(", ", DriftMethods.All.Select(x => x.Id))}.");
            overrides[column] = (overrides.GetValueOrDefault(column) ?? new ColumnOverride()) with { Method = m.Id };
        }
        foreach (string pair in thresholds)
        {
            (string column, string text) = SplitPair("--threshold", pair);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value < 0)
                throw new UsageException($"--threshold {pair}: expected a number ≥ 0.");
            overrides[column] = (overrides.GetValueOrDefault(column) ?? new ColumnOverride()) with { Threshold = value };
        }
        return overrides;
    }

    private static (string Column, string Value) SplitPair(string option, string pair)
    {
        int eq = pair.LastIndexOf('=');
        if (eq <= 0 || eq == pair.Length - 1)
            throw new UsageException($"{option} {pair}: expected COLUMN=VALUE.");
        return (pair[..eq], pair[(eq + 1)..]);
    }

    /// <summary>A usage error: one line on stderr, exit 2.</summary>
    internal sealed class UsageException(string message) : Exception(message);

    /// <summary>Progress on stderr when it is a terminal: one line rewritten at most ten times a second.</summary>
    private sealed class ConsoleProgress(TextWriter stderr, bool quiet) : IProgress<TableProgress>, IDisposable
    {
        private readonly bool _enabled = !quiet && !Console.IsErrorRedirected;
        private long _lastTicks;
        private bool _dirty;

        public string Phase { get; set; } = "";

        public void Report(TableProgress value)
        {
            if (!_enabled)
                return;
            long now = Environment.TickCount64;
            if (now - _lastTicks < 100 && value.BytesRead < value.TotalBytes)
                return;
            _lastTicks = now;
            string percent = value.TotalBytes > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{100.0 * value.BytesRead / value.TotalBytes,5:0.0}%")
                : "";
            stderr.Write(string.Create(CultureInfo.InvariantCulture, $"\r\u001b[K{Phase}: {percent} {value.Rows:N0} rows"));
            _dirty = true;
        }

        public void Done()
        {
            if (_dirty)
            {
                stderr.Write("\r\u001b[K");
                _dirty = false;
            }
        }

        public void Dispose() => Done();
    }
}
