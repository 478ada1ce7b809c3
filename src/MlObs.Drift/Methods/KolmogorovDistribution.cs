using System.Runtime.Intrinsics;
namespace MlObs.Drift.Methods;

/// <summary>
/// The distribution of the one-sample Kolmogorov statistic Dₙ for a finite n (scipy's <c>kstwo</c>), its limit (scipy's
/// <c>kstwobign</c>) and Smirnov's exact one-sided distribution (scipy's <c>special.smirnov</c>).
/// </summary>
/// <remarks>
/// The algorithm choice follows Simard &amp; L'Ecuyer (2011), "Computing the Two-Sided Kolmogorov-Smirnov Distribution",
/// J. Stat. Softw. 39(11), with scipy's cut-offs (spec §6.1): Ruben–Gambino closed forms at both ends, Smirnov's one-sided
/// sum doubled for large x, the Durbin matrix (Marsaglia–Tsang–Wang, rescaled by 2¹²⁸) for small n·x², Pomeranz' recursion in
/// between for n ≤ 140, and the Pelz–Good asymptotic series for large n.
/// </remarks>
public static class KolmogorovDistribution
{
    private const double Scale = 3.4028236692093846e38; // 2^128
    private const double InverseScale = 1.0 / Scale;
    private const int ScaleExponent = 128;

    /// <summary>P(Dₙ ≥ x), scipy's <c>kstwo.sf(x, n)</c>.</summary>
    /// <param name="n">The sample size, at least 1.</param>
    /// <param name="x">The statistic.</param>
    /// <returns>The survival probability, in [0, 1]; NaN when <paramref name="x"/> is NaN.</returns>
    public static double Sf(int n, double x) => Evaluate(n, x, cdf: false);

    /// <summary>P(Dₙ ≤ x), scipy's <c>kstwo.cdf(x, n)</c>.</summary>
    /// <param name="n">The sample size, at least 1.</param>
    /// <param name="x">The statistic.</param>
    /// <returns>The cumulative probability, in [0, 1]; NaN when <paramref name="x"/> is NaN.</returns>
    public static double Cdf(int n, double x) => Evaluate(n, x, cdf: true);

    /// <summary>
    /// The limiting survival function P(√n·Dₙ ≥ y) as n → ∞ (scipy's <c>kstwobign.sf(y)</c>, Cephes <c>kolmogorov</c>).
    /// </summary>
    /// <param name="y">The scaled statistic.</param>
    /// <returns>The survival probability, in [0, 1].</returns>
    public static double LimitSf(double y)
    {
        if (double.IsNaN(y))
            return double.NaN;
        if (y <= 0)
            return 1.0;
        if (y >= 1.0)
        {
            // 2 Σ (-1)^(k-1) exp(-2 k² y²), converging fast for y ≥ 1.
            double sum = 0, sign = 1;
            for (int k = 1; k < 100; k++)
            {
                double term = Math.Exp(-2.0 * k * k * y * y);
                sum += sign * term;
                if (term == 0 || term / sum <= 2.220446049250313e-16)
                    break;
                sign = -sign;
            }
            return Math.Clamp(2 * sum, 0, 1);
        }
        // Jacobi form for small y: CDF = √(2π)/y Σ_{odd j} exp(-j² π² / (8 y²)).
        double alpha = -Math.PI * Math.PI / (8 * y * y);
        double cdf = 0;
        for (int j = 1; j < 200; j += 2)
        {
            double term = Math.Exp(alpha * j * j);
            cdf += term;
            if (term == 0 || term / cdf < 2.220446049250313e-16)
                break;
        }
        cdf *= Math.Sqrt(2 * Math.PI) / y;
        return Math.Clamp(1 - cdf, 0, 1);
    }

