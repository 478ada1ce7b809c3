using System.Runtime.Intrinsics;

namespace MlObs.Drift.Profiles;

/// <summary>
/// The fixed bins of a numeric column, derived from the reference once and shared by every window. Edges
/// <c>E₀ &lt; E₁ &lt; … &lt; E_last</c> start at the reference minimum and end just above the reference maximum
/// (<c>Math.BitIncrement(max)</c>), so the reference leaves the outer bins empty. Fine bin <c>k</c> is
/// <c>[E_{k−1}, E_k)</c>; bin 0 is the underflow (x &lt; min) and bin <c>Edges.Length</c> the overflow (x &gt; max).
/// Coarse bins group fine bins: the coarse edges are a subset of the fine ones.
/// </summary>
public sealed class NumericGrid
{
    private const int LookupCells = 8192;
    private readonly int[] _cellStart;
    private readonly double _cellScale;
    private readonly int[] _fineToCoarse;

    /// <summary>Creates a grid from strictly increasing edges and the indices (into <paramref name="edges"/>) of the coarse edges.</summary>
    /// <param name="edges">Strictly increasing, finite, at least two values.</param>
    /// <param name="coarseEdgeIndices">Strictly increasing indices into <paramref name="edges"/>, first 0, last edges.Length − 1.</param>
    public NumericGrid(double[] edges, int[] coarseEdgeIndices)
    {
        ArgumentNullException.ThrowIfNull(edges);
        ArgumentNullException.ThrowIfNull(coarseEdgeIndices);
        if (edges.Length < 2)
            throw new ArgumentException("A grid needs at least two edges.", nameof(edges));
        for (int i = 0; i < edges.Length; i++)
        {
            if (!double.IsFinite(edges[i]) || (i > 0 && edges[i] <= edges[i - 1]))
                throw new ArgumentException($"Grid edges must be finite and strictly increasing (index {i}).", nameof(edges));
        }
        if (coarseEdgeIndices.Length < 2 || coarseEdgeIndices[0] != 0 || coarseEdgeIndices[^1] != edges.Length - 1)
            throw new ArgumentException("Coarse edges must start at the first edge and end at the last.", nameof(coarseEdgeIndices));
        for (int i = 1; i < coarseEdgeIndices.Length; i++)
        {
            if (coarseEdgeIndices[i] <= coarseEdgeIndices[i - 1])
                throw new ArgumentException("Coarse edge indices must be strictly increasing.", nameof(coarseEdgeIndices));
        }
        Edges = edges;
        CoarseEdgeIndices = coarseEdgeIndices;

        // Fine bin k (1..E-1) lies between edges k-1 and k; it belongs to the coarse bin c (1..C-1) whose edges enclose it.
        _fineToCoarse = new int[edges.Length + 1];
        int coarse = 1;
        for (int k = 1; k < edges.Length; k++)
        {
            while (k - 1 >= coarseEdgeIndices[coarse])
                coarse++;
            _fineToCoarse[k] = coarse;
        }
        _fineToCoarse[0] = 0;
        _fineToCoarse[edges.Length] = coarseEdgeIndices.Length;

        // Equal-width lookup cells over [E0, E_last): _cellStart[c] = fine bin of the cell's left end.
        double span = edges[^1] - edges[0];
        _cellScale = span > 0 && double.IsFinite(LookupCells / span) ? LookupCells / span : 0;
        _cellStart = new int[LookupCells + 2];
        for (int c = 0; c <= LookupCells + 1; c++)
        {
            double x = edges[0] + (_cellScale > 0 ? c / _cellScale : 0);
            _cellStart[c] = UpperBound(edges, 0, edges.Length, x);
        }
    }

    /// <summary>The fine edges (see the class summary).</summary>
    public double[] Edges { get; }

    /// <summary>Indices into <see cref="Edges"/> of the coarse edges.</summary>
    public int[] CoarseEdgeIndices { get; }

    /// <summary>Number of fine bins, including the underflow and overflow bins: <c>Edges.Length + 1</c>.</summary>
    public int FineBinCount => Edges.Length + 1;

    /// <summary>Number of coarse bins, including the underflow and overflow bins: <c>CoarseEdgeIndices.Length + 1</c>.</summary>
    public int CoarseBinCount => CoarseEdgeIndices.Length + 1;

    /// <summary>The reference minimum (first edge).</summary>
    public double Min => Edges[0];

    /// <summary>The fine bin of a finite value: the number of edges ≤ <paramref name="x"/>.</summary>
    public int FineBin(double x)
    {
        double[] edges = Edges;
        if (x < edges[0])
            return 0;
        if (x >= edges[^1])
            return edges.Length;
        int cell = (int)((x - edges[0]) * _cellScale);
        if ((uint)cell > LookupCells)
            cell = LookupCells;
        int k = _cellStart[cell];
        int end = _cellStart[cell + 1];
        if (end - k > 8)
            k = UpperBound(edges, k, end, x);
        // The cell was computed in floating point: walk to the exact bin (usually zero or one step).
        while (k < edges.Length && edges[k] <= x)
            k++;
        while (k > 0 && edges[k - 1] > x)
            k--;
        return k;
    }

    /// <summary>x minus the left edge of its fine bin <paramref name="fineBin"/> (0 in the outer bins).</summary>
    public double OffsetInBin(int fineBin, double x) =>
        fineBin > 0 && fineBin < Edges.Length ? x - Edges[fineBin - 1] : 0;

    /// <summary>The coarse bin a fine bin belongs to.</summary>
    public int CoarseBinOfFine(int fineBin) => _fineToCoarse[fineBin];

