namespace MlObs.Drift.Evaluation;

/// <summary>Which methods and thresholds the engine picks for a column when none is set.</summary>
public enum DriftPreset
{
    /// <summary>
    /// Recommended: effect-size distances (normalised Wasserstein for numbers, Jensen–Shannon base 2 for categories) with thresholds
    /// calibrated on splits of the reference (mean + k·σ, never below the distance's fixed threshold), so that large samples do
    /// not alarm on negligible shifts and small ones do not alarm on noise.
    /// </summary>
    Mlobs,

    /// <summary>Evidently's default selection rule and thresholds (§1.2), for users migrating from Evidently.</summary>
    Evidently,
}

/// <summary>Multiple-testing correction applied to the p-values of the columns tested with a p-value method.</summary>
public enum PValueCorrection
{
    /// <summary>No correction (Evidently's behaviour).</summary>
    None,

    /// <summary>Bonferroni: p × m.</summary>
    Bonferroni,

    /// <summary>Benjamini–Hochberg false discovery rate.</summary>
    BenjaminiHochberg,
}

/// <summary>A user's choice of method and/or threshold for one column.</summary>
/// <param name="Method">A method id (<see cref="DriftMethods"/>), or null to keep the preset's.</param>
/// <param name="Threshold">A threshold, or null for the method's (calibrated or fixed) one.</param>
public sealed record ColumnOverride(string? Method = null, double? Threshold = null);

/// <summary>Options of an evaluation.</summary>
public sealed record DriftOptions
{
    /// <summary>The preset (default <see cref="DriftPreset.Mlobs"/>).</summary>
    public DriftPreset Preset { get; init; } = DriftPreset.Mlobs;

    /// <summary>Per-column method and threshold overrides, by column name.</summary>
    public IReadOnlyDictionary<string, ColumnOverride> Overrides { get; init; } = new Dictionary<string, ColumnOverride>();

    /// <summary>Only these columns (null: every reference column).</summary>
    public IReadOnlyCollection<string>? Columns { get; init; }

    /// <summary>The dataset drifts when the share of drifted columns is at least this (default 0.5).</summary>
    public double DriftShare { get; init; } = 0.5;

    /// <summary>Correction of p-values across columns (default none).</summary>
    public PValueCorrection Correction { get; init; } = PValueCorrection.None;

    /// <summary>k in the calibrated threshold mean + k·σ (default 3, NannyML's).</summary>
    public double CalibrationSigma { get; init; } = 3;

    /// <summary>Include the reference/window histograms in the report (default true).</summary>
    public bool IncludeHistograms { get; init; } = true;

    /// <summary>Most categories drawn per categorical histogram; the rest are pooled as "(other)". Default 20.</summary>
    public int HistogramCategories { get; init; } = 20;
}
