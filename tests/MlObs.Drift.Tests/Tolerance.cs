namespace MlObs.Drift.Tests;

internal static class Tolerance
{
    public static double Relative(double expected, double actual)
    {
        if (expected == actual)
            return 0;
        if (double.IsNaN(expected) || double.IsNaN(actual))
            return double.PositiveInfinity;
        return Math.Abs(actual - expected) / Math.Abs(expected);
    }

    public static void AssertClose(double expected, double actual, double rtol, string what)
    {
        double error = Relative(expected, actual);
        Assert.True(error <= rtol, $"{what}: expected {expected:R}, got {actual:R} (relative error {error:E2} > {rtol:E0})");
    }
}