    /// <summary>Sums fine-bin counts into coarse-bin counts.</summary>
    public double[] ToCoarse(ReadOnlySpan<long> fineCounts)
    {
        var sums = new long[CoarseBinCount];
        SumToCoarse(fineCounts, sums);
        return Array.ConvertAll(sums, n => (double)n);
    }

    /// <summary>Sums fine-bin counts into <paramref name="coarse"/> (<see cref="CoarseBinCount"/> long), overwriting it.</summary>
    internal void SumToCoarse(ReadOnlySpan<long> fineCounts, Span<long> coarse)
    {
        if (fineCounts.Length != FineBinCount)
            throw new ArgumentException($"Expected {FineBinCount} fine counts, got {fineCounts.Length}.", nameof(fineCounts));
        // Coarse bin c (1..C−1) is the contiguous run of fine bins between coarse edges c−1 and c; 0 and C are the outer bins.
        int[] idx = CoarseEdgeIndices;
        coarse[0] = fineCounts[0];
        for (int c = 1; c < idx.Length; c++)
            coarse[c] = Sum(fineCounts[(idx[c - 1] + 1)..(idx[c] + 1)]);
        coarse[CoarseBinCount - 1] = fineCounts[^1];
    }

    /// <summary>The sum of counts (wrapping like a plain loop), four at a time.</summary>
    private static long Sum(ReadOnlySpan<long> counts)
    {
        int i = 0;
        long sum = 0;
        if (Vector256.IsHardwareAccelerated && counts.Length >= Vector256<long>.Count)
        {
            Vector256<long> partial = Vector256<long>.Zero;
            for (; i + Vector256<long>.Count <= counts.Length; i += Vector256<long>.Count)
                partial += Vector256.Create(counts.Slice(i, Vector256<long>.Count));
            sum = Vector256.Sum(partial);
        }
        for (; i < counts.Length; i++)
            sum += counts[i];
        return sum;
    }

    /// <summary>The coarse bins' labels: "&lt; min", "[a, b)" …, "&gt; max".</summary>
    public string[] CoarseLabels(Func<double, string> format)
    {
        ArgumentNullException.ThrowIfNull(format);
        int c = CoarseEdgeIndices.Length;
        var labels = new string[c + 1];
        labels[0] = "< " + format(Edges[0]);
        for (int i = 1; i < c; i++)
        {
            double a = Edges[CoarseEdgeIndices[i - 1]];
            double b = Edges[CoarseEdgeIndices[i]];
            labels[i] = i == c - 1 ? $"[{format(a)}, {format(Math.BitDecrement(b))}]" : $"[{format(a)}, {format(b)})";
        }
        labels[c] = "> " + format(Math.BitDecrement(Edges[^1]));
        return labels;
    }

    /// <summary>The interior coarse edges (between the first and the last bins).</summary>
    public double[] CoarseEdgeValues()
    {
        var values = new double[CoarseEdgeIndices.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = Edges[CoarseEdgeIndices[i]];
        return values;
    }

    /// <summary>
    /// Builds a grid from sorted sample values and the exact minimum and maximum: fine edges at the sample's
    /// <paramref name="gridBins"/>-quantiles, coarse edges at its <paramref name="bins"/>-quantiles, duplicates removed.
    /// </summary>
    public static NumericGrid FromSortedSample(ReadOnlySpan<double> sortedSample, double min, double max, int bins, int gridBins)
    {
        if (sortedSample.IsEmpty)
            throw new ArgumentException("The sample is empty.", nameof(sortedSample));
        var fine = new List<double>(gridBins + 2) { min };
        for (int j = 1; j < gridBins; j++)
            fine.Add(Quantile(sortedSample, (double)j / gridBins));
        fine.Add(max);
        var coarse = new List<double>(bins + 2) { min };
        for (int j = 1; j < bins; j++)
            coarse.Add(Quantile(sortedSample, (double)j / bins));
        fine.AddRange(coarse);
        double top = Math.BitIncrement(max);
        fine.Add(top);
        coarse.Add(top);
        double[] edges = UniqueSorted(fine, min, top);
        double[] coarseEdges = UniqueSorted(coarse, min, top);
        var indices = new int[coarseEdges.Length];
        for (int i = 0; i < coarseEdges.Length; i++)
            indices[i] = Array.BinarySearch(edges, coarseEdges[i]);
        return new NumericGrid(edges, indices);
    }

    /// <summary>A grid with one bin per distinct value (a discrete column): edges are the values and just above the largest.</summary>
    public static NumericGrid FromDistinctValues(ReadOnlySpan<double> sortedDistinct)
    {
        if (sortedDistinct.IsEmpty)
            throw new ArgumentException("No values.", nameof(sortedDistinct));
        var edges = new double[sortedDistinct.Length + 1];
        sortedDistinct.CopyTo(edges);
        edges[^1] = Math.BitIncrement(sortedDistinct[^1]);
        var indices = new int[edges.Length];
        for (int i = 0; i < indices.Length; i++)
            indices[i] = i;
        return new NumericGrid(edges, indices);
    }

    private static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        // The lower empirical quantile: the value at rank floor(q·n). Values equal to an edge fall in the bin above it.
        int i = (int)Math.Floor(q * sorted.Length);
        return sorted[Math.Clamp(i, 0, sorted.Length - 1)];
    }

    private static double[] UniqueSorted(List<double> values, double min, double top)
    {
        values.Sort();
        var result = new List<double>(values.Count);
        foreach (double v in values)
        {
            if (v < min || v > top)
                continue;
            if (result.Count == 0 || v > result[^1])
                result.Add(v);
        }
        return [.. result];
    }

    internal static int UpperBound(double[] sorted, int lo, int hi, double x)
    {
        // First index in [lo, hi) whose value is > x (hi if none); callers guarantee sorted[lo-1] <= x when lo > 0.
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}
