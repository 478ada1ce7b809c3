namespace MlObs.Drift.Methods;

/// <summary>The result of a chi-square test.</summary>
/// <param name="Statistic">Pearson's χ² statistic (after Yates' correction when it applied).</param>
/// <param name="PValue">P(χ²_dof ≥ statistic).</param>
/// <param name="DegreesOfFreedom">The degrees of freedom.</param>
/// <param name="YatesCorrected">Whether Yates' continuity correction was applied.</param>
public sealed record ChiSquareResult(double Statistic, double PValue, int DegreesOfFreedom, bool YatesCorrected);

/// <summary>Chi-square tests with scipy's conventions (spec §6.2).</summary>
public static class ChiSquare
{
    /// <summary>
    /// scipy's <c>chi2_contingency(observed, correction)</c> for an r×c table: expected = row·column/total,
    /// dof = r·c − r − c + 1; with dof = 1 and <paramref name="correction"/>, each cell moves towards its expectation by
    /// min(0.5, |E − O|) (capped so it never crosses it, gh-13875). dof = 0 gives χ² = 0, p = 1.
    /// </summary>
    /// <param name="observed">Non-negative counts, rows × columns (e.g. reference and current rows over categories).</param>
    /// <param name="correction">Apply Yates' correction when dof = 1 (scipy's default: true).</param>
    /// <returns>The statistic, p-value and degrees of freedom.</returns>
    /// <exception cref="ArgumentException">
    /// A cell is negative or not finite, or an expected frequency is 0 (a row or a column with no counts): remove categories
    /// unseen in every row first, as scipy requires.
    /// </exception>
    public static ChiSquareResult Contingency(double[,] observed, bool correction = true)
    {
        ArgumentNullException.ThrowIfNull(observed);
        int rows = observed.GetLength(0), columns = observed.GetLength(1);
        if (rows == 0 || columns == 0)
            throw new ArgumentException("The contingency table is empty.", nameof(observed));
        var rowSums = new double[rows];
        var columnSums = new double[columns];
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                double o = observed[i, j];
                if (!(o >= 0) || double.IsInfinity(o))
                    throw new ArgumentException($"Cell [{i}, {j}] is negative or not finite ({o}).", nameof(observed));
                rowSums[i] += o;
                columnSums[j] += o;
                total += o;
            }
        }
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                if (rowSums[i] * columnSums[j] / total == 0)
                {
                    throw new ArgumentException(
                        $"Expected frequency of cell [{i}, {j}] is 0 (row {i} or column {j} has no counts); drop such rows and columns first.",
                        nameof(observed));
                }
            }
        }
        int dof = rows * columns - rows - columns + 1;
        if (dof == 0)
            return new ChiSquareResult(0.0, 1.0, 0, false);
        bool yates = dof == 1 && correction;
        double statistic = 0;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                double e = rowSums[i] * columnSums[j] / total;
                double o = observed[i, j];
                if (yates)
                {
                    double diff = e - o;
                    o += Math.Sign(diff) * Math.Min(0.5, Math.Abs(diff));
                }
                double t = o - e;
                statistic += t * t / e;
            }
        }
        return new ChiSquareResult(statistic, Sf(statistic, dof), dof, yates);
    }

    /// <summary>
    /// scipy's <c>chisquare(f_obs, f_exp)</c>: Σ(O − E)²/E with k − 1 − <paramref name="ddof"/> degrees of freedom. Like scipy
    /// ≥ 1.9 it refuses totals that differ by more than a relative 1e-8 (rescale the expectation first, as Evidently does with
    /// ref_counts·n_cur/n_ref). A cell with E = 0 and O &gt; 0 gives χ² = +∞ and p = 0 (Evidently issue #96).
    /// </summary>
    /// <param name="observed">Observed counts.</param>
    /// <param name="expected">Expected counts over the same categories.</param>
    /// <param name="ddof">The adjustment to the degrees of freedom.</param>
    /// <returns>The statistic, p-value and degrees of freedom.</returns>
    public static ChiSquareResult GoodnessOfFit(ReadOnlySpan<double> observed, ReadOnlySpan<double> expected, int ddof = 0)
    {
        Samples.Require(observed, nameof(observed));
        Samples.Require(expected, nameof(expected));
        if (observed.Length != expected.Length)
            throw new ArgumentException($"'observed' has {observed.Length} categories but 'expected' has {expected.Length}.", nameof(expected));
        double sumObserved = 0, sumExpected = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            sumObserved += observed[i];
            sumExpected += expected[i];
        }
        if (Math.Abs(sumObserved - sumExpected) / Math.Min(sumObserved, sumExpected) > 1e-8)
        {
            throw new ArgumentException(
                $"The observed total ({sumObserved}) and expected total ({sumExpected}) differ by more than a relative 1e-8.",
                nameof(expected));
        }
        double statistic = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            double d = observed[i] - expected[i];
            statistic += d * d / expected[i];
        }
        int dof = observed.Length - 1 - ddof;
        double p = dof > 0 ? Sf(statistic, dof) : double.NaN;
        return new ChiSquareResult(statistic, p, dof, false);
    }

    /// <summary>The χ² survival function (MathNet's regularised upper incomplete gamma), with +∞ mapping to 0.</summary>
    internal static double Sf(double statistic, int dof)
    {
        if (double.IsNaN(statistic))
            return double.NaN;
        if (double.IsPositiveInfinity(statistic))
            return 0.0;
        if (statistic <= 0)
            return 1.0;
        return MathNet.Numerics.SpecialFunctions.GammaUpperRegularized(dof / 2.0, statistic / 2.0);
    }

}
