namespace MlObs.Drift.Profiles;

/// <summary>How a reference profile keeps numeric columns.</summary>
public enum ProfileMode
{
    /// <summary>
    /// The sorted reference values are kept and windows keep their values: every statistic is exact (scipy parity). Memory grows
    /// with the rows.
    /// </summary>
    Exact,

    /// <summary>
    /// Only a fixed grid of reference-quantile bins is kept and windows keep counters on it: memory per column is bounded
    /// (independent of the rows); KS and Wasserstein are computed on the grid with a stated error bound.
    /// </summary>
    Streaming,
}

/// <summary>Options for fitting a <see cref="ReferenceProfile"/>.</summary>
public sealed record ProfileOptions
{
    /// <summary>Exact or streaming (see <see cref="ProfileMode"/>).</summary>
    public ProfileMode Mode { get; init; } = ProfileMode.Exact;

    /// <summary>
    /// Coarse bins between the reference minimum and maximum for the binned methods (PSI, KL, Jensen–Shannon, Hellinger): edges
    /// at reference quantiles, plus one underflow and one overflow bin that the reference leaves empty. Default 10 (deciles).
    /// </summary>
    public int Bins { get; init; } = 10;

    /// <summary>
    /// Fine bins of the streaming grid (reference quantiles), on which KS and Wasserstein are computed in streaming mode; the
    /// error bound of those statistics shrinks as this grows. Default 2048 (a window column then takes about 17 KiB).
    /// </summary>
    public int GridBins { get; init; } = 2048;

    /// <summary>A numeric column with at most this many distinct reference values is discrete: one bin per value. Default 20.</summary>
    public int DiscreteLimit { get; init; } = 20;

    /// <summary>
    /// Most distinct categories counted per categorical column; rarer ones beyond the limit are pooled in one "other" count.
    /// Default 1000.
    /// </summary>
    public int CategoryLimit { get; init; } = 1000;

    /// <summary>
    /// Reference values sampled per column (streaming mode) to place the grid edges and to calibrate thresholds. Default 16384.
    /// </summary>
    public int SampleSize { get; init; } = 16384;

    /// <summary>Random splits of the reference used to calibrate thresholds ("mlobs" preset). 0 disables calibration. Default 20.</summary>
    public int CalibrationSplits { get; init; } = 20;

    /// <summary>Seed of the sampling and calibration; the same data and seed give the same profile.</summary>
    public int Seed { get; init; } = 20240601;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Bins < 1)
            throw new ArgumentException($"Bins must be at least 1 (got {Bins}).");
        if (GridBins < Bins || GridBins > 1 << 20)
            throw new ArgumentException($"GridBins must be between Bins ({Bins}) and 1048576 (got {GridBins}).");
        if (DiscreteLimit < 0)
            throw new ArgumentException($"DiscreteLimit must not be negative (got {DiscreteLimit}).");
        if (CategoryLimit < 1)
            throw new ArgumentException($"CategoryLimit must be at least 1 (got {CategoryLimit}).");
        if (SampleSize < 100)
            throw new ArgumentException($"SampleSize must be at least 100 (got {SampleSize}).");
        if (CalibrationSplits < 0)
            throw new ArgumentException($"CalibrationSplits must not be negative (got {CalibrationSplits}).");
    }
}
