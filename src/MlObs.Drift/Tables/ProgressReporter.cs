using System.Diagnostics;

namespace MlObs.Drift.Tables;

/// <summary>Reports progress at most every 100 ms, and once at the end.</summary>
internal sealed class ProgressReporter
{
    private static readonly long Interval = Stopwatch.Frequency / 10;
    private readonly IProgress<TableProgress>? _progress;
    private readonly string _path;
    private readonly long _totalBytes;
    private long _last;

    public ProgressReporter(IProgress<TableProgress>? progress, string path, long totalBytes)
    {
        _progress = progress;
        _path = path;
        _totalBytes = totalBytes;
        _last = Stopwatch.GetTimestamp();
    }

    /// <summary>Whether anyone listens.</summary>
    public bool Enabled => _progress is not null;

    /// <summary>Reports if 100 ms have passed since the last report.</summary>
    public void Tick(long bytesRead, long rows)
    {
        if (_progress is null)
            return;
        long now = Stopwatch.GetTimestamp();
        if (now - _last < Interval)
            return;
        _last = now;
        _progress.Report(new TableProgress(_path, Math.Min(bytesRead, _totalBytes), _totalBytes, rows));
    }

    /// <summary>Reports the end of the pass: every byte read.</summary>
    public void Done(long rows) => _progress?.Report(new TableProgress(_path, _totalBytes, _totalBytes, rows));
}
