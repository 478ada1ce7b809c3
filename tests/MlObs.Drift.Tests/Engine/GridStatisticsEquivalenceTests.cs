using CsCheck;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;

namespace MlObs.Drift.Tests.Engine;

/// <summary>
/// The optimised grid scans (integer KS with 256-bit vectors, branch-free Wasserstein envelopes, vectorised coarse sums) give
/// bit for bit what the plain loops they replaced gave, on random window states: the KS loop is kept here as the reference.
/// </summary>
public sealed class GridStatisticsEquivalenceTests
{
    /// <summary>A random grid state: edges and the counts of both sides, like a reference and a window after ingest.</summary>
    private sealed record GridState(NumericGrid Grid, long[] Reference, long NReference, long[] Current, long NCurrent);

    private static readonly Gen<GridState> States =
        Gen.Select(Gen.Int[2, 700], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int)
            .Select(t => State(t.Item1, t.Item2, t.Item3, t.Item4));

    /// <summary>
    /// <paramref name="edges"/> edges; counts drawn per <paramref name="referenceShape"/> and <paramref name="currentShape"/>:
    /// 0 small counts, 1 mostly empty bins, 2 counts near the 2³¹ limit of the integer path in total, 3 all in a few bins.
    /// </summary>
    private static GridState State(int edges, int referenceShape, int currentShape, int seed)
    {
        var random = new Random(seed);
        double[] e = new double[edges];
        double x = random.NextDouble() * 10 - 5;
        for (int i = 0; i < edges; i++)
            e[i] = x += 0.001 + random.NextDouble();
        int coarse = Math.Min(edges, 1 + random.Next(12));
        int[] indices = [.. Enumerable.Range(0, edges).OrderBy(_ => random.Next()).Take(coarse).Append(0).Append(edges - 1)
            .Distinct().Order()];
        var grid = new NumericGrid(e, indices);
        long[] r = Counts(grid, referenceShape, random), c = Counts(grid, currentShape, random);
        return new GridState(grid, r, r.Sum(), c, c.Sum());
    }

    private static long[] Counts(NumericGrid grid, int shape, Random random)
    {
        int bins = grid.FineBinCount;
        long perBinLimit = shape == 2 ? ((1L << 31) - 1) / bins : 50;
        var counts = new long[bins];
        for (int k = 0; k < bins; k++)
        {
            bool filled = shape switch
            {
                1 => random.Next(10) == 0,
                3 => random.Next(bins) < 3,
                _ => true,
            };
            counts[k] = filled ? random.NextInt64(perBinLimit + 1) : 0;
        }
        if (counts.Sum() == 0)
            counts[random.Next(bins)] = 1;
        return counts;
    }

    [Fact]
    public void Ks_OnRandomStates_EqualsThePlainIntegerLoop() =>
        States.Sample(s =>
        {
            (double D, double Bound) expected = PlainIntegerKs(s.Grid, s.Reference, s.NReference, s.Current, s.NCurrent);
            (double D, double Bound) actual = GridStatistics.Ks(s.Grid, s.Reference, s.NReference, s.Current, s.NCurrent);
            Assert.Equal(expected, actual);
        }, iter: 400);

    [Fact]
    public void LargerAndSmaller_EqualThePlainComparisons_BitForBit()
    {
        // The Wasserstein and floating-point KS loops changed only these two helpers; equal bits here mean equal results there.
        double[] special = [0.0, -0.0, 1.0, -1.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.PositiveInfinity,
            double.NegativeInfinity, double.NaN, 1e-300, 0.1 + 0.2, 0.3];
        var random = new Random(5);
        IEnumerable<double> values = special.Concat(Enumerable.Range(0, 200).Select(_ => (random.NextDouble() - 0.5) * 1e6));
        double[] all = [.. values];
        foreach (double x in all)
        {
            foreach (double y in all)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(x > y ? x : y), BitConverter.DoubleToInt64Bits(GridStatistics.Larger(x, y)));
                Assert.Equal(BitConverter.DoubleToInt64Bits(x < y ? x : y), BitConverter.DoubleToInt64Bits(GridStatistics.Smaller(x, y)));
            }
        }
    }

    [Fact]
    public void ToCoarse_OnRandomStates_EqualsThePlainSums() =>
        States.Sample(s =>
        {
            int[] idx = s.Grid.CoarseEdgeIndices;
            var expected = new double[s.Grid.CoarseBinCount];
            expected[0] = s.Current[0];
            for (int c = 1; c < idx.Length; c++)
            {
                long sum = 0;
                for (int k = idx[c - 1] + 1; k <= idx[c]; k++)
                    sum += s.Current[k];
                expected[c] = sum;
            }
            expected[^1] = s.Current[^1];
            Assert.Equal(expected, s.Grid.ToCoarse(s.Current));
        }, iter: 400);

    [Fact]
    public void Ks_DisjointSamples_GivesOneWithoutBoundInEitherOrder()
    {
        // Reference mass first, window mass last: the scaled difference climbs to +n·m and falls back to 0; in the other order
        // it goes down to −n·m. Seven interior bins take one vector step and a scalar tail.
        var grid = new NumericGrid([0, 1, 2, 3, 4, 5, 6, 7], [0, 7]);
        long[] early = [0, 5, 5, 0, 0, 0, 0, 0, 0], late = [0, 0, 0, 0, 0, 0, 4, 6, 0];
        Assert.Equal((1.0, 0.0), GridStatistics.Ks(grid, early, 10, late, 10));
        Assert.Equal((1.0, 0.0), GridStatistics.Ks(grid, late, 10, early, 10));
        Assert.Equal(PlainIntegerKs(grid, early, 10, late, 10), GridStatistics.Ks(grid, early, 10, late, 10));
    }

    /// <summary>The integer KS loop as it was before the vectorised scan (commit 442e6d5).</summary>
    private static (double D, double Bound) PlainIntegerKs(NumericGrid grid, long[] reference, long nr, long[] current, long nc)
    {
        int last = grid.Edges.Length;
        long a = reference[0] * nc - current[0] * nr;
        long dMax = 0, upperMax = 0;
        for (int k = 1; k < last; k++)
        {
            dMax = Math.Max(dMax, Math.Abs(a));
            long rk = reference[k] * nc, ck = current[k] * nr;
            long b = a + rk - ck;
            long lo = Math.Max(a - ck, b - rk), hi = Math.Min(a + rk, b + ck);
            upperMax = Math.Max(upperMax, Math.Max(Math.Abs(lo), Math.Abs(hi)));
            a = b;
        }
        dMax = Math.Max(dMax, Math.Abs(a));
        double scale = 1.0 / ((double)nr * nc);
        return (dMax * scale, Math.Max(upperMax - dMax, 0) * scale);
    }
}
