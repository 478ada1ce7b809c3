using MathNet.Numerics.Distributions;

namespace MlObs.Drift.Methods;

/// <summary>The result of a t-test.</summary>
/// <param name="Statistic">The t statistic.</param>
/// <param name="PValue">The two-sided p-value.</param>
/// <param name="DegreesOfFreedom">The degrees of freedom.</param>
public sealed record TTestResult(double Statistic, double PValue, double DegreesOfFreedom);

/// <summary>Student's two-sample t-test (Evidently's <c>t_test</c>).</summary>
public static class TTest
{
    /// <summary>
    /// scipy's <c>ttest_ind(a, b)</c> with pooled variance (equal_var=True): t = (x̄ − ȳ)/√(s²(1/n₁ + 1/n₂)),
    /// s² = ((n₁−1)s₁² + (n₂−1)s₂²)/(n₁ + n₂ − 2), two-sided p from Student's t with n₁ + n₂ − 2 degrees of freedom.
    /// </summary>
    /// <param name="a">The first sample, without NaN.</param>
    /// <param name="b">The second sample, without NaN.</param>
    /// <returns>t, its two-sided p-value and the degrees of freedom.</returns>
    public static TTestResult Independent(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Samples.Require(a, nameof(a));
        Samples.Require(b, nameof(b));
        int n1 = a.Length, n2 = b.Length;
        double dof = n1 + n2 - 2;
        if (dof < 1)
            throw new ArgumentException("The t-test needs at least three values in total.", nameof(b));
        (double m1, double v1) = MeanVariance(a);
        (double m2, double v2) = MeanVariance(b);
        double pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / dof;
        double t = (m1 - m2) / Math.Sqrt(pooled * (1.0 / n1 + 1.0 / n2));
        double p = double.IsNaN(t) ? double.NaN : 2 * StudentT.CDF(0, 1, dof, -Math.Abs(t));
        return new TTestResult(t, p, dof);
    }

    private static (double Mean, double Variance) MeanVariance(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
            sum += v;
        double mean = sum / values.Length;
        double squares = 0;
        foreach (double v in values)
            squares += (v - mean) * (v - mean);
        return (mean, values.Length > 1 ? squares / (values.Length - 1) : 0);
    }
}
