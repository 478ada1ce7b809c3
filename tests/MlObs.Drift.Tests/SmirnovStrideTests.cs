using MlObs.Drift.Methods;

namespace MlObs.Drift.Tests;

/// <summary>
/// The strided Birnbaum–Tingey sum (every h-th term times h, for large n and n·d² ≥ 2) against the term-by-term sum and
/// against scipy 1.10.1.
/// </summary>
public sealed class SmirnovStrideTests
{
    public static TheoryData<int, double> Grid()
    {
        var data = new TheoryData<int, double>();
        foreach (int n in new[] { 2048, 3001, 10_000, 50_000, 123_457, 1_000_000 })
        {
            foreach (double c in new[] { 2.0, 2.2, 3.0, 5.0, 20.0, 100.0, 300.0, 350.0 })
                data.Add(n, c);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void Smirnov_LargeN_MatchesTheTermByTermSum(int n, double c)
    {
        double d = Math.Sqrt(c / n);
        double strided = KolmogorovDistribution.Smirnov(n, d);
        double full = KolmogorovDistribution.SmirnovFullSum(n, d);
        Assert.True(full > 0, $"full sum {full}");
        Assert.True(Math.Abs(strided / full - 1) <= 1e-10, $"n={n} c={c}: strided {strided:R} full {full:R}");
    }

    [Theory]
    [InlineData(50000, 0.0066332495807108005, 0.012222879861104928, 0.024445759722209855)]
    [InlineData(50000, 0.01224744871391589, 3.032832317679518e-07, 6.065664635359036e-07)]
    [InlineData(50000, 0.04898979485566356, 5.011091571364224e-105, 1.0022183142728448e-104)]
    [InlineData(123457, 0.017999984700019508, 1.7733316358035715e-35, 3.546663271607143e-35)]
    [InlineData(1000000, 0.001816590212458495, 0.0013587169622696206, 0.002717433924539241)]
    [InlineData(20000, 0.1224744871391589, 3.273337796492747e-262, 6.546675592985494e-262)]
    public void SmirnovAndKstwo_LargeN_MatchScipy(int n, double d, double smirnov, double kstwoSf)
    {
        Assert.True(Math.Abs(KolmogorovDistribution.Smirnov(n, d) / smirnov - 1) <= 1e-9);
        Assert.True(Math.Abs(KolmogorovDistribution.Sf(n, d) / kstwoSf - 1) <= 1e-9);
    }

    [Fact]
    public void Smirnov_BelowTheStrideRegime_StillSumsEveryTerm()
    {
        // n·d² < 2: the bump touches j = 0, so the stride would be wrong; the value must equal the full sum exactly.
        const int n = 50_000;
        double d = Math.Sqrt(1.0 / n);
        Assert.Equal(KolmogorovDistribution.SmirnovFullSum(n, d), KolmogorovDistribution.Smirnov(n, d), 1e-12);
    }
}
