using MlObs.Drift.Data;

namespace MlObs.Drift.Reports;

/// <summary>
/// The result of comparing a window with a reference profile: one <see cref="ColumnDrift"/> per column and the dataset verdict.
/// Written as JSON by <c>DriftReportJson</c> (schema: <c>docs/drift-report.schema.json</c>); the same object is what
/// <c>mlobs drift compare</c> prints and what the drift monitor's report endpoint returns.
/// </summary>
/// <param name="Preset">The preset that chose methods and thresholds ("mlobs" or "evidently").</param>
/// <param name="Mode">"exact" when the reference kept its values, "streaming" when statistics came from its sketch.</param>
/// <param name="ReferenceRows">Rows in the reference.</param>
/// <param name="CurrentRows">Rows in the window.</param>
/// <param name="Dataset">The dataset verdict and schema changes.</param>
/// <param name="Columns">One entry per compared column, in reference order.</param>
public sealed record DriftReport(
    string Preset,
    string Mode,
    long ReferenceRows,
    long CurrentRows,
    DatasetDrift Dataset,
    IReadOnlyList<ColumnDrift> Columns)
{
    /// <summary>The version of the JSON format; bumped on any incompatible change.</summary>
    public const int FormatVersion = 1;
}

/// <summary>The dataset verdict: drift when the share of drifted columns reaches <paramref name="DriftShareThreshold"/>.</summary>
/// <param name="Columns">Columns that got a verdict (status "ok"); the denominator of the share.</param>
/// <param name="DriftedColumns">Columns among them that drifted.</param>
/// <param name="DriftShare">DriftedColumns / Columns (0 when no column got a verdict).</param>
/// <param name="DriftShareThreshold">The share at or above which the dataset drifts (0.5 by default, as Evidently).</param>
/// <param name="Drift">True when DriftShare ≥ DriftShareThreshold and at least one column got a verdict.</param>
/// <param name="MissingColumns">Reference columns absent from the window (schema change).</param>
/// <param name="NewColumns">Window columns absent from the reference (schema change; not compared).</param>
/// <param name="SkippedColumns">Columns that got no verdict (status other than "ok"), with their status.</param>
/// <param name="Correction">The multiple-testing correction applied to p-values: "none", "bonferroni" or "benjamini-hochberg".</param>
public sealed record DatasetDrift(
    int Columns,
    int DriftedColumns,
    double DriftShare,
    double DriftShareThreshold,
    bool Drift,
    IReadOnlyList<string> MissingColumns,
    IReadOnlyList<string> NewColumns,
    int SkippedColumns,
    string Correction);

/// <summary>The verdict for one column.</summary>
/// <param name="Column">The column name.</param>
/// <param name="Kind">The column kind.</param>
/// <param name="Method">The method id (for example "ks", "wasserstein", "jensenshannon"); null when nothing was computed.</param>
/// <param name="Statistic">The method's statistic or distance; null when nothing was computed.</param>
/// <param name="PValue">The p-value for tests (after correction, if any); null for distances.</param>
/// <param name="Threshold">The threshold the score was compared with; null when nothing was computed.</param>
/// <param name="Drift">Whether the column drifted (always false unless <paramref name="Status"/> is "ok").</param>
/// <param name="NReference">Non-missing reference values used.</param>
/// <param name="NCurrent">Non-missing window values used.</param>
/// <param name="MissingReference">Share of missing values in the reference (0..1).</param>
/// <param name="MissingCurrent">Share of missing values in the window (0..1).</param>
/// <param name="Status">See <see cref="ColumnStatus"/>.</param>
public sealed record ColumnDrift(
    string Column,
    ColumnKind Kind,
    string? Method,
    double? Statistic,
    double? PValue,
    double? Threshold,
    bool Drift,
    long NReference,
    long NCurrent,
    double MissingReference,
    double MissingCurrent,
    string Status)
{
    /// <summary>Why the status is not "ok", or a note on how the value was obtained; null when there is nothing to say.</summary>
    public string? Message { get; init; }

    /// <summary>How the drift decision reads, for example "p_value &lt;= threshold" or "statistic >= threshold".</summary>
    public string? DriftRule { get; init; }

    /// <summary>Where the threshold came from: "fixed" (the method default), "calibrated" (reference chunks) or "override".</summary>
    public string? ThresholdSource { get; init; }

    /// <summary>The p-value before the multiple-testing correction, when one was applied.</summary>
    public double? PValueRaw { get; init; }

    /// <summary>
    /// In streaming mode, the largest amount by which <see cref="Statistic"/> may differ from the value on the raw data
    /// (null when the statistic is exact).
    /// </summary>
    public double? ErrorBound { get; init; }

    /// <summary>Values present in the window that could not be read as the column's kind (counted as missing).</summary>
    public long InvalidCurrent { get; init; }

    /// <summary>The reference holds a single distinct value.</summary>
    public bool ConstantReference { get; init; }

    /// <summary>The window holds a single distinct value.</summary>
    public bool ConstantCurrent { get; init; }

    /// <summary>Categories of the window that the reference never saw; null for numeric columns.</summary>
    public UnseenCategories? Unseen { get; init; }

    /// <summary>Reference and window distributions on the same bins or categories, for plots; null when not available.</summary>
    public HistogramPair? Histogram { get; init; }
}

/// <summary>The values of <see cref="ColumnDrift.Status"/>.</summary>
public static class ColumnStatus
{
    /// <summary>The column was compared and has a verdict.</summary>
    public const string Ok = "ok";

    /// <summary>The reference or the window has no usable value (empty or all missing); no verdict.</summary>
    public const string InsufficientData = "insufficient_data";

    /// <summary>The column is in the reference but not in the window; no verdict.</summary>
    public const string MissingInCurrent = "missing_in_current";

    /// <summary>The window's values for the column could not be read as its kind; no verdict.</summary>
    public const string TypeMismatch = "type_mismatch";

    /// <summary>The method failed on this column (the message says why); no verdict, the other columns are unaffected.</summary>
    public const string Error = "error";
}

/// <summary>Window categories the reference never saw.</summary>
/// <param name="Share">Their share of the window's non-missing values (0..1).</param>
/// <param name="Distinct">How many distinct unseen categories were counted (bounded by the window's category limit).</param>
/// <param name="Top">The most frequent ones, most frequent first (at most 10).</param>
public sealed record UnseenCategories(double Share, long Distinct, IReadOnlyList<CategoryCount> Top);

/// <summary>A category and how often it occurred.</summary>
public sealed record CategoryCount(string Value, long Count);

/// <summary>
/// Reference and window shares on the same bins: numeric columns use the reference bins (with the two overflow bins), categorical
/// ones the reference categories plus one bin for unseen values.
/// </summary>
/// <param name="Labels">One label per bin ("[0.1, 0.5)", "&lt; 0.1", "red", "(unseen)").</param>
/// <param name="Edges">For numeric columns the interior edges (Labels.Count − 1 values); null for categories.</param>
/// <param name="Reference">The reference share of each bin (sums to 1).</param>
/// <param name="Current">The window share of each bin (sums to 1, or all 0 when the window is empty).</param>
public sealed record HistogramPair(
    IReadOnlyList<string> Labels,
    IReadOnlyList<double>? Edges,
    IReadOnlyList<double> Reference,
    IReadOnlyList<double> Current);
