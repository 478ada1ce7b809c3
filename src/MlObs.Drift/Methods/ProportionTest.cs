using MathNet.Numerics.Distributions;

namespace MlObs.Drift.Methods;

/// <summary>The result of a two-proportion z-test.</summary>
/// <param name="Statistic">z = (p₁ − p₂)/√(P(1 − P)(1/n₁ + 1/n₂)) with the pooled P.</param>
/// <param name="PValue">The p-value for the alternative.</param>
public sealed record ZTestResult(double Statistic, double PValue);

/// <summary>The two-proportion z-test with a pooled proportion (Evidently's <c>z</c> stat test, spec §1.1).</summary>
public static class ProportionTest
{
    /// <summary>
    /// Tests p₁ = p₂ from success counts. The two-sided p-value is 2·Φ(−|z|), computed in the tail so it does not underflow to 0
    /// at |z| ≈ 8.3 as Evidently's 2·(1 − Φ(|z|)) does (the two agree wherever the latter is not 0). When the pooled proportion
    /// is 0 or 1 (both samples hold one and the same value) there is no evidence of a difference: z = 0, p = 1, as in Evidently.
    /// </summary>
    /// <param name="successes1">Successes in the first sample (reference).</param>
    /// <param name="n1">Size of the first sample, at least 1.</param>
    /// <param name="successes2">Successes in the second sample (current).</param>
    /// <param name="n2">Size of the second sample, at least 1.</param>
    /// <param name="alternative">TwoSided (default), Greater (p₁ &gt; p₂) or Less (p₁ &lt; p₂).</param>
    /// <returns>z and its p-value.</returns>
    public static ZTestResult TwoProportion(long successes1, long n1, long successes2, long n2, Alternative alternative = Alternative.TwoSided)
    {
        if (n1 < 1)
            throw new ArgumentException("Sample 'n1' is empty; the z-test needs at least one observation per sample.", nameof(n1));
        if (n2 < 1)
            throw new ArgumentException("Sample 'n2' is empty; the z-test needs at least one observation per sample.", nameof(n2));
        ArgumentOutOfRangeException.ThrowIfNegative(successes1);
        ArgumentOutOfRangeException.ThrowIfNegative(successes2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes1, n1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes2, n2);
        double p1 = (double)successes1 / n1, p2 = (double)successes2 / n2;
        double pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        if (pooled <= 0 || pooled >= 1)
            return new ZTestResult(0.0, 1.0);
        double z = (p1 - p2) / Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        double p = alternative switch
        {
            Alternative.Greater => Normal.CDF(0, 1, -z),
            Alternative.Less => Normal.CDF(0, 1, z),
            _ => 2 * Normal.CDF(0, 1, -Math.Abs(z)),
        };
        return new ZTestResult(z, Math.Clamp(p, 0, 1));
    }
}
