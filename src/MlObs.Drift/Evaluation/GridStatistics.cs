using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MlObs.Drift.Profiles;

namespace MlObs.Drift.Evaluation;

/// <summary>
/// KS and Wasserstein computed on the reference grid (streaming mode), with an error bound. Within a fine bin both empirical
/// CDFs are unknown but monotone, so their difference stays within [d − c, d + r] (d its value at the bin's left edge, r and c
/// the bin's reference and window shares): KS evaluated at the edges is a lower bound of the true D, and the envelopes give an upper
/// bound. Both sides keep Σ (x − left edge) per bin, which makes the integral of each CDF over a bin exact, so the
/// Wasserstein integral is exact in every bin where the difference keeps one sign, and bounded where it may cross zero.
/// Outside the reference range the reference CDF is exactly 0 or 1, and the window keeps the summed distances of its values
/// beyond the range, so the tails are exact.
/// </summary>
internal static class GridStatistics
{
    public static (double D, double Bound) Ks(NumericGrid grid, long[] reference, long nReference, long[] current, long nCurrent)
    {
        int last = grid.Edges.Length;
        if (nReference > 0 && nCurrent > 0 && nReference < (1L << 31) && nCurrent < (1L << 31))
        {
            // In integers: CDF differences scaled by nReference·nCurrent (< 2⁶²), so the scan is exact.
            (long dMax, long upperMax) = ScaledKsExtremes(reference.AsSpan(0, last), nReference, current.AsSpan(0, last), nCurrent);
            double scale = 1.0 / ((double)nReference * nCurrent);
            return (dMax * scale, Math.Max(upperMax - dMax, 0) * scale);
        }
        double ir = 1.0 / nReference, ic = 1.0 / nCurrent;
        // r and c are the two CDFs at the left edge of bin k (the underflow bin 0 already added).
        double r = reference[0] * ir, c = current[0] * ic;
        double d = 0, upper = 0;
        for (int k = 1; k < last; k++)
        {
            double diff = r - c;
            d = Larger(d, Math.Abs(diff));
            double rk = reference[k] * ir, ck = current[k] * ic;
            // Inside the bin the difference is within [a − c, a + r] from the left edge and [b − r, b + c] from the right.
            double next = diff + rk - ck;
            double lo = Larger(diff - ck, next - rk), hi = Smaller(diff + rk, next + ck);
            upper = Larger(upper, Larger(Math.Abs(lo), Math.Abs(hi)));
            r += rk;
            c += ck;
        }
        d = Larger(d, Math.Abs(r - c)); // at the last edge, before the overflow bin
        return (d, Larger(upper - d, 0));
    }

