using MlObs.Drift.Methods;

namespace MlObs.Drift.Evaluation;

/// <summary>The binned distances on two count vectors over the same bins, with the engine's conventions.</summary>
internal static class Scores
{
    /// <summary>The distances that calibration covers.</summary>
    public static readonly DriftMethod[] Calibrated =
        [DriftMethods.Wasserstein, DriftMethods.JensenShannon, DriftMethods.Psi, DriftMethods.KlDiv, DriftMethods.Hellinger];

    public static bool IsBinned(DriftMethod method) =>
        method == DriftMethods.JensenShannon || method == DriftMethods.Psi || method == DriftMethods.KlDiv
        || method == DriftMethods.Hellinger;

    /// <summary>A binned distance; JS in <paramref name="jsBase"/>, PSI and KL with Evidently's zero fill.</summary>
    public static double Binned(DriftMethod method, ReadOnlySpan<double> reference, ReadOnlySpan<double> current, double jsBase)
    {
        if (method == DriftMethods.JensenShannon)
            return Divergences.JensenShannonDistance(reference, current, jsBase);
        if (method == DriftMethods.Psi)
            return Divergences.Psi(reference, current, ZeroFill.Evidently);
        if (method == DriftMethods.KlDiv)
            return Divergences.KullbackLeibler(reference, current, ZeroFill.Evidently);
        if (method == DriftMethods.Hellinger)
            return Divergences.Hellinger(reference, current);
        throw new ArgumentException($"{method.Id} is not a binned method.", nameof(method));
    }

    /// <summary>
    /// How a distance's null distribution shrinks with the sample sizes a and b: √(1/a + 1/b) for distances, 1/a + 1/b for PSI
    /// and KL (which behave like χ²/n).
    /// </summary>
    public static double SamplingScale(DriftMethod method, double a, double b)
    {
        double v = 1.0 / a + 1.0 / b;
        return method == DriftMethods.Psi || method == DriftMethods.KlDiv ? v : Math.Sqrt(v);
    }
}
