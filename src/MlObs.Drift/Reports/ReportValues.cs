namespace MlObs.Drift.Reports;

/// <summary>
/// The closed vocabularies of a drift report's string fields. <see cref="DriftReportJson.Read(string)"/> accepts only these,
/// and <c>docs/drift-report.schema.json</c> lists the same values (a test keeps the two in step).
/// </summary>
internal static class ReportValues
{
    /// <summary>Values of <see cref="DriftReport.Preset"/>.</summary>
    public static readonly string[] Presets = ["mlobs", "evidently"];

    /// <summary>Values of <see cref="DriftReport.Mode"/>.</summary>
    public static readonly string[] Modes = ["exact", "streaming"];

    /// <summary>Values of <see cref="DatasetDrift.Correction"/>.</summary>
    public static readonly string[] Corrections = ["none", "bonferroni", "benjamini-hochberg"];

    /// <summary>Values of <see cref="ColumnDrift.ThresholdSource"/> (which may also be null).</summary>
    public static readonly string[] ThresholdSources = ["fixed", "calibrated", "override"];

    /// <summary>Values of <see cref="ColumnDrift.Status"/>: the constants of <see cref="ColumnStatus"/>.</summary>
    public static readonly string[] Statuses =
    [
        ColumnStatus.Ok,
        ColumnStatus.InsufficientData,
        ColumnStatus.MissingInCurrent,
        ColumnStatus.TypeMismatch,
        ColumnStatus.Error,
    ];
}