    /// <summary>
    /// The KS extremes over bins 0 … <c>reference.Length − 1</c> in integers scaled by nReference·nCurrent. With
    /// a_k = nCurrent·R_k − nReference·C_k the difference of the two CDFs at the right edge of bin k (R, C the cumulative counts)
    /// and r_k, c_k bin k's counts scaled the same way, D = max |a_k|, and the envelope of bin k ≥ 1 is
    /// [a_{k−1} − c_k, a_{k−1} + r_k] = [a_k − r_k, a_k + c_k], so the upper bound is the largest |end| of those intervals (both
    /// at least 0). The running sum a_k is the only dependency from bin to bin: with 256-bit vectors it is a prefix sum over four
    /// bins plus the carry from the previous four, and every maximum and minimum is taken lane-wise and reduced at the end.
    /// </summary>
    internal static (long D, long Upper) ScaledKsExtremes(ReadOnlySpan<long> reference, long nReference, ReadOnlySpan<long> current, long nCurrent)
    {
        long a = reference[0] * nCurrent - current[0] * nReference;
        long maxA = a, minA = a, maxHigh = 0, minHigh = 0, maxLow = 0, minLow = 0;
        int k = 1;
        if (Vector256.IsHardwareAccelerated && reference.Length >= 1 + Vector256<long>.Count)
        {
            Vector256<long> nc = Vector256.Create(nCurrent), nr = Vector256.Create(nReference);
            Vector256<long> carry = Vector256.Create(a), highest = Vector256.Create(maxA), lowest = highest;
            Vector256<long> maxH = Vector256<long>.Zero, minH = maxH, maxL = maxH, minL = maxH;
            // Lane i of the prefix step adds lane i − 1 (then i − 2): a permutation and a mask that zeroes the lanes without one.
            Vector256<long> previous = Vector256.Create(0L, 0, 1, 2), twoBack = Vector256.Create(0L, 0, 0, 1);
            Vector256<long> hasPrevious = Vector256.Create(0L, -1, -1, -1), hasTwoBack = Vector256.Create(0L, 0, -1, -1);
            Vector256<long> lastLane = Vector256.Create(3L);
            for (; k + Vector256<long>.Count <= reference.Length; k += Vector256<long>.Count)
            {
                Vector256<long> r = Vector256.Create(reference.Slice(k, Vector256<long>.Count)) * nc;
                Vector256<long> c = Vector256.Create(current.Slice(k, Vector256<long>.Count)) * nr;
                Vector256<long> step = r - c;
                step += Vector256.Shuffle(step, previous) & hasPrevious;
                step += Vector256.Shuffle(step, twoBack) & hasTwoBack;
                Vector256<long> at = step + carry;
                carry = Vector256.Shuffle(at, lastLane);
                highest = Vector256.Max(highest, at);
                lowest = Vector256.Min(lowest, at);
                Vector256<long> high = at + c, low = at - r;
                maxH = Vector256.Max(maxH, high);
                minH = Vector256.Min(minH, high);
                maxL = Vector256.Max(maxL, low);
                minL = Vector256.Min(minL, low);
            }
            a = carry.ToScalar();
            for (int lane = 0; lane < Vector256<long>.Count; lane++)
            {
                maxA = Math.Max(maxA, highest.GetElement(lane));
                minA = Math.Min(minA, lowest.GetElement(lane));
                maxHigh = Math.Max(maxHigh, maxH.GetElement(lane));
                minHigh = Math.Min(minHigh, minH.GetElement(lane));
                maxLow = Math.Max(maxLow, maxL.GetElement(lane));
                minLow = Math.Min(minLow, minL.GetElement(lane));
            }
        }
        for (; k < reference.Length; k++)
        {
            long r = reference[k] * nCurrent, c = current[k] * nReference;
            maxHigh = Math.Max(maxHigh, a + r);
            minHigh = Math.Min(minHigh, a + r);
            maxLow = Math.Max(maxLow, a - c);
            minLow = Math.Min(minLow, a - c);
            a += r - c;
            maxA = Math.Max(maxA, a);
            minA = Math.Min(minA, a);
        }
        return (Math.Max(maxA, -minA), Math.Max(Math.Max(maxHigh, -minHigh), Math.Max(maxLow, -minLow)));
    }

    // x > y ? x : y and x < y ? x : y. The values are finite, so Math.Max/Min's ordering of NaN and ±0 is not needed; and as
    // plain comparisons in a loop the JIT emits branches, which mispredict here (the two candidates of each envelope end are
    // nearly equal). MAXSD/MINSD compute exactly these expressions (the second operand unless the first is larger/smaller).
    internal static double Larger(double x, double y) =>
        Sse2.IsSupported ? Sse2.MaxScalar(Vector128.CreateScalarUnsafe(x), Vector128.CreateScalarUnsafe(y)).ToScalar() : x > y ? x : y;

    internal static double Smaller(double x, double y) =>
        Sse2.IsSupported ? Sse2.MinScalar(Vector128.CreateScalarUnsafe(x), Vector128.CreateScalarUnsafe(y)).ToScalar() : x < y ? x : y;

    public static (double W, double Bound) Wasserstein(
        NumericGrid grid, long[] reference, double[] referenceOffsets, long nReference,
        long[] current, double[] currentOffsets, long nCurrent, double belowDistance, double aboveDistance)
    {
        double ir = 1.0 / nReference, ic = 1.0 / nCurrent;
        double[] edges = grid.Edges;
        double w = (belowDistance + aboveDistance) * ic;
        double bound = 0;
        double r = reference[0] * ir, c = current[0] * ic;
        for (int k = 1; k < edges.Length; k++)
        {
            double width = edges[k] - edges[k - 1];
            double rk = reference[k] * ir, ck = current[k] * ic;
            double a = r - c, b = a + rk - ck;
            // ∫ over the bin of F = F(left)·width + Σ (right edge − x)/n, exact from the counts and offsets.
            double integral = a * width
                + (rk * width - referenceOffsets[k] * ir)
                - (ck * width - currentOffsets[k] * ic);
            double lo = Larger(a - ck, b - rk), hi = Smaller(a + rk, b + ck);
            if (lo >= 0 || hi <= 0)
            {
                // The difference keeps one sign in the bin: ∫|d| = |∫d|, exactly.
                w += Math.Abs(integral);
            }
            else
            {
                // It may change sign: ∫|d| lies between |∫d| and min(∫d + 2w|lo|, −∫d + 2w·hi).
                double upper = Larger(Math.Abs(integral), Smaller(integral - 2 * width * lo, -integral + 2 * width * hi));
                w += (Math.Abs(integral) + upper) / 2;
                bound += (upper - Math.Abs(integral)) / 2;
            }
            r += rk;
            c += ck;
        }
        return (w, bound);
    }
}
