using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace MlObs.Drift.Methods;

/// <summary>How a rank test's p-value is computed.</summary>
public enum RankTestMethod
{
    /// <summary>scipy's automatic choice (see each test).</summary>
    Auto,

    /// <summary>The exact permutation distribution.</summary>
    Exact,

    /// <summary>The asymptotic approximation.</summary>
    Asymptotic,
}

/// <summary>The result of a rank-based two-sample test.</summary>
/// <param name="Statistic">The test statistic (T for Cramér–von Mises, U₁ for Mann–Whitney).</param>
/// <param name="PValue">The p-value, in [0, 1].</param>
/// <param name="Method">The method actually used.</param>
public sealed record RankTestResult(double Statistic, double PValue, RankTestMethod Method);

/// <summary>The result of the k-sample Anderson–Darling test.</summary>
/// <param name="Statistic">The standardised statistic (A²_kN − (k − 1))/σ, scipy's <c>statistic</c>.</param>
/// <param name="CriticalValues">The critical values at 25%, 10%, 5%, 2.5%, 1%, 0.5% and 0.1%.</param>
/// <param name="PValue">The interpolated p-value, floored at 0.001 and capped at 0.25.</param>
/// <param name="Capped">Whether the p-value hit the 0.001 floor or the 0.25 cap.</param>
public sealed record AndersonDarlingResult(double Statistic, IReadOnlyList<double> CriticalValues, double PValue, bool Capped);