    /// <summary>
    /// Smirnov's exact one-sided probability P(Dₙ⁺ ≥ d) (scipy's <c>special.smirnov(n, d)</c>), by the Birnbaum–Tingey sum
    /// d·Σ_{j=0}^{⌊n(1−d)⌋} C(n,j)(d + j/n)^(j−1)(1 − d − j/n)^(n−j), whose terms are all positive.
    /// </summary>
    /// <param name="n">The sample size, at least 1.</param>
    /// <param name="d">The statistic.</param>
    /// <returns>The survival probability, in [0, 1].</returns>
    public static double Smirnov(int n, double d)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (double.IsNaN(d))
            return double.NaN;
        if (d <= 0)
            return 1.0;
        if (d >= 1)
            return 0.0;
        int last = (int)Math.Floor(n * (1.0 - d));
        if (last >= VectorizedFrom)
        {
            int stride = SmirnovStride(n, d);
            if (stride >= 2)
                return SmirnovStrided(n, d, last, stride);
            if (Vector256.IsHardwareAccelerated)
                return SmirnovVectorized(n, d, last);
        }
        return SmirnovFullSum(n, d, last);
    }

    /// <summary>The Birnbaum–Tingey sum term by term (every j), as scipy's Cephes <c>smirnov</c> computes it.</summary>
    internal static double SmirnovFullSum(int n, double d) =>
        d <= 0 ? 1.0 : d >= 1 ? 0.0 : SmirnovFullSum(n, d, (int)Math.Floor(n * (1.0 - d)));

    private static double SmirnovFullSum(int n, double d, int last)
    {
        // Terms in log space: ln C(n,j) is accumulated exactly term by term.
        double logD = Math.Log(d);
        // One pass in log space, the running sum kept relative to the largest term so far (no overflow or underflow).
        double sum = 0;
        double maxLog = double.NegativeInfinity;
        // ln C(n, j), accumulated term by term with Kahan compensation (it grows to ~n·ln 2 and must stay exact to ~1e-12).
        double logBinom = 0, compensation = 0;
        double previousLog = double.NegativeInfinity;
        int decreasing = 0;
        for (int j = 0; j <= last; j++)
        {
            double upper = 1.0 - d - (double)j / n;
            if (j > 0)
            {
                double y = Math.Log((double)(n - j + 1) / j) - compensation;
                double sumSoFar = logBinom + y;
                compensation = sumSoFar - logBinom - y;
                logBinom = sumSoFar;
            }
            if (upper <= 0)
            {
                if (n - j == 0)
                    upper = 1; // 0^0
                else
                    continue;
            }
            double lower = d + (double)j / n;
            double logTerm = logBinom + (j - 1) * Math.Log(lower) + (n - j) * Math.Log(upper);
            if (logTerm > maxLog)
            {
                sum = sum * Math.Exp(maxLog - logTerm) + 1.0;
                maxLog = logTerm;
            }
            else
            {
                sum += Math.Exp(logTerm - maxLog);
                // The terms are unimodal in j (a quasi-binomial distribution): once they fall steadily and are e⁻⁶⁰ below the
                // largest, the at most n terms left add less than n·e⁻⁶⁰ < 1e-20 relative. It saves the negligible tail of the sum.
                decreasing = logTerm < previousLog ? decreasing + 1 : 0;
                if (decreasing >= 8 && logTerm < maxLog - 60)
                    break;
            }
            previousLog = logTerm;
        }
        double logP = logD + maxLog + Math.Log(sum);
        return Math.Clamp(Math.Exp(logP), 0, 1);
    }

    /// <summary>
    /// The stride of <see cref="SmirnovStrided"/>, or 0 when the sum must be taken term by term. As a function of a real j, the
    /// terms form one smooth bump of width σ ≈ √n/(4d) (measured: its half-height width is ≈ n/(2√(n·d²))) that vanishes at
    /// both ends of [0, n(1 − d)] once n·d² ≥ 2. By the Poisson summation formula, the sum over every integer and h times the
    /// sum over every h-th integer then differ by about exp(−2π²σ²/h²), plus a term from the bump's left foot near j = 0 that
    /// fades as n·d² grows. h = σ/16 below n·d² = 5 and σ/8 above keep both below 1e-12 (checked against the term-by-term sum
    /// for n from 2,048 to 10⁶ and n·d² from 2 to 350, where σ/4 already gives 1e-10 from n·d² = 5 on).
    /// </summary>
    private static int SmirnovStride(int n, double d)
    {
        double c = n * d * d;
        if (c < 2.0)
            return 0;
        double stride = Math.Sqrt(n) / (4 * d) / (c < 5.0 ? 16 : 8);
        return stride >= int.MaxValue ? 0 : (int)stride;
    }

    /// <summary>
    /// The Birnbaum–Tingey sum from every <paramref name="stride"/>-th term times the stride (see <see cref="SmirnovStride"/>),
    /// walking out from near the bump's top (j ≈ 0.45·n(1 − d)) in both directions until the terms have fallen steadily to
    /// e⁻⁵⁰ of the largest. Each term is computed on its own, without a running sum of ln C(n, j): with f = j/n and Stirling's
    /// series, ln term_j = j·ln(1 + d/f) + (n − j)·ln(1 − d/(1 − f)) − ln(d + f) + ½·ln(n/(2π·j·(n − j))) + c(n) − c(j) −
    /// c(n − j), where c(k) = ln k! − (k·ln k − k + ½·ln 2πk); the large n·ln n parts cancel before any rounding.
    /// </summary>
    private static double SmirnovStrided(int n, double d, int last, int stride)
    {
        double cn = StirlingCorrection(n);
        int steps = last / stride;
        int top = Math.Clamp((int)Math.Round(0.45 * last / stride), 1, steps);
        double max = double.NegativeInfinity, sum = 0;
        for (int direction = 1; direction >= -1; direction -= 2)
        {
            double previous = double.PositiveInfinity;
            int falling = 0;
            for (int k = direction > 0 ? top : top - 1; k >= 1 && k <= steps; k += direction)
            {
                int j = k * stride;
                double f = (double)j / n;
                double logTerm = j * LogOnePlus(d / f) + (n - j) * LogOnePlus(-d / (1.0 - f)) - Math.Log(d + f)
                    + 0.5 * Math.Log(n / (2 * Math.PI * j * (double)(n - j))) + cn - StirlingCorrection(j) - StirlingCorrection(n - j);
                if (double.IsNegativeInfinity(logTerm))
                    break;
                if (logTerm > max)
                {
                    sum = sum * Math.Exp(max - logTerm) + 1.0;
                    max = logTerm;
                }
                else
                {
                    sum += Math.Exp(logTerm - max);
                }
                falling = logTerm < previous ? falling + 1 : 0;
                previous = logTerm;
                if (falling >= 3 && logTerm < max - 50)
                    break;
            }
        }
        if (double.IsNegativeInfinity(max))
            return 0.0;
        return Math.Clamp(Math.Exp(Math.Log(d * stride) + max + Math.Log(sum)), 0, 1);
    }

    /// <summary>ln(1 + x), accurate for small x (Goldberg's correction; <c>double.LogP1</c> is ln(1 + x) as written).</summary>
    private static double LogOnePlus(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0)
            return x;
        if (u <= 0.0)
            return double.NegativeInfinity; // only reached by rounding at the last term, 1 − d − j/n = 0: a zero term
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>c(k) = ln k! − (k·ln k − k + ½·ln 2πk), by Stirling's series for k ≥ 20 and from ln Γ below.</summary>
    private static double StirlingCorrection(int k)
    {
        if (k < 20)
            return MathNet.Numerics.SpecialFunctions.GammaLn(k + 1.0) - (k * Math.Log(k) - k + 0.5 * Math.Log(2 * Math.PI * k));
        double x = k, x2 = x * x;
        return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * x2)) / x2) / x2) / x;
    }

    /// <summary>From this many terms on, the Smirnov sum is computed four terms at a time.</summary>
    private const int VectorizedFrom = 2048;

    /// <summary>
    /// The same Birnbaum–Tingey sum as the scalar loop, for large n: the logarithms of the binomial ratios and of the two powers,
    /// and the final exponentials, are computed with 256-bit vector Log/Exp (within 2 ulp of Math.Log/Math.Exp); ln C(n, j) is
    /// still accumulated in order with Kahan compensation, and the terms are summed relative to the largest.
    /// </summary>
    private static double SmirnovVectorized(int n, double d, int last)
    {
        int count = last + 1;
        double[] logs = System.Buffers.ArrayPool<double>.Shared.Rent(count);
        try
        {
            Span<double> t = logs.AsSpan(0, count);
            // 1. ln((n − j + 1)/j) for j ≥ 1, vectorised; 2. its running sum ln C(n, j), in order and compensated.
            int j = 1;
            var four = Vector256.Create(4.0);
            var nPlusOne = Vector256.Create(n + 1.0);
            var jv = Vector256.Create(1.0, 2.0, 3.0, 4.0);
            for (; j + 3 < count; j += 4, jv += four)
                Vector256.Log((nPlusOne - jv) / jv).CopyTo(t[j..]);
            for (; j < count; j++)
                t[j] = Math.Log((double)(n - j + 1) / j);
            t[0] = 0;
            double logBinom = 0, compensation = 0;
            for (j = 1; j < count; j++)
            {
                double y = t[j] - compensation;
                double sumSoFar = logBinom + y;
                compensation = sumSoFar - logBinom - y;
                logBinom = sumSoFar;
                t[j] = logBinom;
            }
            // 3. ln term_j = ln C(n, j) + (j − 1)·ln(d + j/n) + (n − j)·ln(1 − d − j/n); a zero last term (1 − d − j/n = 0) is left out.
            int end = 1.0 - d - (double)last / n > 0 ? count : count - 1;
            double max = double.NegativeInfinity;
            var dv = Vector256.Create(d);
            var inv = Vector256.Create(1.0 / n);
            var one = Vector256<double>.One;
            var nv = Vector256.Create((double)n);
            jv = Vector256.Create(0.0, 1.0, 2.0, 3.0);
            var maxv = Vector256.Create(double.NegativeInfinity);
            for (j = 0; j + 3 < end; j += 4, jv += four)
            {
                Vector256<double> frac = jv * inv;
                Vector256<double> lower = dv + frac, upper = one - dv - frac;
                Vector256<double> term = Vector256.Create(t[j], t[j + 1], t[j + 2], t[j + 3])
                    + (jv - one) * Vector256.Log(lower) + (nv - jv) * Vector256.Log(upper);
                term.CopyTo(t[j..]);
                maxv = Vector256.Max(maxv, term);
            }
            for (int k = 0; k < 4; k++)
                max = Math.Max(max, maxv.GetElement(k));
            for (; j < end; j++)
            {
                double lower = d + (double)j / n, upper = 1.0 - d - (double)j / n;
                t[j] = t[j] + (j - 1) * Math.Log(lower) + (n - j) * Math.Log(upper);
                max = Math.Max(max, t[j]);
            }
            // 4. Σ exp(ln term − max), four at a time, then the tail.
            var maxSplat = Vector256.Create(max);
            var acc = Vector256<double>.Zero;
            for (j = 0; j + 3 < end; j += 4)
                acc += Vector256.Exp(Vector256.Create(t[j], t[j + 1], t[j + 2], t[j + 3]) - maxSplat);
            double sum = Vector256.Sum(acc);
            for (; j < end; j++)
                sum += Math.Exp(t[j] - max);
            return Math.Clamp(Math.Exp(Math.Log(d) + max + Math.Log(sum)), 0, 1);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(logs);
        }
    }

    private static double Evaluate(int n, double x, bool cdf)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (double.IsNaN(x))
            return double.NaN;
        if (x >= 1.0)
            return Pick(1.0, 0.0, cdf);
        if (x <= 0.0)
            return Pick(0.0, 1.0, cdf);
        double t = n * x;
        if (t <= 1.0)
        {
            // Ruben–Gambino: for 1/(2n) < x ≤ 1/n, P(Dₙ ≤ x) = n!/nⁿ (2t − 1)ⁿ.
            if (t <= 0.5)
                return Pick(0.0, 1.0, cdf);
            double p;
            if (n <= 140)
            {
                p = 1.0;
                double f = (2 * t - 1) / n;
                for (int i = 1; i <= n; i++)
                    p *= i * f;
            }
            else
            {
                p = Math.Exp(LogFactorialOverPower(n) + n * Math.Log(2 * t - 1));
            }
            return Pick(p, 1.0 - p, cdf);
        }
        if (t >= n - 1)
        {
            // Ruben–Gambino: for x ≥ 1 − 1/n, P(Dₙ ≥ x) = 2(1 − x)ⁿ.
            double p = 2 * Math.Pow(1.0 - x, n);
            return Pick(1 - p, p, cdf);
        }
        if (x >= 0.5)
        {
            // The two one-sided events are disjoint here, so the two-sided tail is exactly twice Smirnov's.
            double p = 2 * Smirnov(n, x);
            return Pick(1.0 - p, p, cdf);
        }
        double nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                double p = DurbinMatrixCdf(n, x);
                return Pick(p, 1.0 - p, cdf);
            }
            if (nxSquared <= 4)
            {
                double p = PomeranzCdf(n, x);
                return Pick(p, 1.0 - p, cdf);
            }
            double s = 2 * Smirnov(n, x);
            return Pick(1.0 - s, s, cdf);
        }
        if (!cdf)
        {
            if (nxSquared >= 370.0)
                return 0.0;
            if (nxSquared >= 2.2)
                return Math.Clamp(2 * Smirnov(n, x), 0, 1);
        }
        double c;
        if (nxSquared >= 18.0)
            c = 1.0;
        else if (n <= 100000 && n * Math.Pow(x, 1.5) <= 1.4)
            c = DurbinMatrixCdf(n, x);
        else
            c = PelzGoodCdf(n, x);
        return Pick(c, 1.0 - c, cdf);
    }

    private static double Pick(double cdfValue, double sfValue, bool cdf) => Math.Clamp(cdf ? cdfValue : sfValue, 0.0, 1.0);

    /// <summary>ln(n!/nⁿ) by Stirling's series with n·ln n removed up front (no cancellation for large n).</summary>
    internal static double LogFactorialOverPower(int n)
    {
        if (n <= 30)
        {
            double p = 1.0;
            for (int i = 1; i <= n; i++)
                p *= (double)i / n;
            return Math.Log(p);
        }
        // ln n! − n ln n = ½ln(2πn) − n + Σ B₂ⱼ/(2j(2j−1) n^(2j−1)).
        double r = 1.0 / n;
        double r2 = r * r;
        double series = r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 + r2 * (1.0 / 1188)))));
        return 0.5 * Math.Log(2 * Math.PI * n) - n + series;
    }

    /// <summary>
    /// P(Dₙ &lt; d) by Durbin's matrix formula in the Marsaglia–Tsang–Wang form: with k = ⌈n·d⌉, h = k − n·d and m = 2k − 1,
    /// the answer is n!/nⁿ · (Hⁿ)[k−1, k−1]. Powers are rescaled by 2¹²⁸ with a separate exponent.
    /// </summary>
    internal static double DurbinMatrixCdf(int n, double d)
    {
        if (d >= 1.0)
            return 1.0;
        double nd = n * d;
        if (nd <= 0.5)
            return 0.0;
        int k = (int)Math.Ceiling(nd);
        double h = k - nd;
        int m = 2 * k - 1;
        var hm = new double[m * m];
        // H[i, j] = 1/(i − j + 1)! for i − j + 1 ≥ 0.
        double[] invFact = new double[m + 1];
        invFact[0] = 1.0;
        for (int i = 1; i <= m; i++)
            invFact[i] = invFact[i - 1] / i;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                hm[i * m + j] = i - j + 1 >= 0 ? invFact[i - j + 1] : 0.0;
        // First column and last row: subtract h^(i+1)/(i+1)! and h^(m−j)/(m−j)!.
        for (int i = 0; i < m; i++)
        {
            hm[i * m] -= Math.Pow(h, i + 1) * invFact[i + 1];
            hm[(m - 1) * m + i] -= Math.Pow(h, m - i) * invFact[m - i];
        }
        // Corner: add back the doubly subtracted part, (2h − 1)^m/m! when 2h − 1 > 0.
        if (2 * h - 1 > 0)
            hm[(m - 1) * m] += Math.Pow(2 * h - 1, m) * invFact[m];

        int exponent = MatrixPower(hm, m, n, out double[] power);
        double value = power[(k - 1) * m + (k - 1)];
        if (value <= 0)
            return 0.0;
        double logCdf = Math.Log(value) + exponent * Math.Log(2.0) + LogFactorialOverPower(n);
        return Math.Clamp(Math.Exp(logCdf), 0.0, 1.0);
    }

    /// <summary>Hᵉ by binary powering; returns the base-2 exponent of the rescaling applied.</summary>
    private static int MatrixPower(double[] h, int m, int e, out double[] result)
    {
        if (e == 1)
        {
            result = (double[])h.Clone();
            return 0;
        }
        int halfExponent = MatrixPower(h, m, e / 2, out double[] half);
        double[] squared = Multiply(half, half, m);
        int exponent = 2 * halfExponent;
        if (e % 2 == 1)
            squared = Multiply(squared, h, m);
        double centre = squared[(m / 2) * m + (m / 2)];
        if (centre > Scale)
        {
            for (int i = 0; i < squared.Length; i++)
                squared[i] *= InverseScale;
            exponent += ScaleExponent;
        }
        result = squared;
        return exponent;
    }

    private static double[] Multiply(double[] a, double[] b, int m)
    {
        var c = new double[m * m];
        for (int i = 0; i < m; i++)
        {
            for (int l = 0; l < m; l++)
            {
                double ail = a[i * m + l];
                if (ail == 0)
                    continue;
                for (int j = 0; j < m; j++)
                    c[i * m + j] += ail * b[l * m + j];
            }
        }
        return c;
    }

    /// <summary>
    /// P(Dₙ &lt; x) by Pomeranz' recursion. With t = n·x and the n points spread uniformly on [0, n], Dₙ &lt; x holds when the
    /// counting process N satisfies N(j − t) ≤ j − 1 and N(j + t) ≥ j + 1 at every breakpoint inside [0, n]. A Poisson(1) process
    /// conditioned on N(n) = n is that counting process, so the probability is the chance of the constrained walk ending at n
    /// divided by P(N(n) = n); the e^(−Δ) factors cancel, leaving n!/nⁿ times a sum of products Δ^c/c!.
    /// </summary>
    internal static double PomeranzCdf(int n, double x)
    {
        double t = n * x;
        var v = new double[n + 1];
        var next = new double[n + 1];
        var powers = new double[n + 1];
        v[0] = 1.0;
        int low = 0; // every count below low has probability 0
        double position = 0.0;
        // Upper breakpoints at j − t (N ≤ j − 1) for j = ⌈t⌉..n; lower at j + t (N ≥ j + 1) for j = 0..⌊n − t⌋.
        int ju = (int)Math.Ceiling(t);
        int jl = 0;
        int scaleExponent = 0;
        while (true)
        {
            double up = ju <= n ? ju - t : double.PositiveInfinity;
            double lo = jl + t <= n ? jl + t : double.PositiveInfinity;
            double target = Math.Min(up, lo);
            bool final = double.IsPositiveInfinity(target);
            if (final)
                target = n;
            double delta = target - position;
            if (delta > 0)
            {
                powers[0] = 1.0;
                for (int i = 1; i <= n; i++)
                    powers[i] = powers[i - 1] * delta / i; // delta^i / i!
                // Counts above the next upper bound (ju − 1) are cut at that breakpoint anyway: never compute them.
                int high = Math.Min(n, ju - 1);
                for (int c = low; c <= high; c++)
                {
                    double s = 0;
                    for (int kk = low; kk <= c; kk++)
                        s += v[kk] * powers[c - kk];
                    next[c] = s;
                }
                if (high >= low)
                    Array.Copy(next, low, v, low, high + 1 - low);
                position = target;
            }
            if (final)
                break;
            if (up == target)
            {
                for (int c = ju; c <= n; c++)
                    v[c] = 0; // N(j - t) <= j - 1
                ju++;
            }
            if (lo == target)
            {
                int bound = Math.Min(jl + 1, n + 1);
                for (int c = low; c < bound; c++)
                    v[c] = 0; // N(j + t) >= j + 1
                low = Math.Max(low, bound);
                jl++;
                if (low > n)
                    return 0.0;
            }
            double max = 0;
            for (int c = low; c <= n; c++)
                max = Math.Max(max, v[c]);
            if (max > Scale)
            {
                for (int c = low; c <= n; c++)
                    v[c] *= InverseScale;
                scaleExponent += ScaleExponent;
            }
        }
        if (v[n] <= 0)
            return 0.0;
        double logCdf = Math.Log(v[n]) + scaleExponent * Math.Log(2.0) + LogFactorialOverPower(n);
        return Math.Clamp(Math.Exp(logCdf), 0.0, 1.0);
    }

    /// <summary>
    /// The Pelz–Good (1976) asymptotic series for P(Dₙ ≤ x): K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^1.5 with z = √n·x, each
    /// Kᵢ written through Jacobi theta functions so that it converges for small z (Simard &amp; L'Ecuyer 2011, eq. 9).
    /// </summary>
    internal static double PelzGoodCdf(int n, double x)
    {
        if (x <= 0.0)
            return 0.0;
        if (x >= 1.0)
            return 1.0;
        double z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2, z8 = z4 * z4;
        double pi2 = Math.PI * Math.PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
        double qlog = -pi2 / 8 / z2;
        if (qlog < -708.3964185322641) // ln(smallest normal double)
            return 0.0;
        double q = Math.Exp(qlog);

        // Sums over odd m = 2k − 1 of polynomial(m) · q^(m²), evaluated with Horner in q^(8k).
        double a1 = -z2, b1 = pi2 / 4;
        double a2 = 6 * z6 + 2 * z4, b2 = (2 * z4 - 5 * z2) * pi2 / 4, c2 = pi4 * (1 - 2 * z2) / 16;
        double a3 = -30 * z6 - 90 * z8, b3 = pi2 * (135 * z4 - 96 * z6) / 4, c3 = pi4 * (-60 * z2 + 212 * z4) / 16;
        double d3 = pi6 * (5 - 30 * z2) / 64;
        double k0 = 0, k1 = 0, k2 = 0, k3 = 0;
        int maxK = (int)Math.Ceiling(16 * z / Math.PI);
        for (int k = maxK; k >= 1; k--)
        {
            double m = 2 * k - 1;
            double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            double qp = Math.Pow(q, 8 * k);
            k0 = k0 * qp + 1.0;
            k1 = k1 * qp + (a1 + b1 * m2);
            k2 = k2 * qp + (a2 + b2 * m2 + c2 * m4);
            k3 = k3 * qp + (a3 + b3 * m2 + c3 * m4 + d3 * m6);
        }
        double sqrt2Pi = Math.Sqrt(2 * Math.PI);
        double f = q * sqrt2Pi;
        k0 *= f / z;
        k1 *= f / (6 * z4);
        k2 *= f / (72 * z6 * z);
        k3 *= f / (6480 * z6 * z4);

        // The terms over all integers k: π²k² q₂^(k²) for K₂ and (3k²z²π² − π⁴k⁴) q₂^(k²) for K₃, with q₂ = e^(−π²/(2z²)).
        double q2 = Math.Exp(-pi2 / 2 / z2);
        double sum2 = 0, sum3 = 0;
        double sqrt3z = Math.Sqrt(3) * z;
        for (int k = maxK; k >= 1; k--)
        {
            double kk = (double)k * k;
            double w = Math.Pow(q2, kk);
            double kpi = Math.PI * k;
            sum2 += kk * w;
            sum3 += (sqrt3z + kpi) * (sqrt3z - kpi) * kk * w;
        }
        k2 += sum2 * pi2 * sqrt2Pi / (-36 * z3);
        k3 += sum3 * pi2 * sqrt2Pi / (216 * z6);
        double sn = Math.Sqrt(n);
        return k0 + k1 / sn + k2 / n + k3 / (n * sn);
    }
}
