namespace MlObs.Drift.Methods;

/// <summary>Input checks shared by the methods: samples must be non-empty and NaN-free (NaN is rejected, never dropped).</summary>
internal static class Samples
{
    public static void Require(ReadOnlySpan<double> sample, string name, int minimum = 1)
    {
        if (sample.Length < minimum)
        {
            throw new ArgumentException(
                minimum == 1
                    ? $"Sample '{name}' is empty; drift methods need at least one value."
                    : $"Sample '{name}' has {sample.Length} value(s); this method needs at least {minimum}.",
                name);
        }
        for (int i = 0; i < sample.Length; i++)
        {
            if (double.IsNaN(sample[i]))
            {
                throw new ArgumentException(
                    $"Sample '{name}' contains NaN at index {i}; drop missing values before calling drift methods.", name);
            }
        }
    }

    public static void RequireSorted(ReadOnlySpan<double> sample, string name)
    {
        Require(sample, name);
        for (int i = 1; i < sample.Length; i++)
        {
            if (sample[i] < sample[i - 1])
                throw new ArgumentException($"Sample '{name}' is not sorted ascending (index {i}).", name);
        }
    }

    public static double[] SortedCopy(ReadOnlySpan<double> sample)
    {
        double[] copy = sample.ToArray();
        Array.Sort(copy);
        return copy;
    }

    public static long Gcd(long a, long b)
    {
        while (b != 0)
            (a, b) = (b, a % b);
        return a;
    }

    public static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    public static long CeilDiv(long a, long b) => -FloorDiv(-a, b);
}
