using System.Buffers;
using MathNet.Numerics;

namespace MlObs.Drift.Methods;

/// <summary>How a Kolmogorov–Smirnov p-value is computed (scipy's <c>method</c> argument).</summary>
public enum KsMethod
{
    /// <summary>Exact when max(n₁, n₂) ≤ <see cref="KolmogorovSmirnov.MaxAutoN"/>, asymptotic otherwise.</summary>
    Auto,

    /// <summary>The exact null distribution (falls back to asymptotic where scipy does).</summary>
    Exact,

    /// <summary>The asymptotic distribution.</summary>
    Asymptotic,
}

/// <summary>The result of a two-sample Kolmogorov–Smirnov test.</summary>
/// <param name="Statistic">D (two-sided), D⁺ (<see cref="Alternative.Greater"/>) or D⁻ (<see cref="Alternative.Less"/>).</param>
/// <param name="PValue">The p-value, clipped to [0, 1].</param>
/// <param name="Method">The method actually used (<see cref="KsMethod.Exact"/> or <see cref="KsMethod.Asymptotic"/>).</param>
/// <param name="StatisticLocation">The value at which the ECDF difference is largest (scipy's <c>statistic_location</c>).</param>
/// <param name="StatisticSign">+1 when F₁ − F₂ is largest there, −1 when F₂ − F₁ is (scipy's <c>statistic_sign</c>).</param>
public sealed record KsResult(double Statistic, double PValue, KsMethod Method, double StatisticLocation, int StatisticSign);

