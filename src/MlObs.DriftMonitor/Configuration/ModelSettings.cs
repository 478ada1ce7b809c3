using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;
using MlObs.DriftMonitor.Windows;

namespace MlObs.DriftMonitor.Configuration;

/// <summary>When a model's window is evaluated.</summary>
/// <param name="EveryRecords">Evaluate once this many records have arrived since the last evaluation (null: not by count).</param>
/// <param name="Every">Evaluate at this interval (null: not by time).</param>
/// <param name="MinRecords">Do not evaluate a window holding fewer records than this (its report would be noise).</param>
public sealed record EvaluationSettings(long? EveryRecords = null, TimeSpan? Every = null, long MinRecords = 100)
{
    /// <summary>The default: every 60 seconds, once the window holds at least 100 records.</summary>
    public static EvaluationSettings Default { get; } = new(null, TimeSpan.FromSeconds(60), 100);
}

/// <summary>
/// The settings of one monitored model: where its reference comes from, how positional values are named, its window, when it
/// is evaluated and with which statistics. Unset values take <see cref="MonitorConfig.Defaults"/>.
/// </summary>
public sealed record ModelSettings
{
    /// <summary>A path or http(s) URL of the reference dataset (CSV, Parquet or JSON lines) loaded at start, or null.</summary>
    public string? Reference { get; init; }

    /// <summary>Names of positional inputs (the values of an <c>instances</c> row or an input tensor), or null for the reference's.</summary>
    public IReadOnlyList<string>? Inputs { get; init; }

    /// <summary>Names of positional outputs (predictions), or null for <c>prediction</c>.</summary>
    public IReadOnlyList<string>? Outputs { get; init; }

    /// <summary>The window.</summary>
    public WindowSettings Window { get; init; } = WindowSettings.Default;

    /// <summary>When to evaluate.</summary>
    public EvaluationSettings Evaluation { get; init; } = EvaluationSettings.Default;

    /// <summary>The statistics: preset, per-feature methods and thresholds, dataset share, correction.</summary>
    public DriftOptions Drift { get; init; } = new() { IncludeHistograms = true };

    /// <summary>How references are fitted (streaming by default: bounded memory whatever the reference's size).</summary>
    public ProfileOptions Profile { get; init; } = new() { Mode = ProfileMode.Streaming };

    /// <summary>How long the first half of an inference waits for the other before it is counted alone.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
