using System.Buffers;

namespace MlObs.Drift.Methods;

/// <summary>
/// Distances between two samples through their ECDFs, with scipy's <c>_cdf_distance</c> conventions (spec §6.3):
/// the 1-Wasserstein distance, its Evidently normalisation, and the energy distance.
/// </summary>
public static class Distances
{
    /// <summary>The smallest denominator of <see cref="WassersteinNormalized(ReadOnlySpan{double}, ReadOnlySpan{double})"/> (Evidently's 0.001).</summary>
    public const double MinimumReferenceStd = 0.001;

    /// <summary>The 1-Wasserstein (earth mover's) distance Σ|U − V|·Δ, scipy's <c>wasserstein_distance(u, v)</c>.</summary>
    /// <param name="u">The first sample, non-empty, without NaN.</param>
    /// <param name="v">The second sample, non-empty, without NaN.</param>
    /// <returns>The distance, in the data's units.</returns>
    public static double Wasserstein(ReadOnlySpan<double> u, ReadOnlySpan<double> v) => WithSorted(u, v, nameof(u), nameof(v), 1);

    /// <summary><see cref="Wasserstein(ReadOnlySpan{double}, ReadOnlySpan{double})"/> on samples already sorted ascending (O(n + m), no allocation).</summary>
    /// <param name="sortedU">The first sample, sorted ascending.</param>
    /// <param name="sortedV">The second sample, sorted ascending.</param>
    /// <returns>The distance.</returns>
    public static double WassersteinSorted(ReadOnlySpan<double> sortedU, ReadOnlySpan<double> sortedV)
    {
        Samples.RequireSorted(sortedU, nameof(sortedU));
        Samples.RequireSorted(sortedV, nameof(sortedV));
        return CdfDistance(sortedU, sortedV, 1);
    }

    /// <summary>
    /// Evidently's normalised Wasserstein: W₁(reference, current) / max(σ(reference), 0.001), with σ the population standard
    /// deviation (ddof = 0). Not symmetric: only the reference scales it.
    /// </summary>
    /// <param name="reference">The reference sample, non-empty, without NaN.</param>
    /// <param name="current">The current sample, non-empty, without NaN.</param>
    /// <returns>The normalised distance.</returns>
    public static double WassersteinNormalized(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        double w = WithSorted(reference, current, nameof(reference), nameof(current), 1);
        return w / Math.Max(PopulationStd(reference), MinimumReferenceStd);
    }

    /// <summary>The energy distance √2·√(Σ(U − V)²·Δ), scipy's <c>energy_distance(u, v)</c>.</summary>
    /// <param name="u">The first sample, non-empty, without NaN.</param>
    /// <param name="v">The second sample, non-empty, without NaN.</param>
    /// <returns>The distance (not normalised, so scale-dependent).</returns>
    public static double Energy(ReadOnlySpan<double> u, ReadOnlySpan<double> v) =>
        Math.Sqrt(2.0) * WithSorted(u, v, nameof(u), nameof(v), 2);

    /// <summary><see cref="Energy(ReadOnlySpan{double}, ReadOnlySpan{double})"/> on samples already sorted ascending.</summary>
    /// <param name="sortedU">The first sample, sorted ascending.</param>
    /// <param name="sortedV">The second sample, sorted ascending.</param>
    /// <returns>The distance.</returns>
    public static double EnergySorted(ReadOnlySpan<double> sortedU, ReadOnlySpan<double> sortedV)
    {
        Samples.RequireSorted(sortedU, nameof(sortedU));
        Samples.RequireSorted(sortedV, nameof(sortedV));
        return Math.Sqrt(2.0) * CdfDistance(sortedU, sortedV, 2);
    }

    /// <summary>The population standard deviation (numpy's <c>np.std</c>, ddof = 0): mean first, then the mean squared deviation.</summary>
    /// <param name="values">The values, non-empty, without NaN.</param>
    /// <returns>The standard deviation.</returns>
    public static double PopulationStd(ReadOnlySpan<double> values)
    {
        Samples.Require(values, nameof(values));
        double sum = 0;
        foreach (double x in values)
            sum += x;
        double mean = sum / values.Length;
        double squares = 0;
        foreach (double x in values)
            squares += (x - mean) * (x - mean);
        return Math.Sqrt(squares / values.Length);
    }

    private static double WithSorted(ReadOnlySpan<double> u, ReadOnlySpan<double> v, string nameU, string nameV, int power)
    {
        Samples.Require(u, nameU);
        Samples.Require(v, nameV);
        double[] bufferU = ArrayPool<double>.Shared.Rent(u.Length);
        double[] bufferV = ArrayPool<double>.Shared.Rent(v.Length);
        try
        {
            Span<double> su = bufferU.AsSpan(0, u.Length);
            Span<double> sv = bufferV.AsSpan(0, v.Length);
            u.CopyTo(su);
            v.CopyTo(sv);
            su.Sort();
            sv.Sort();
            return CdfDistance(su, sv, power);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(bufferU);
            ArrayPool<double>.Shared.Return(bufferV);
        }
    }

    /// <summary>
    /// Σ |U − V|^p · Δ over consecutive pooled points (then the p-th root for p = 2), where U and V are the ECDFs with the
    /// "≤ x" convention at the left end of each gap. A merge walk: O(n + m).
    /// </summary>
    private static double CdfDistance(ReadOnlySpan<double> u, ReadOnlySpan<double> v, int power)
    {
        int n = u.Length, m = v.Length;
        int i = 0, j = 0;
        double sum = 0;
        double previous = Math.Min(u[0], v[0]);
        while (i < n || j < m)
        {
            double x = j >= m || (i < n && u[i] <= v[j]) ? u[i] : v[j];
            if (x > previous)
            {
                double diff = Math.Abs((double)i / n - (double)j / m);
                sum += power == 1 ? diff * (x - previous) : diff * diff * (x - previous);
                previous = x;
            }
            while (i < n && u[i] == x)
                i++;
            while (j < m && v[j] == x)
                j++;
        }
        return power == 1 ? sum : Math.Sqrt(sum);
    }
}
