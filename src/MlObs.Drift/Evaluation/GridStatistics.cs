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
            // In integers: CDF differences scaled by nReference·nCurrent (< 2⁶²), so the loop is exact and its dependency chains
            // are one-cycle integer additions rather than floating-point ones.
            long nr = nReference, nc = nCurrent;
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
            dMax = Math.Max(dMax, Math.Abs(a)); // at the last edge, before the overflow bin
            double scale = 1.0 / ((double)nr * nc);
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

    // Plain comparisons (the values are finite): Math.Max/Min also order NaN and ±0, which costs branches in this hot loop.
    private static double Larger(double x, double y) => x > y ? x : y;

    private static double Smaller(double x, double y) => x < y ? x : y;

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
