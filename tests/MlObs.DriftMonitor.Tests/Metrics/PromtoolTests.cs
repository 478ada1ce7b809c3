using System.Diagnostics;
using MlObs.Drift.Reports;
using MlObs.DriftMonitor.Ingest;
using MlObs.DriftMonitor.Metrics;
using static MlObs.DriftMonitor.Tests.Metrics.MetricsData;

namespace MlObs.DriftMonitor.Tests.Metrics;

/// <summary>
/// <c>promtool check metrics</c> (Prometheus's own parser and linter: naming, units, counter suffixes, help text) accepts
/// the exposition with every metric populated.
/// </summary>
public sealed class PromtoolTests
{
    private const string Promtool = "/usr/bin/promtool";

    [SkippableFact]
    public async Task Exposition_WithEveryMetricPopulated_PassesPromtoolCheckMetrics()
    {
        Skip.IfNot(File.Exists(Promtool), $"{Promtool} is not installed (Debian package prometheus, or CI's install step).");
        var metrics = new DriftMetrics(["/v1/models/{model}/records"]);
        metrics.ReferenceLoaded(Model, Reference.Fingerprint, Reference.Rows, Features);
        metrics.ReferenceLoaded("with \"quotes\" and \\ and\nnewline", "f", 1, Features);
        metrics.RecordsIngested(Model, 100);
        metrics.RecordsRejected(Model, RejectionReasons.WrongType, 2);
        metrics.RecordsRejected(null, RejectionReasons.UnknownModel, 1);
        metrics.WindowRecords(Model, 100);
        metrics.JoinState(Model, 3);
        metrics.Unjoined(Model, RecordHalf.Request, 1);
        metrics.ObserveRequest("/v1/models/{model}/records", TimeSpan.FromMilliseconds(4));
        metrics.Published(Model, Evaluate(Reference, Method("x", "ks"), ShiftedWindow()), DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(12));
        metrics.Published("with \"quotes\" and \\ and\nnewline",
            HandBuilt(Column("x", ColumnStatus.Ok, "psi", double.PositiveInfinity, null, 0.1, drift: true), Column("y", ColumnStatus.Error)),
            DateTimeOffset.UtcNow, TimeSpan.Zero);
        using var exposition = new MemoryStream();
        await metrics.WriteAsync(exposition, CancellationToken.None);
        ExpositionText parsed = ExpositionText.Parse(System.Text.Encoding.UTF8.GetString(exposition.ToArray()));
        Assert.Contains(parsed.Samples, s => s.Name == "mlobs_drift_p_value");
        Assert.Contains(parsed.Samples, s => s.Name == "mlobs_unseen_category_share");

        var start = new ProcessStartInfo(Promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(exposition.ToArray());
        process.StandardInput.Close();
        await process.WaitForExitAsync();

        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"promtool check metrics exited {process.ExitCode}: {output}");
        Assert.Equal("", output.Trim());
    }
}
