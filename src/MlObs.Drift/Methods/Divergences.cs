namespace MlObs.Drift.Methods;

/// <summary>How empty bins are filled before a measure that takes logarithms of proportions (spec §1.3, §6.6).</summary>
public enum ZeroFillKind
{
    /// <summary>No filling: an empty bin on one side only gives +∞ (scipy's <c>rel_entr</c> convention).</summary>
    None,

    /// <summary>
    /// Evidently's <c>get_binned_data(feel_zeroes=True)</c>: in each array separately, zeros become min_nonzero/10⁶ when the
    /// smallest non-zero proportion is ≤ 0.0001, else 0.0001; the arrays are not renormalised.
    /// </summary>
    Evidently,

    /// <summary>Zeros become a fixed constant (e.g. Frouros' DBL_MIN); the arrays are not renormalised.</summary>
    Constant,
}

/// <summary>An empty-bin policy: <see cref="None"/>, <see cref="Evidently"/> or <see cref="Constant(double)"/>.</summary>
/// <param name="Kind">The policy.</param>
/// <param name="Value">The constant of <see cref="ZeroFillKind.Constant"/>.</param>
public readonly record struct ZeroFill(ZeroFillKind Kind, double Value)
{
    /// <summary>No filling.</summary>
    public static ZeroFill None => new(ZeroFillKind.None, 0);

    /// <summary>Evidently's fill (0.0001, or min_nonzero/10⁶ when that is smaller).</summary>
    public static ZeroFill Evidently => new(ZeroFillKind.Evidently, 0.0001);

    /// <summary>Replace zeros by <paramref name="value"/>.</summary>
    /// <param name="value">A positive constant.</param>
    /// <returns>The policy.</returns>
    public static ZeroFill Constant(double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        return new(ZeroFillKind.Constant, value);
    }
}

/// <summary>
/// Measures between two binned distributions (counts or proportions over the same bins): PSI, Kullback–Leibler,
/// Jensen–Shannon and Hellinger (spec §6.4, §6.6, §1.3). Inputs are normalised to proportions (divided by their sum) first.
/// </summary>
public static class Divergences
{
    /// <summary>
    /// The population stability index Σ(r − c)·ln(r/c) over the proportions, after <paramref name="fill"/> (symmetric).
    /// With <see cref="ZeroFill.None"/> an empty bin on one side gives +∞.
    /// </summary>
    /// <param name="reference">Reference counts or proportions per bin.</param>
    /// <param name="current">Current counts or proportions per bin (same bins).</param>
    /// <param name="fill">The empty-bin policy (Evidently's by default).</param>
    /// <returns>The PSI, ≥ 0.</returns>
    public static double Psi(ReadOnlySpan<double> reference, ReadOnlySpan<double> current, ZeroFill? fill = null)
    {
        double[] r = Proportions(reference, nameof(reference), current.Length);
        double[] c = Proportions(current, nameof(current), reference.Length);
        Fill(r, fill ?? ZeroFill.Evidently);
        Fill(c, fill ?? ZeroFill.Evidently);
        double sum = 0;
        for (int i = 0; i < r.Length; i++)
        {
            if (r[i] == c[i])
                continue;
            if (r[i] == 0 || c[i] == 0)
                return double.PositiveInfinity;
            sum += (r[i] - c[i]) * Math.Log(r[i] / c[i]);
        }
        return sum;
    }

    /// <summary>
    /// KL(p‖q) = Σ p·ln(p/q) in nats, scipy's <c>entropy(p, q)</c>: after <paramref name="fill"/> both are normalised again
    /// (as <c>entropy</c> does), p = 0 contributes 0, and q = 0 with p &gt; 0 gives +∞.
    /// </summary>
    /// <param name="p">Counts or proportions (the reference, for Evidently's <c>kl_div</c>).</param>
    /// <param name="q">Counts or proportions over the same bins.</param>
    /// <param name="fill">The empty-bin policy (none by default; Evidently's <c>kl_div</c> uses <see cref="ZeroFill.Evidently"/>).</param>
    /// <returns>The divergence, ≥ 0.</returns>
    public static double KullbackLeibler(ReadOnlySpan<double> p, ReadOnlySpan<double> q, ZeroFill? fill = null)
    {
        double[] a = Proportions(p, nameof(p), q.Length);
        double[] b = Proportions(q, nameof(q), p.Length);
        if (fill is { } f && f.Kind != ZeroFillKind.None)
        {
            Fill(a, f);
            Fill(b, f);
            Normalize(a);
            Normalize(b);
        }
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += RelativeEntropy(a[i], b[i]);
        return sum;
    }

    /// <summary>
    /// The Jensen–Shannon <em>distance</em> √(JSD), scipy's <c>jensenshannon(p, q, base)</c>: m = (p + q)/2,
    /// JSD = (Σ p·ln(p/m) + Σ q·ln(q/m))/2 divided by ln(base). Empty bins need no filling. Base 2 (the default) bounds it by 1;
    /// base e (Evidently's choice) by √ln 2 ≈ 0.8326.
    /// </summary>
    /// <param name="p">Counts or proportions.</param>
    /// <param name="q">Counts or proportions over the same bins.</param>
    /// <param name="logBase">The logarithm base, e.g. 2 or <see cref="Math.E"/>.</param>
    /// <returns>The distance, in [0, 1] for base 2.</returns>
    public static double JensenShannonDistance(ReadOnlySpan<double> p, ReadOnlySpan<double> q, double logBase = 2.0) =>
        Math.Sqrt(JensenShannonDivergence(p, q, logBase));

