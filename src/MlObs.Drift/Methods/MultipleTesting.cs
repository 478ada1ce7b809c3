namespace MlObs.Drift.Methods;

/// <summary>Multiple-testing corrections across columns, and Evidently's dataset-level drift rule (spec §1.4, §2.1).</summary>
public static class MultipleTesting
{
    /// <summary>Evidently's default share of drifted columns at which the dataset drifts.</summary>
    public const double DefaultDriftShare = 0.5;

    /// <summary>Bonferroni-adjusted p-values min(1, m·pᵢ) (statsmodels <c>multipletests(method='bonferroni')</c>).</summary>
    /// <param name="pValues">The raw p-values, each in [0, 1].</param>
    /// <returns>The adjusted p-values, in the input order.</returns>
    public static double[] Bonferroni(ReadOnlySpan<double> pValues)
    {
        Validate(pValues);
        var adjusted = new double[pValues.Length];
        for (int i = 0; i < pValues.Length; i++)
            adjusted[i] = Math.Min(1.0, pValues[i] * pValues.Length);
        return adjusted;
    }

    /// <summary>
    /// Benjamini–Hochberg adjusted p-values (statsmodels <c>fdrcorrection(method='indep')</c>): with p₍ᵢ₎ sorted ascending,
    /// q₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎/j). Reject where q ≤ α.
    /// </summary>
    /// <param name="pValues">The raw p-values, each in [0, 1].</param>
    /// <returns>The adjusted p-values, in the input order.</returns>
    public static double[] BenjaminiHochberg(ReadOnlySpan<double> pValues)
    {
        Validate(pValues);
        int m = pValues.Length;
        int[] order = Enumerable.Range(0, m).ToArray();
        double[] keys = pValues.ToArray();
        Array.Sort(keys, order); // ties keep no particular order; the adjusted values of tied p-values are equal anyway
        var adjusted = new double[m];
        double running = 1.0;
        for (int rank = m; rank >= 1; rank--)
        {
            double q = keys[rank - 1] / ((double)rank / m);
            running = Math.Min(running, q);
            adjusted[order[rank - 1]] = Math.Min(1.0, running);
        }
        return adjusted;
    }

    /// <summary>Which hypotheses are rejected at <paramref name="alpha"/> given adjusted p-values (q ≤ α, as statsmodels).</summary>
    /// <param name="adjusted">Adjusted p-values.</param>
    /// <param name="alpha">The family-wise error rate or false discovery rate.</param>
    /// <returns>One flag per p-value.</returns>
    public static bool[] Reject(ReadOnlySpan<double> adjusted, double alpha = 0.05)
    {
        var result = new bool[adjusted.Length];
        for (int i = 0; i < adjusted.Length; i++)
            result[i] = adjusted[i] <= alpha;
        return result;
    }

    /// <summary>
    /// Evidently's dataset rule: the dataset drifts when drifted/total ≥ <paramref name="driftShare"/>
    /// (<c>get_dataset_drift</c>, default 0.5). No column, no drift.
    /// </summary>
    /// <param name="driftedColumns">How many columns drifted.</param>
    /// <param name="totalColumns">How many columns were tested.</param>
    /// <param name="driftShare">The threshold share, in (0, 1].</param>
    /// <returns>The share of drifted columns and whether the dataset drifts.</returns>
    public static (double Share, bool Drifted) DatasetDrift(int driftedColumns, int totalColumns, double driftShare = DefaultDriftShare)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(driftedColumns);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(driftedColumns, totalColumns);
        if (!(driftShare > 0 && driftShare <= 1))
            throw new ArgumentOutOfRangeException(nameof(driftShare), driftShare, "The drift share must be in (0, 1].");
        if (totalColumns == 0)
            return (0.0, false);
        double share = (double)driftedColumns / totalColumns;
        return (share, share >= driftShare);
    }

    private static void Validate(ReadOnlySpan<double> pValues)
    {
        for (int i = 0; i < pValues.Length; i++)
        {
            if (!(pValues[i] >= 0 && pValues[i] <= 1))
                throw new ArgumentException($"p-value {i} is {pValues[i]}, outside [0, 1].", nameof(pValues));
        }
    }
}