/// <summary>Rank-based two-sample tests with scipy 1.10's conventions (spec §6.5).</summary>
public static class RankTests
{
    private static readonly double[] Significance = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];
    private static readonly double[] B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
    private static readonly double[] B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
    private static readonly double[] B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];

    /// <summary>
    /// The two-sample Cramér–von Mises test, scipy's <c>cramervonmises_2samp</c>: midranks in the pooled sample,
    /// U = nx·Σ(rᵢ − i)² + ny·Σ(sⱼ − j)², T = U/(nx·ny·N) − (4·nx·ny − 1)/(6N). Auto is exact when max(nx, ny) ≤ 20.
    /// Exact: the Xiao–Gordon–Yakovlev lattice recursion. Asymptotic: the normalised statistic against the limiting
    /// one-sample distribution (Csörgő–Faraway series, summed until a term is below 1e-7, as scipy does); p = 1 when tn &lt; 0.003.
    /// </summary>
    /// <param name="x">The first sample, at least two values, without NaN.</param>
    /// <param name="y">The second sample, at least two values, without NaN.</param>
    /// <param name="method">How the p-value is computed.</param>
    /// <returns>T, its p-value and the method used.</returns>
    public static RankTestResult CramerVonMises(ReadOnlySpan<double> x, ReadOnlySpan<double> y, RankTestMethod method = RankTestMethod.Auto)
    {
        Samples.Require(x, nameof(x), 2);
        Samples.Require(y, nameof(y), 2);
        int nx = x.Length, ny = y.Length;
        if (method == RankTestMethod.Auto)
            method = Math.Max(nx, ny) > 20 ? RankTestMethod.Asymptotic : RankTestMethod.Exact;
        double[] sx = Samples.SortedCopy(x), sy = Samples.SortedCopy(y);
        double[] ranks = MidRanks(sx, sy);
        double u = 0, v = 0;
        for (int i = 0; i < nx; i++)
            u += (ranks[i] - (i + 1)) * (ranks[i] - (i + 1));
        for (int j = 0; j < ny; j++)
            v += (ranks[nx + j] - (j + 1)) * (ranks[nx + j] - (j + 1));
        u = nx * u + ny * v;
        double k = (double)nx * ny, n = nx + ny;
        double t = u / (k * n) - (4 * k - 1) / (6 * n);
        double p;
        if (method == RankTestMethod.Exact)
        {
            p = CramerVonMisesExact(u, nx, ny);
        }
        else
        {
            double et = (1 + 1 / n) / 6;
            double vt = (n + 1) * (4 * k * n - 3 * ((double)nx * nx + (double)ny * ny) - 2 * k);
            vt /= 45 * n * n * 4 * k;
            double tn = 1.0 / 6 + (t - et) / Math.Sqrt(45 * vt);
            p = tn < 0.003 ? 1.0 : Math.Max(0, 1.0 - CramerVonMisesLimitCdf(tn));
        }
        return new RankTestResult(t, Math.Clamp(p, 0, 1), method);
    }

    /// <summary>The CDF of the limiting Cramér–von Mises statistic (Csörgő &amp; Faraway 1996, eq. 1.3).</summary>
    internal static double CramerVonMisesLimitCdf(double x)
    {
        double total = 0;
        for (int k = 0; k < 1000; k++)
        {
            double u = Math.Exp(SpecialFunctions.GammaLn(k + 0.5) - SpecialFunctions.GammaLn(k + 1)) / (Math.Pow(Math.PI, 1.5) * Math.Sqrt(x));
            double y = 4 * k + 1;
            double q = y * y / (16 * x);
            // e^(−q)·K_{1/4}(q) = e^(−2q)·(e^q K_{1/4}(q)), the scaled Bessel function keeping it finite for large q.
            double term = u * Math.Sqrt(y) * Math.Exp(-2 * q) * SpecialFunctions.BesselKScaled(0.25, q);
            total += term;
            if (Math.Abs(term) < 1e-7)
                break;
        }
        return total;
    }

    /// <summary>
    /// P(U' ≥ U) under H₀ by the lattice recursion of Xiao, Gordon &amp; Yakovlev (2007): ζ = Σ over the path's points of
    /// (a·v − b·u)², a = lcm/nx, b = lcm/ny; the frequencies of ζ are carried point by point; the answer is the share of the
    /// C(nx+ny, nx) paths whose ζ reaches the observed one.
    /// </summary>
    private static double CramerVonMisesExact(double u, int m, int n)
    {
        long lcm = m / Samples.Gcd(m, n) * n;
        long a = lcm / m, b = lcm / n;
        double mn = (double)m * n;
        double zeta = Math.Floor(lcm * (double)lcm * (m + n) * (6 * u - mn * (4 * mn - 1)) / (6 * mn * mn));
        // column[v] holds the frequency table of paths reaching (u, v) for the current u (over the second sample's count).
        var previous = new Dictionary<long, double>[m + 1];
        for (int uu = 0; uu <= n; uu++)
        {
            var current = new Dictionary<long, double>[m + 1];
            for (int vv = 0; vv <= m; vv++)
            {
                long step = a * vv - b * uu;
                step *= step;
                var table = new Dictionary<long, double>();
                if (uu == 0 && vv == 0)
                {
                    table[step] = 1;
                }
                else
                {
                    if (uu > 0)
                        Merge(table, previous[vv], step);
                    if (vv > 0)
                        Merge(table, current[vv - 1], step);
                }
                current[vv] = table;
            }
            previous = current;
        }
        double hits = 0;
        foreach ((long value, double count) in previous[m])
        {
            if (value >= zeta)
                hits += count;
        }
        return hits / SpecialFunctions.Binomial(m + n, m);

        static void Merge(Dictionary<long, double> into, Dictionary<long, double> from, long step)
        {
            foreach ((long key, double count) in from)
            {
                ref double slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(into, key + step, out _);
                slot += count;
            }
        }
    }

    /// <summary>
    /// The k-sample Anderson–Darling test, scipy's <c>anderson_ksamp(samples, midrank=True)</c> (Scholz &amp; Stephens 1987):
    /// the midrank statistic A²_akN standardised by its variance, and a p-value from a quadratic fit of ln(significance) on the
    /// critical values, floored at 0.001 and capped at 0.25 outside the table's range (Evidently's <c>anderson</c>).
    /// </summary>
    /// <param name="samples">At least two samples, each non-empty and without NaN, with at least two distinct values overall.</param>
    /// <returns>The standardised statistic, the critical values and the capped p-value.</returns>
    public static AndersonDarlingResult AndersonDarling(IReadOnlyList<double[]> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int k = samples.Count;
        if (k < 2)
            throw new ArgumentException("Anderson-Darling needs at least two samples.", nameof(samples));
        for (int i = 0; i < k; i++)
            Samples.Require(samples[i], $"samples[{i}]");
        double[] z = samples.SelectMany(s => s).ToArray();
        Array.Sort(z);
        int bigN = z.Length;
        double[] distinct = z.Distinct().ToArray();
        if (distinct.Length < 2)
            throw new ArgumentException("Anderson-Darling needs more than one distinct observation.", nameof(samples));

        // lj = multiplicity of each distinct value, Bj = its midrank position in the pooled sample.
        var lj = new double[distinct.Length];
        var bj = new double[distinct.Length];
        int pos = 0;
        for (int d = 0; d < distinct.Length; d++)
        {
            int start = pos;
            while (pos < bigN && z[pos] == distinct[d])
                pos++;
            lj[d] = pos - start;
            bj[d] = start + lj[d] / 2.0;
        }
        double a2 = 0;
        foreach (double[] sample in samples)
        {
            double[] s = (double[])sample.Clone();
            Array.Sort(s);
            int ni = s.Length;
            int right = 0;
            double inner = 0;
            for (int d = 0; d < distinct.Length; d++)
            {
                int left = right;
                while (left < ni && s[left] < distinct[d])
                    left++;
                right = left;
                while (right < ni && s[right] <= distinct[d])
                    right++;
                double mij = right - (right - left) / 2.0;
                double num = bigN * mij - bj[d] * ni;
                inner += lj[d] / bigN * num * num / (bj[d] * (bigN - bj[d]) - bigN * lj[d] / 4.0);
            }
            a2 += inner / ni;
        }
        a2 *= (bigN - 1.0) / bigN;

        double hInv = samples.Sum(s => 1.0 / s.Length);
        double hsCs = 0, g = 0;
        for (int i = bigN - 1; i >= 2; i--)
        {
            hsCs += 1.0 / i; // Σ_{j=i}^{N−1} 1/j
            g += hsCs / (bigN - i + 1); // divided by (N − i + 1), which runs 2..N−1 as i runs N−1..2
        }
        double h = hsCs + 1;
        double kk = k;
        double aa = (4 * g - 6) * (kk - 1) + (10 - 6 * g) * hInv;
        double bb = (2 * g - 4) * kk * kk + 8 * h * kk + (2 * g - 14 * h - 4) * hInv - 8 * h + 4 * g - 6;
        double cc = (6 * h + 2 * g - 2) * kk * kk + (4 * h - 4 * g + 6) * kk + (2 * h - 6) * hInv + 4 * h;
        double dd = (2 * h + 6) * kk * kk - 4 * h * kk;
        double n = bigN;
        double sigmaSquared = (aa * n * n * n + bb * n * n + cc * n + dd) / ((n - 1) * (n - 2) * (n - 3));
        double m = k - 1;
        double statistic = (a2 - m) / Math.Sqrt(sigmaSquared);

        var critical = new double[Significance.Length];
        for (int i = 0; i < critical.Length; i++)
            critical[i] = B0[i] + B1[i] / Math.Sqrt(m) + B2[i] / m;
        double p;
        bool capped = true;
        if (statistic < critical.Min())
        {
            p = Significance.Max();
        }
        else if (statistic > critical.Max())
        {
            p = Significance.Min();
        }
        else
        {
            double[] logSig = Significance.Select(s => Math.Log(s)).ToArray();
            double[] coefficients = Fit.Polynomial(critical, logSig, 2);
            p = Math.Exp(coefficients[0] + coefficients[1] * statistic + coefficients[2] * statistic * statistic);
            capped = false;
        }
        return new AndersonDarlingResult(statistic, critical, p, capped);
    }

    /// <summary>
    /// The Mann–Whitney U test, scipy's <c>mannwhitneyu</c>: U₁ = R₁ − n₁(n₁+1)/2 from average ranks. Auto is exact when
    /// n₁ ≤ 8 or n₂ ≤ 8 and there are no ties, asymptotic otherwise. Asymptotic: z = (U − n₁n₂/2 − 0.5·continuity)/σ with the tie
    /// correction σ² = n₁n₂/12·((n+1) − Σ(t³ − t)/(n(n−1))), p = sf(z) (doubled two-sided, U = max(U₁, U₂)); exact: P(U' ≥ U)
    /// from the permutation distribution. Evidently's <c>mannw</c> calls it with <see cref="Alternative.Less"/>.
    /// </summary>
    /// <param name="x">The first sample, non-empty, without NaN.</param>
    /// <param name="y">The second sample, non-empty, without NaN.</param>
    /// <param name="alternative">The alternative (Greater: x tends to be larger than y).</param>
    /// <param name="method">How the p-value is computed.</param>
    /// <param name="useContinuity">Apply the continuity correction (asymptotic only; scipy's default: true).</param>
    /// <returns>U₁ (the statistic of x), its p-value and the method used.</returns>
    public static RankTestResult MannWhitneyU(
        ReadOnlySpan<double> x,
        ReadOnlySpan<double> y,
        Alternative alternative = Alternative.TwoSided,
        RankTestMethod method = RankTestMethod.Auto,
        bool useContinuity = true)
    {
        Samples.Require(x, nameof(x));
        Samples.Require(y, nameof(y));
        int n1 = x.Length, n2 = y.Length;
        double[] sx = Samples.SortedCopy(x), sy = Samples.SortedCopy(y);
        double[] ranks = MidRanks(sx, sy, out double tieTerm);
        double r1 = 0;
        for (int i = 0; i < n1; i++)
            r1 += ranks[i];
        double u1 = r1 - n1 * (n1 + 1) / 2.0;
        double u2 = (double)n1 * n2 - u1;
        (double u, double factor) = alternative switch
        {
            Alternative.Greater => (u1, 1.0),
            Alternative.Less => (u2, 1.0),
            _ => (Math.Max(u1, u2), 2.0),
        };
        if (method == RankTestMethod.Auto)
            method = (n1 > 8 && n2 > 8) || tieTerm > 0 ? RankTestMethod.Asymptotic : RankTestMethod.Exact;
        double p;
        if (method == RankTestMethod.Exact)
        {
            p = MannWhitneyExactSf((long)u, n1, n2);
        }
        else
        {
            double n = n1 + n2;
            double s = Math.Sqrt((double)n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1))));
            double numerator = u - (double)n1 * n2 / 2;
            if (useContinuity)
                numerator -= 0.5;
            double zValue = numerator / s;
            p = Normal.CDF(0, 1, -zValue);
        }
        p *= factor;
        return new RankTestResult(u1, Math.Clamp(p, 0, 1), method);
    }

    /// <summary>P(U ≥ u) under H₀ without ties: the frequencies of U by the recursion f(u; m, n) = f(u − n; m − 1, n) + f(u; m, n − 1).</summary>
    private static double MannWhitneyExactSf(long u, int n1, int n2)
    {
        int m = Math.Min(n1, n2), n = Math.Max(n1, n2);
        int max = m * n;
        // freq[j][v]: number of arrangements of j items of the first kind among j + l items with U = v, for l = 0..n.
        var freq = new double[m + 1][];
        for (int j = 0; j <= m; j++)
        {
            freq[j] = new double[max + 1];
            freq[j][0] = 1; // l = 0: only items of the first kind, U = 0
        }
        for (int l = 1; l <= n; l++)
        {
            // Adding one item of the second kind (l grows): f(j, l)[v] = f(j, l−1)[v] + f(j−1, l)[v − l].
            for (int j = 1; j <= m; j++)
            {
                for (int v = max; v >= 0; v--)
                {
                    // f(j, l) in place from f(j, l−1) (current array) and f(j−1, l) (already updated, lower j).
                    if (v >= l)
                        freq[j][v] += freq[j - 1][v - l];
                }
            }
        }
        // With l = n, freq[m] is the distribution of U over C(m + n, m) arrangements (symmetric about mn/2).
        double total = 0, tail = 0;
        for (int v = 0; v <= max; v++)
        {
            total += freq[m][v];
            if (v >= u)
                tail += freq[m][v];
        }
        return tail / total;
    }

    private static double[] MidRanks(double[] sortedX, double[] sortedY) => MidRanks(sortedX, sortedY, out _);

    /// <summary>
    /// Average ranks (1-based) of the pooled values, x's first then y's, for two sorted samples; also Σ(t³ − t) over tie groups.
    /// </summary>
    private static double[] MidRanks(double[] sortedX, double[] sortedY, out double tieTerm)
    {
        int nx = sortedX.Length, ny = sortedY.Length;
        var ranks = new double[nx + ny];
        int i = 0, j = 0, done = 0;
        tieTerm = 0;
        while (i < nx || j < ny)
        {
            double v = j >= ny || (i < nx && sortedX[i] <= sortedY[j]) ? sortedX[i] : sortedY[j];
            int i0 = i, j0 = j;
            while (i < nx && sortedX[i] == v)
                i++;
            while (j < ny && sortedY[j] == v)
                j++;
            int t = i - i0 + (j - j0);
            double rank = done + (t + 1) / 2.0;
            for (int a = i0; a < i; a++)
                ranks[a] = rank;
            for (int b = j0; b < j; b++)
                ranks[nx + b] = rank;
            done += t;
            tieTerm += (double)t * t * t - t;
        }
        return ranks;
    }
}