/// <summary>
/// The two-sample Kolmogorov–Smirnov test with the conventions of scipy's <c>ks_2samp</c> (spec §6.1).
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>The largest sample size for which <see cref="KsMethod.Auto"/> chooses the exact p-value (scipy's MAX_AUTO_N).</summary>
    public const int MaxAutoN = 10000;

    /// <summary>Runs the test on unsorted samples (they are copied and sorted; the inputs are not modified).</summary>
    /// <param name="a">The first sample (the reference), non-empty, without NaN.</param>
    /// <param name="b">The second sample (the current window), non-empty, without NaN.</param>
    /// <param name="alternative">The alternative hypothesis.</param>
    /// <param name="method">How the p-value is computed.</param>
    /// <returns>The statistic, p-value and method used.</returns>
    /// <exception cref="ArgumentException">A sample is empty or contains NaN.</exception>
    public static KsResult TwoSample(
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Alternative alternative = Alternative.TwoSided, KsMethod method = KsMethod.Auto)
    {
        Samples.Require(a, nameof(a));
        Samples.Require(b, nameof(b));
        double[] bufferA = ArrayPool<double>.Shared.Rent(a.Length);
        double[] bufferB = ArrayPool<double>.Shared.Rent(b.Length);
        try
        {
            Span<double> sortedA = bufferA.AsSpan(0, a.Length);
            Span<double> sortedB = bufferB.AsSpan(0, b.Length);
            a.CopyTo(sortedA);
            b.CopyTo(sortedB);
            sortedA.Sort();
            sortedB.Sort();
            return Compute(sortedA, sortedB, alternative, method);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(bufferA);
            ArrayPool<double>.Shared.Return(bufferB);
        }
    }

    /// <summary>
    /// Runs the test on samples already sorted ascending (e.g. a reference sorted once at fit time). The statistic is one
    /// O(n₁ + n₂) merge walk without allocation; sortedness is checked, not re-established.
    /// </summary>
    /// <param name="sortedA">The first sample, sorted ascending, non-empty, without NaN.</param>
    /// <param name="sortedB">The second sample, sorted ascending, non-empty, without NaN.</param>
    /// <param name="alternative">The alternative hypothesis.</param>
    /// <param name="method">How the p-value is computed.</param>
    /// <returns>The statistic, p-value and method used.</returns>
    /// <exception cref="ArgumentException">A sample is empty, unsorted or contains NaN.</exception>
    public static KsResult TwoSampleSorted(
        ReadOnlySpan<double> sortedA,
        ReadOnlySpan<double> sortedB,
        Alternative alternative = Alternative.TwoSided,
        KsMethod method = KsMethod.Auto)
    {
        Samples.RequireSorted(sortedA, nameof(sortedA));
        Samples.RequireSorted(sortedB, nameof(sortedB));
        return Compute(sortedA, sortedB, alternative, method);
    }

    private static KsResult Compute(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Alternative alternative, KsMethod method)
    {
        Walk(a, b, out double maxS, out double maxLocation, out double minS, out double minLocation);
        double d;
        double location;
        int sign;
        if (alternative == Alternative.Less || (alternative == Alternative.TwoSided && minS > maxS))
        {
            d = minS;
            location = minLocation;
            sign = -1;
        }
        else
        {
            d = maxS;
            location = maxLocation;
            sign = 1;
        }
        (double p, KsMethod used, d) = PValue(a.Length, b.Length, d, alternative, method);
        return new KsResult(d, p, used, location, sign);
    }

    /// <summary>
    /// The largest F₁ − F₂ and F₂ − F₁ over the pooled points, ECDFs evaluated with the "≤ x" convention (searchsorted right).
    /// The locations follow numpy's argmax over the pooled array (sorted a, then sorted b): the first maximum among a's values
    /// if one exists, otherwise among b's.
    /// </summary>
    private static void Walk(
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, out double maxS, out double maxLocation, out double minS, out double minLocation)
    {
        int n1 = a.Length, n2 = b.Length;
        double maxA = double.NegativeInfinity, maxB = double.NegativeInfinity, minA = double.PositiveInfinity, minB = double.PositiveInfinity;
        double maxLocA = double.NaN, maxLocB = double.NaN, minLocA = double.NaN, minLocB = double.NaN;
        int i = 0, j = 0;
        while (i < n1 || j < n2)
        {
            double v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
            bool inA = i < n1 && a[i] == v;
            bool inB = j < n2 && b[j] == v;
            while (i < n1 && a[i] == v)
                i++;
            while (j < n2 && b[j] == v)
                j++;
            double diff = (double)i / n1 - (double)j / n2;
            if (inA)
            {
                if (diff > maxA)
                    (maxA, maxLocA) = (diff, v);
                if (diff < minA)
                    (minA, minLocA) = (diff, v);
            }
            if (inB)
            {
                if (diff > maxB)
                    (maxB, maxLocB) = (diff, v);
                if (diff < minB)
                    (minB, minLocB) = (diff, v);
            }
        }
        double max = Math.Max(maxA, maxB);
        double min = Math.Min(minA, minB);
        maxLocation = maxA == max ? maxLocA : maxLocB;
        minLocation = minA == min ? minLocA : minLocB;
        maxS = max;
        minS = Math.Clamp(-min, 0, 1);
    }

    /// <summary>The p-value of an observed statistic with scipy's method choice and fallbacks.</summary>
    /// <param name="n1">The first sample size.</param>
    /// <param name="n2">The second sample size.</param>
    /// <param name="d">The observed statistic (D, D⁺ or D⁻).</param>
    /// <param name="alternative">The alternative hypothesis.</param>
    /// <param name="method">How the p-value is computed.</param>
    /// <returns>The p-value, the method used, and the statistic (snapped to a multiple of 1/lcm(n₁, n₂) when exact).</returns>
    public static (double PValue, KsMethod Method, double Statistic) PValue(int n1, int n2, double d, Alternative alternative, KsMethod method)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n1, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n2, 1);
        long g = Samples.Gcd(n1, n2);
        long n1g = n1 / g, n2g = n2 / g;
        if (method == KsMethod.Auto)
            method = Math.Max(n1, n2) <= MaxAutoN ? KsMethod.Exact : KsMethod.Asymptotic;
        else if (method == KsMethod.Exact && n1g >= int.MaxValue / (double)n2g)
            method = KsMethod.Asymptotic;

        double p = double.NaN;
        if (method == KsMethod.Exact)
        {
            long lcm = n1g * n2;
            long h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
            d = (double)h / lcm;
            p = ExactSnapped(n1, n2, (int)g, h, alternative);
            if (double.IsNaN(p) || p < 0 || p > 1)
                method = KsMethod.Asymptotic;
        }
        if (method == KsMethod.Asymptotic)
            p = AsymptoticPValue(n1, n2, d, alternative);
        return (Math.Clamp(p, 0, 1), method, d);
    }

    /// <summary>
    /// The asymptotic p-value: kstwo.sf(d, round(n₁n₂/(n₁+n₂))) two-sided (round half to even, at least 1), Hodges' eq. 5.3
    /// one-sided.
    /// </summary>
    /// <param name="n1">The first sample size.</param>
    /// <param name="n2">The second sample size.</param>
    /// <param name="d">The observed statistic.</param>
    /// <param name="alternative">The alternative hypothesis.</param>
    /// <returns>The p-value, clipped to [0, 1].</returns>
    public static double AsymptoticPValue(int n1, int n2, double d, Alternative alternative)
    {
        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        double en = m * n / (m + n);
        double p;
        if (alternative == Alternative.TwoSided)
        {
            // round(0.5) = 0 when n₁ = n₂ = 1, where scipy returns NaN; this library uses n = 1 instead (never NaN).
            int effective = Math.Max(1, (int)Math.Round(en, MidpointRounding.ToEven));
            p = KolmogorovDistribution.Sf(effective, d);
        }
        else
        {
            double z = Math.Sqrt(en) * d;
            double exponent = -2 * z * z - 2 * z * (m + 2 * n) / Math.Sqrt(m * n * (m + n)) / 3.0;
            p = Math.Exp(exponent);
        }
        return Math.Clamp(p, 0, 1);
    }

    /// <summary>The exact p-value for d = h/lcm(n₁, n₂); NaN where scipy's exact computation fails (then it goes asymptotic).</summary>
    private static double ExactSnapped(int n1, int n2, int g, long h, Alternative alternative)
    {
        if (h == 0)
            return 1.0;
        if (alternative == Alternative.TwoSided)
            return n1 == n2 ? OutsideSquare(n1, h) : OutsideProbability(n1, n2, g, h, twoSided: true);
        if (n1 == n2)
        {
            // C(2n, n − h)/C(2n, n) as a product of h ratios.
            double p = 1.0;
            for (long j = 0; j < h; j++)
                p *= (n1 - j) / (n1 + j + 1.0);
            return p;
        }
        // scipy counts the paths with binomial coefficients and gives up (asymptotic) once C(n₁+n₂, n₁) overflows a double.
        if (SpecialFunctions.BinomialLn(n1 + n2, n1) > Math.Log(double.MaxValue))
            return double.NaN;
        return OutsideProbability(n1, n2, g, h, twoSided: false);
    }

    /// <summary>
    /// P(D ≥ h/n) for n₁ = n₂ = n: 2·Σ_{k≥1} (−1)^(k+1) C(2n, n − kh)/C(2n, n), in nested form 2·A₀(1 − A₁(1 − A₂(…))) where
    /// Aₖ = C(2n, n − (k+1)h)/C(2n, n − kh) is a product of h ratios.
    /// </summary>
    private static double OutsideSquare(int n, long h)
    {
        double p = 0.0;
        for (long k = n / h; k >= 0; k--)
        {
            double a = 1.0;
            for (long j = 0; j < h; j++)
                a = (n - k * h - j) * a / (n + k * h + j + 1);
            p = a * (1.0 - p);
        }
        return 2 * p;
    }

    /// <summary>
    /// The probability that a random lattice path from (0, 0) to (m, n) leaves the band of paths whose ECDF difference stays
    /// below d = h/lcm, computed directly rather than as 1 − P(inside) (Viehmann 2021, arXiv:2102.08037; Hodges 1958).
    /// B(i, j) is the chance that a path to (i, j) has already left; it is 1 outside the band and
    /// B(i, j) = (i·B(i−1, j) + j·B(i, j−1))/(i + j) inside, which is the path count divided by C(i+j, j). One column is kept.
    /// Two-sided, (i, j) is outside when |(n/g)·i − (m/g)·j| ≥ h; one-sided, when (n/g)·i − (m/g)·j ≥ h.
    /// </summary>
    private static double OutsideProbability(int n1, int n2, int g, long h, bool twoSided)
    {
        // The probability is symmetric in (n₁, n₂) (both for D and for D⁺), so iterate over the longer side.
        int m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        long mg = m / g, ng = n / g;
        double[] buffer = ArrayPool<double>.Shared.Rent(n + 1);
        try
        {
            Span<double> column = buffer.AsSpan(0, n + 1);
            column.Fill(1.0);
            for (int i = 0; i <= m; i++)
            {
                // Inside: ng·i − h < mg·j (< ng·i + h when two-sided).
                long lo = Math.Max(Samples.FloorDiv(ng * i - h, mg) + 1, 0);
                long hi = twoSided ? Math.Min(Samples.CeilDiv(ng * i + h, mg) - 1, n) : n;
                if (lo > hi)
                    return 1.0;
                double down = 1.0; // B(i, lo − 1) is outside the band, or unused when lo = 0
                for (long j = lo; j <= hi; j++)
                {
                    double value = i == 0 && j == 0 ? 0.0 : (i * column[(int)j] + j * down) / (i + j);
                    column[(int)j] = value;
                    down = value;
                }
            }
            return column[n];
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }
}
