using MlObs.Drift.Methods;

namespace MlObs.Drift.Tests;

/// <summary>Empty, single-valued, tied and NaN inputs, and the zero-handling rules.</summary>
public sealed class EdgeCaseTests
{
    [Fact]
    public void Ks_EmptySample_ThrowsNamingTheSample()
    {
        var ex = Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([], [1.0]));
        Assert.Equal("a", ex.ParamName);
        Assert.Contains("'a' is empty", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([1.0], []));
        Assert.Equal("b", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSampleSorted([1.0], []));
        Assert.Equal("sortedB", ex.ParamName);
    }

    [Fact]
    public void EveryMethod_RejectsAnEmptySample()
    {
        Assert.Throws<ArgumentException>(() => Distances.Wasserstein([], [1.0]));
        Assert.Throws<ArgumentException>(() => Distances.Energy([1.0], []));
        Assert.Throws<ArgumentException>(() => RankTests.MannWhitneyU([], [1.0]));
        Assert.Throws<ArgumentException>(() => RankTests.CramerVonMises([1.0, 2.0], [1.0]));
        Assert.Throws<ArgumentException>(() => RankTests.AndersonDarling([[1.0, 2.0], []]));
        Assert.Throws<ArgumentException>(() => Divergences.Psi([], []));
        Assert.Throws<ArgumentException>(() => ProportionTest.TwoProportion(0, 0, 1, 2));
    }

    /// <summary>NaN is rejected, never dropped: callers drop missing values (and count them) before testing.</summary>
    [Fact]
    public void NaN_IsRejected_WithTheSampleAndIndex()
    {
        var ex = Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([1.0, 2.0], [0.5, double.NaN]));
        Assert.Equal("b", ex.ParamName);
        Assert.Contains("NaN at index 1", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSampleSorted([double.NaN, 1.0], [1.0]));
        Assert.Throws<ArgumentException>(() => Distances.Wasserstein([double.NaN], [1.0]));
        Assert.Throws<ArgumentException>(() => RankTests.MannWhitneyU([1.0], [double.NaN]));
        Assert.Throws<ArgumentException>(() => Divergences.JensenShannonDistance([double.NaN, 1], [1, 1]));
    }

    [Fact]
    public void Ks_SortedOverload_RejectsUnsortedInput()
    {
        var ex = Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSampleSorted([2.0, 1.0], [1.0]));
        Assert.Equal("sortedA", ex.ParamName);
    }

    [Fact]
    public void Ks_SingleValues_AsScipy()
    {
        // scipy: ks_2samp([1], [2]) = (1.0, 1.0, location 1.0, sign +1).
        KsResult r = KolmogorovSmirnov.TwoSample([1.0], [2.0]);
        Assert.Equal(new KsResult(1.0, 1.0, KsMethod.Exact, 1.0, 1), r);
        // scipy: ks_2samp([5], [1, 2, 3], alternative='less') = (1.0, 0.25, location 3.0, sign -1).
        r = KolmogorovSmirnov.TwoSample([5.0], [1.0, 2.0, 3.0], Alternative.Less);
        Assert.Equal(1.0, r.Statistic);
        Assert.Equal(0.25, r.PValue, 14);
        Assert.Equal(3.0, r.StatisticLocation);
        Assert.Equal(-1, r.StatisticSign);
    }

    [Fact]
    public void Ks_AsymptoticOneVersusOne_IsNotNaN()
    {
        // scipy: round(1·1/2) = 0 and kstwo.sf(d, 0) is NaN; here the effective n is at least 1.
        KsResult r = KolmogorovSmirnov.TwoSample([1.0], [-0.8], method: KsMethod.Asymptotic);
        Assert.Equal(KolmogorovDistribution.Sf(1, 1.0), r.PValue);
        Assert.False(double.IsNaN(r.PValue));
    }

    [Fact]
    public void Ks_AllTies_GiveZeroAndOne()
    {
        // scipy: ks_2samp([1, 1, 1], [1, 1]) = (0.0, 1.0, location 1.0, sign +1).
        Assert.Equal(new KsResult(0.0, 1.0, KsMethod.Exact, 1.0, 1), KolmogorovSmirnov.TwoSample([1.0, 1.0, 1.0], [1.0, 1.0]));
        Assert.Equal(0.0, Distances.Wasserstein([1.0, 1.0, 1.0], [1.0, 1.0]));
        // scipy: mannwhitneyu([1, 1, 1], [1, 1]) = (3.0, 1.0).
        RankTestResult mw = RankTests.MannWhitneyU([1.0, 1.0, 1.0], [1.0, 1.0]);
        Assert.Equal(3.0, mw.Statistic);
        Assert.Equal(1.0, mw.PValue);
        Assert.Throws<ArgumentException>(() => RankTests.AndersonDarling([[1.0, 1.0], [1.0, 1.0]]));
    }

    [Fact]
    public void Ks_AutoSwitchesAtTenThousand()
    {
        double[] a = Enumerable.Range(0, 10000).Select(i => i / 10000.0).ToArray();
        double[] b = Enumerable.Range(0, 10001).Select(i => i / 10001.0 + 0.01).ToArray();
        Assert.Equal(KsMethod.Exact, KolmogorovSmirnov.TwoSample(a, a.Select(v => v + 0.01).ToArray()).Method);
        Assert.Equal(KsMethod.Asymptotic, KolmogorovSmirnov.TwoSample(a, b).Method);
    }

    [Fact]
    public void Ks_OneSidedExact_FallsBackToAsymptotic_WherePathCountsOverflow_AsScipy()
    {
        // C(600 + 601, 600) > DBL_MAX: scipy's path counting overflows and it switches to Hodges' formula.
        (double p, KsMethod method, _) = KolmogorovSmirnov.PValue(600, 601, 0.05, Alternative.Greater, KsMethod.Exact);
        Assert.Equal(KsMethod.Asymptotic, method);
        Assert.Equal(KolmogorovSmirnov.AsymptoticPValue(600, 601, 0.05, Alternative.Greater), p);
        Assert.Equal(KsMethod.Exact, KolmogorovSmirnov.PValue(500, 501, 0.05, Alternative.Greater, KsMethod.Exact).Method);
    }

    [Fact]
    public void ChiSquare_ZeroExpected_Throws_AndDofZero_GivesPOne()
    {
        var ex = Assert.Throws<ArgumentException>(() => ChiSquare.Contingency(new double[,] { { 10, 0 }, { 5, 0 } }));
        Assert.Contains("Expected frequency", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new ChiSquareResult(0, 1, 0, false), ChiSquare.Contingency(new double[,] { { 10, 20, 30 } }));
    }

    [Fact]
    public void ChiSquare_YatesHalfStep_IsCappedAtTheExpectation()
    {
        // E = 5.2381 vs O = 5: |E − O| < 0.5, so O moves to E exactly and that cell contributes 0 (gh-13875).
        ChiSquareResult r = ChiSquare.Contingency(new double[,] { { 5, 5 }, { 5, 6 } });
        Assert.True(r.YatesCorrected);
        Assert.Equal(0.0, r.Statistic, 12);
        Assert.Equal(1.0, r.PValue, 12);
    }

    [Fact]
    public void ChiSquare_GoodnessOfFit_UnseenCategory_IsInfinite_AndTotalsMustMatch()
    {
        ChiSquareResult r = ChiSquare.GoodnessOfFit([5, 5, 1], [6, 5, 0]);
        Assert.Equal(double.PositiveInfinity, r.Statistic);
        Assert.Equal(0.0, r.PValue);
        Assert.Throws<ArgumentException>(() => ChiSquare.GoodnessOfFit([5, 5], [5, 6]));
    }

    [Fact]
    public void ZTest_SingleSharedValue_GivesPOne_AndLargeZDoesNotUnderflow()
    {
        Assert.Equal(new ZTestResult(0, 1), ProportionTest.TwoProportion(10, 10, 20, 20));
        Assert.Equal(new ZTestResult(0, 1), ProportionTest.TwoProportion(0, 10, 0, 20));
        ZTestResult r = ProportionTest.TwoProportion(900, 1000, 100, 1000);
        Assert.True(r.Statistic > 30);
        Assert.True(r.PValue is > 0 and < 1e-200);
        // Moderate z: 2·(1 − Φ(|z|)) as Evidently computes it.
        ZTestResult m = ProportionTest.TwoProportion(30, 100, 45, 100);
        double pooled = 75 / 200.0;
        double z = (0.3 - 0.45) / Math.Sqrt(pooled * (1 - pooled) * (2 / 100.0));
        Assert.Equal(z, m.Statistic, 14);
        Assert.Equal(2 * (1 - MathNet.Numerics.Distributions.Normal.CDF(0, 1, Math.Abs(z))), m.PValue, 14);
    }

    [Fact]
    public void Psi_ZeroBins_DependOnTheFill()
    {
        double[] reference = [0.5, 0.5, 0];
        double[] current = [0.4, 0.4, 0.2];
        Assert.Equal(double.PositiveInfinity, Divergences.Psi(reference, current, ZeroFill.None));
        // Evidently: the empty reference bin becomes 0.0001 (smallest non-zero 0.5 > 0.0001), without renormalising.
        double expected = 2 * (0.1 * Math.Log(0.5 / 0.4)) + (0.0001 - 0.2) * Math.Log(0.0001 / 0.2);
        Assert.Equal(expected, Divergences.Psi(reference, current), 14);
        Assert.Equal(expected, Divergences.Psi(reference, current, ZeroFill.Constant(0.0001)), 14);
        // Tiny proportions: the fill becomes min_nonzero / 1e6.
        double[] filled = [0.00005, 0, 0.99995];
        Divergences.Fill(filled, ZeroFill.Evidently);
        Assert.Equal(0.00005 / 1e6, filled[1]);
    }

    [Fact]
    public void KullbackLeibler_UnseenInQ_IsInfinite_WithoutFill()
    {
        Assert.Equal(double.PositiveInfinity, Divergences.KullbackLeibler([1, 1], [1, 0]));
        Assert.Equal(0.0, Divergences.KullbackLeibler([0, 1], [1, 1]) - Math.Log(2), 14);
        Assert.True(double.IsFinite(Divergences.KullbackLeibler([1, 1], [1, 0], ZeroFill.Evidently)));
    }

    [Fact]
    public void JensenShannon_DisjointSupports_ReachTheBound()
    {
        Assert.Equal(1.0, Divergences.JensenShannonDistance([1, 0], [0, 1]), 15);
        Assert.Equal(Math.Sqrt(Math.Log(2)), Divergences.JensenShannonDistance([1, 0], [0, 1], Math.E), 15);
        Assert.Throws<ArgumentException>(() => Divergences.JensenShannonDistance([1, 0], [0, 1, 0]));
    }

    [Fact]
    public void WassersteinNormalized_UsesThePopulationStdOfTheReference_WithAFloor()
    {
        double[] reference = [1.0, 2.0, 3.0, 4.0];
        double[] current = [2.0, 3.0, 4.0, 5.0];
        double std = Math.Sqrt(1.25);
        Assert.Equal(1.0 / std, Distances.WassersteinNormalized(reference, current), 14);
        Assert.Equal(1.0 / 0.001, Distances.WassersteinNormalized([3.0, 3.0], [4.0]), 9);
    }

    [Fact]
    public void DatasetDrift_IsShareAtLeastThreshold()
    {
        Assert.Equal((0.5, true), MultipleTesting.DatasetDrift(2, 4));
        Assert.Equal((0.25, false), MultipleTesting.DatasetDrift(1, 4));
        Assert.Equal((0.0, false), MultipleTesting.DatasetDrift(0, 0));
        Assert.Equal((1.0 / 3, true), MultipleTesting.DatasetDrift(1, 3, 0.3));
    }

    [Fact]
    public void BenjaminiHochberg_MatchesStatsmodels()
    {
        // statsmodels.stats.multitest.fdrcorrection([0.01, 0.04, 0.03, 0.2]) -> [0.04, 0.05333333, 0.05333333, 0.2].
        double[] q = MultipleTesting.BenjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
        Assert.Equal([0.04, 0.04 / 0.75, 0.04 / 0.75, 0.2], q);
        Assert.Equal([true, false, false, false], MultipleTesting.Reject(q, 0.05));
        Assert.Equal([0.04, 0.16, 0.12, 0.8], MultipleTesting.Bonferroni([0.01, 0.04, 0.03, 0.2]));
    }

    [Fact]
    public void Histogram_MatchesNumpySemantics()
    {
        double[] edges = Histogram.SturgesEdges([0.0, 1.0, 2.0, 3.0]); // log2(4)+1 = 3 bins over [0, 3]
        Assert.Equal([0.0, 1.0, 2.0, 3.0], edges);
        Assert.Equal([1.0, 1.0, 2.0], Histogram.Counts([0.0, 1.0, 2.0, 3.0], edges)); // last bin closed
        Histogram.Counts([-1.0, 4.0, 1.5], edges, out double outside);
        Assert.Equal(2.0, outside);
        Assert.Equal([2.5, 3.5], Histogram.SturgesEdges([3.0, 3.0]));
    }
}
