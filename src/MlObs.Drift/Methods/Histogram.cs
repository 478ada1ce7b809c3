namespace MlObs.Drift.Methods;

/// <summary>
/// numpy-compatible equal-width bin edges (<c>np.histogram_bin_edges</c> with <c>'sturges'</c> or <c>'doane'</c>) and counts
/// (<c>np.histogram</c>: bins are [eᵢ, eᵢ₊₁) except the last, which is closed; values outside the edges are not counted).
/// </summary>
public static class Histogram
{
    /// <summary>Sturges' edges: width = range/(log₂ n + 1), ⌈range/width⌉ equal bins from min to max.</summary>
    /// <param name="data">The values, non-empty, without NaN or infinities.</param>
    /// <returns>The bin edges, ascending (one more than the number of bins).</returns>
    public static double[] SturgesEdges(ReadOnlySpan<double> data)
    {
        (double min, double max) = Range(data);
        double width = (max - min) / (Math.Log2(data.Length) + 1.0);
        return EqualWidthEdges(min, max, width);
    }

    /// <summary>Doane's edges: width = range/(1 + log₂ n + log₂(1 + |g₁|/σ_g₁)), with g₁ the population skewness.</summary>
    /// <param name="data">The values, non-empty, without NaN or infinities.</param>
    /// <returns>The bin edges, ascending.</returns>
    public static double[] DoaneEdges(ReadOnlySpan<double> data)
    {
        (double min, double max) = Range(data);
        double width = 0;
        int n = data.Length;
        if (n > 2)
        {
            double sg1 = Math.Sqrt(6.0 * (n - 2) / ((n + 1.0) * (n + 3)));
            double sigma = Distances.PopulationStd(data);
            if (sigma > 0)
            {
                double mean = 0;
                foreach (double x in data)
                    mean += x;
                mean /= n;
                double g1 = 0;
                foreach (double x in data)
                {
                    double z = (x - mean) / sigma;
                    g1 += z * z * z;
                }
                g1 /= n;
                width = (max - min) / (1.0 + Math.Log2(n) + Math.Log2(1.0 + Math.Abs(g1) / sg1));
            }
        }
        return EqualWidthEdges(min, max, width);
    }

    /// <summary>Counts per bin with numpy's semantics; values outside [edges[0], edges[^1]] are skipped.</summary>
    /// <param name="data">The values.</param>
    /// <param name="edges">Ascending edges, at least two.</param>
    /// <returns>The counts, one per bin.</returns>
    public static double[] Counts(ReadOnlySpan<double> data, ReadOnlySpan<double> edges) => Counts(data, edges, out _);

    /// <summary>Counts per bin, and how many values fell outside the edges (NannyML's "leftover" bin).</summary>
    /// <param name="data">The values.</param>
    /// <param name="edges">Ascending edges, at least two.</param>
    /// <param name="outside">The number of values below the first or above the last edge.</param>
    /// <returns>The counts, one per bin.</returns>
    public static double[] Counts(ReadOnlySpan<double> data, ReadOnlySpan<double> edges, out double outside)
    {
        if (edges.Length < 2)
            throw new ArgumentException("At least two bin edges are needed.", nameof(edges));
        int bins = edges.Length - 1;
        var counts = new double[bins];
        outside = 0;
        foreach (double x in data)
        {
            if (!(x >= edges[0] && x <= edges[bins]))
            {
                outside++;
                continue;
            }
            // The last i with edges[i] <= x, capped to the last bin (whose right edge is closed).
            int lo = 0, hi = bins;
            while (hi - lo > 1)
            {
                int mid = (lo + hi) >>> 1;
                if (edges[mid] <= x)
                    lo = mid;
                else
                    hi = mid;
            }
            counts[lo]++;
        }
        return counts;
    }

    private static (double Min, double Max) Range(ReadOnlySpan<double> data)
    {
        Samples.Require(data, nameof(data));
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double x in data)
        {
            if (double.IsInfinity(x))
                throw new ArgumentException("Histogram edges need finite values.", nameof(data));
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }
        return (min, max);
    }

    /// <summary>numpy's <c>linspace(first, last, bins + 1)</c> with <c>bins = ⌈(last − first)/width⌉</c> (1 when width is 0).</summary>
    private static double[] EqualWidthEdges(double first, double last, double width)
    {
        if (first == last)
        {
            first -= 0.5;
            last += 0.5;
        }
        int bins = width > 0 ? (int)Math.Ceiling((last - first) / width) : 1;
        var edges = new double[bins + 1];
        double step = (last - first) / bins;
        for (int i = 0; i < bins; i++)
            edges[i] = first + i * step;
        edges[bins] = last;
        return edges;
    }
}
