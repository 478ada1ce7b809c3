using MlObs.Drift.Profiles;

namespace MlObs.Drift.Evaluation;

/// <summary>
/// KS and Wasserstein computed on the reference grid (streaming mode), with an error bound. Within a fine bin both empirical
/// CDFs are unknown but monotone, so their difference stays within [d − c, d + r] (d its value at the bin's left edge, r and c
/// the bin's reference and window shares): KS evaluated at the edges is a lower bound of the true D, and is at most
/// max(r, c) below it; the Wasserstein integral assumes linear CDFs inside each bin and is off by at most Σ width·(r + c).
/// Outside the reference range the reference CDF is exactly 0 or 1, and the window keeps the summed distances of its values
/// beyond the range, so the tails are exact.
/// </summary>
internal static class GridStatistics
{
    public static (double D, double Bound) Ks(NumericGrid grid, long[] reference, long nReference, long[] current, long nCurrent)
    {
        double r = 0, c = 0, d = 0, bound = 0;
        double nr = nReference, nc = nCurrent;
        int last = grid.Edges.Length;
        for (int k = 0; k <= last; k++)
        {
            if (k > 0)
                d = Math.Max(d, Math.Abs(r - c));
            double rk = reference[k] / nr, ck = current[k] / nc;
            if (k > 0 && k < last)
                bound = Math.Max(bound, Math.Max(rk, ck));
            r += rk;
            c += ck;
        }
        return (d, bound);
    }

    public static (double W, double Bound) Wasserstein(
        NumericGrid grid, long[] reference, long nReference, long[] current, long nCurrent, double belowDistance, double aboveDistance)
    {
        double nr = nReference, nc = nCurrent;
        double[] edges = grid.Edges;
        double w = belowDistance / nc + aboveDistance / nc;
        double bound = 0;
        double r = reference[0] / nr, c = current[0] / nc;
        for (int k = 1; k < edges.Length; k++)
        {
            double width = edges[k] - edges[k - 1];
            double rk = reference[k] / nr, ck = current[k] / nc;
            double a = r - c;
            double b = a + rk - ck;
            double aa = Math.Abs(a), ab = Math.Abs(b);
            if ((a >= 0) == (b >= 0) || aa + ab == 0)
                w += (aa + ab) / 2 * width;
            else
                w += (a * a + b * b) / (2 * (aa + ab)) * width;
            bound += width * (rk + ck);
            r += rk;
            c += ck;
        }
        return (w, bound);
    }
}