    /// <summary>The Jensen–Shannon divergence (the square of <see cref="JensenShannonDistance"/>).</summary>
    /// <param name="p">Counts or proportions.</param>
    /// <param name="q">Counts or proportions over the same bins.</param>
    /// <param name="logBase">The logarithm base.</param>
    /// <returns>The divergence, in [0, 1] for base 2.</returns>
    public static double JensenShannonDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q, double logBase = 2.0)
    {
        if (!(logBase > 0) || logBase == 1)
            throw new ArgumentOutOfRangeException(nameof(logBase), logBase, "The logarithm base must be positive and not 1.");
        double[] a = Proportions(p, nameof(p), q.Length);
        double[] b = Proportions(q, nameof(q), p.Length);
        double left = 0, right = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double m = (a[i] + b[i]) / 2.0;
            left += RelativeEntropy(a[i], m);
            right += RelativeEntropy(b[i], m);
        }
        double js = (left + right) / Math.Log(logBase);
        return js / 2.0;
    }

    /// <summary>
    /// The Hellinger distance in the Bhattacharyya form √(1 − clip(Σ√(p·q), 0, 1)) (Evidently, categorical), which equals the
    /// L2 form ‖√p − √q‖/√2 of NannyML and whylogs for normalised p and q (spec §6.6).
    /// </summary>
    /// <param name="p">Counts or proportions.</param>
    /// <param name="q">Counts or proportions over the same bins.</param>
    /// <returns>The distance, in [0, 1].</returns>
    public static double Hellinger(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double[] a = Proportions(p, nameof(p), q.Length);
        double[] b = Proportions(q, nameof(q), p.Length);
        double bc = 0;
        for (int i = 0; i < a.Length; i++)
            bc += Math.Sqrt(a[i] * b[i]);
        return Math.Sqrt(1 - Math.Clamp(bc, 0, 1));
    }

    /// <summary>The Hellinger distance in the L2 form ‖√p − √q‖₂/√2 (NannyML, whylogs).</summary>
    /// <param name="p">Counts or proportions.</param>
    /// <param name="q">Counts or proportions over the same bins.</param>
    /// <returns>The distance, in [0, 1].</returns>
    public static double HellingerL2(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double[] a = Proportions(p, nameof(p), q.Length);
        double[] b = Proportions(q, nameof(q), p.Length);
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Sqrt(a[i]) - Math.Sqrt(b[i]);
            sum += d * d;
        }
        return Math.Sqrt(sum) / Math.Sqrt(2.0);
    }

    /// <summary>scipy's <c>rel_entr(x, y)</c>: x·ln(x/y) for x, y &gt; 0; 0 for x = 0, y ≥ 0; +∞ otherwise.</summary>
    private static double RelativeEntropy(double x, double y)
    {
        if (x > 0 && y > 0)
            return x * Math.Log(x / y);
        if (x == 0 && y >= 0)
            return 0;
        return double.PositiveInfinity;
    }

    private static double[] Proportions(ReadOnlySpan<double> values, string name, int otherLength)
    {
        Samples.Require(values, name);
        if (values.Length != otherLength)
            throw new ArgumentException($"'{name}' has {values.Length} bins but the other distribution has {otherLength}.", name);
        double sum = 0;
        foreach (double v in values)
        {
            if (v < 0 || double.IsInfinity(v))
                throw new ArgumentException($"'{name}' has a negative or infinite bin value ({v}).", name);
            sum += v;
        }
        if (sum <= 0)
            throw new ArgumentException($"'{name}' has no mass (all bins are 0).", name);
        double[] result = values.ToArray();
        for (int i = 0; i < result.Length; i++)
            result[i] /= sum;
        return result;
    }

    private static void Normalize(double[] values)
    {
        double sum = 0;
        foreach (double v in values)
            sum += v;
        for (int i = 0; i < values.Length; i++)
            values[i] /= sum;
    }

    /// <summary>Applies an empty-bin policy in place to proportions.</summary>
    internal static void Fill(double[] proportions, ZeroFill fill)
    {
        if (fill.Kind == ZeroFillKind.None)
            return;
        double value = fill.Value;
        if (fill.Kind == ZeroFillKind.Evidently)
        {
            double minNonZero = double.PositiveInfinity;
            foreach (double v in proportions)
            {
                if (v != 0)
                    minNonZero = Math.Min(minNonZero, v);
            }
            value = minNonZero <= 0.0001 ? minNonZero / 1e6 : 0.0001;
        }
        for (int i = 0; i < proportions.Length; i++)
        {
            if (proportions[i] == 0)
                proportions[i] = value;
        }
    }
}
