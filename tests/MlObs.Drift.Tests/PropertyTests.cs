using CsCheck;
using MlObs.Drift.Methods;

namespace MlObs.Drift.Tests;

/// <summary>Self-consistency of the methods over generated samples (CsCheck).</summary>
public sealed class PropertyTests
{
    // Values on a 0.1 grid, so that ties are common.
    private static readonly Gen<double[]> Sample = Gen.Int[-30, 30].Select(i => i / 10.0).Array[1, 60];
    private static readonly Gen<(double[], double[])> TwoSamples = Gen.Select(Sample, Sample);
    private static readonly Gen<double[]> Bins = Gen.Int[0, 50].Select(i => (double)i).Array[4];
    private static readonly Gen<(double[], double[])> TwoHistograms =
        Gen.Select(Bins, Bins).Where(t => t.Item1.Sum() > 0 && t.Item2.Sum() > 0);

    [Fact]
    public void Ks_TwoSided_IsSymmetric() =>
        TwoSamples.Sample(t =>
        {
            (double[] a, double[] b) = t;
            KsResult ab = KolmogorovSmirnov.TwoSample(a, b);
            KsResult ba = KolmogorovSmirnov.TwoSample(b, a);
            Assert.Equal(ab.Statistic, ba.Statistic, 15);
            Assert.Equal(ab.PValue, ba.PValue, 12);
        }, iter: 300);

    [Fact]
    public void Ks_OneSided_SwapsUnderExchange() =>
        TwoSamples.Sample(t =>
        {
            (double[] a, double[] b) = t;
            KsResult greater = KolmogorovSmirnov.TwoSample(a, b, Alternative.Greater);
            KsResult less = KolmogorovSmirnov.TwoSample(b, a, Alternative.Less);
            Assert.Equal(greater.Statistic, less.Statistic, 15);
            Assert.Equal(greater.PValue, less.PValue, 12);
        }, iter: 300);

    [Fact]
    public void Ks_PValue_IsAProbability_ForEveryAlternativeAndMethod() =>
        TwoSamples.Sample(t =>
        {
            (double[] a, double[] b) = t;
            foreach (Alternative alternative in Enum.GetValues<Alternative>())
            {
                foreach (KsMethod method in Enum.GetValues<KsMethod>())
                {
                    KsResult r = KolmogorovSmirnov.TwoSample(a, b, alternative, method);
                    Assert.InRange(r.PValue, 0.0, 1.0);
                    Assert.InRange(r.Statistic, 0.0, 1.0);
                    Assert.NotEqual(KsMethod.Auto, r.Method);
                }
            }
        }, iter: 200);

    [Fact]
    public void Ks_SortedOverload_EqualsUnsorted() =>
        TwoSamples.Sample(t =>
        {
            (double[] a, double[] b) = t;
            Assert.Equal(KolmogorovSmirnov.TwoSample(a, b), KolmogorovSmirnov.TwoSampleSorted(a.Order().ToArray(), b.Order().ToArray()));
        }, iter: 200);

    [Fact]
    public void Ks_ExactAndAsymptotic_AgreeAroundTenThousand()
    {
        // At n ≈ 10,000 (where Auto switches) the two p-values differ by at most about 2% (p ≥ 1e-7 here).
        foreach ((int n1, int n2) in new[] { (9000, 9500), (10000, 10000), (9999, 10000) })
        {
            foreach (double d in new[] { 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04 })
            {
                double exact = KolmogorovSmirnov.PValue(n1, n2, d, Alternative.TwoSided, KsMethod.Exact).PValue;
                double asymptotic = KolmogorovSmirnov.PValue(n1, n2, d, Alternative.TwoSided, KsMethod.Asymptotic).PValue;
                Assert.InRange(exact / asymptotic, 0.97, 1.03);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(40)]
    [InlineData(140)]
    [InlineData(141)]
    [InlineData(1000)]
    [InlineData(100000)]
    [InlineData(150000)]
    public void Kstwo_Sf_IsMonotoneInD(int n)
    {
        double previous = 1.0;
        int steps = n > 1000 ? 400 : 2000; // Smirnov's sum costs O(n) per point
        for (int i = 0; i <= steps; i++)
        {
            double d = (double)i / steps;
            double sf = KolmogorovDistribution.Sf(n, d);
            Assert.InRange(sf, 0.0, 1.0);
            Assert.True(sf <= previous + 1e-12, $"n={n}: sf({d}) = {sf} > sf(previous) = {previous}");
            // For n > 140 scipy takes the SF from 2·smirnov and the CDF from Durbin or Pelz–Good, so the two need not sum to 1
            // exactly: scipy 1.10.1 itself gives sf + cdf = 0.99999948 at n = 141, d = 0.125.
            Assert.True(Math.Abs(sf + KolmogorovDistribution.Cdf(n, d) - 1.0) <= 1e-6);
            previous = sf;
        }
    }

    [Fact]
    public void Kstwo_DurbinAndPomeranz_Agree()
    {
        // Both are exact; they must agree wherever both are defined, across the Durbin/Pomeranz switch at n·x² = 0.754693.
        foreach (int n in new[] { 3, 10, 50, 140 })
        {
            for (double x = 0.6 / n; x < Math.Min(0.5, 2.0 / Math.Sqrt(n)); x += 0.37 / n)
            {
                double durbin = KolmogorovDistribution.DurbinMatrixCdf(n, x);
                double pomeranz = KolmogorovDistribution.PomeranzCdf(n, x);
                Assert.True(Math.Abs(durbin - pomeranz) <= 1e-12 + 1e-10 * pomeranz, $"n={n} x={x}: {durbin} vs {pomeranz}");
            }
        }
    }

    [Fact]
    public void Wasserstein_AndEnergy_OfIdenticalSamples_AreZero_AndSymmetric()
    {
        Sample.Sample(a =>
        {
            Assert.Equal(0.0, Distances.Wasserstein(a, a));
            Assert.Equal(0.0, Distances.Energy(a, a));
        }, iter: 200);
        TwoSamples.Sample(t =>
        {
            (double[] a, double[] b) = t;
            Assert.Equal(Distances.Wasserstein(a, b), Distances.Wasserstein(b, a), 12);
            Assert.True(Distances.Wasserstein(a, b) >= 0);
        }, iter: 200);
    }

    [Fact]
    public void JensenShannon_IsSymmetric_AndAtMostOneInBase2() =>
        TwoHistograms.Sample(t =>
        {
            (double[] p, double[] q) = t;
            double pq = Divergences.JensenShannonDistance(p, q);
            Assert.Equal(pq, Divergences.JensenShannonDistance(q, p), 12);
            Assert.InRange(pq, 0.0, 1.0 + 1e-15);
            Assert.InRange(Divergences.JensenShannonDistance(p, q, Math.E), 0.0, Math.Sqrt(Math.Log(2)) + 1e-15);
            Assert.Equal(pq * pq, Divergences.JensenShannonDivergence(p, q), 12);
        }, iter: 500);

    [Fact]
    public void Hellinger_BhattacharyyaAndL2Forms_Agree() =>
        TwoHistograms.Sample(t =>
        {
            (double[] p, double[] q) = t;
            double h = Divergences.Hellinger(p, q);
            Assert.InRange(h, 0.0, 1.0);
            Assert.Equal(h, Divergences.HellingerL2(p, q), 7);
        }, iter: 500);

    [Fact]
    public void Psi_IsSymmetric_AndNonNegative() =>
        TwoHistograms.Sample(t =>
        {
            (double[] p, double[] q) = t;
            double psi = Divergences.Psi(p, q);
            Assert.True(psi >= 0);
            Assert.Equal(psi, Divergences.Psi(q, p), 10);
        }, iter: 500);

    [Fact]
    public void BenjaminiHochberg_IsAtLeastRaw_AtMostBonferroni_AndMonotone() =>
        Gen.Double[0.0, 1.0].Array[1, 40].Sample(p =>
        {
            double[] bh = MultipleTesting.BenjaminiHochberg(p);
            double[] bonferroni = MultipleTesting.Bonferroni(p);
            for (int i = 0; i < p.Length; i++)
            {
                Assert.True(bh[i] >= p[i] - 1e-15);
                Assert.True(bh[i] <= bonferroni[i] + 1e-15);
                Assert.InRange(bh[i], 0.0, 1.0);
                for (int j = 0; j < p.Length; j++)
                {
                    if (p[i] <= p[j])
                        Assert.True(bh[i] <= bh[j] + 1e-15);
                }
            }
        }, iter: 300);

    [Fact]
    public void MannWhitney_U1PlusU2_IsN1N2_AndPIsAProbability() =>
        TwoSamples.Sample(t =>
        {
            (double[] a, double[] b) = t;
            RankTestResult ab = RankTests.MannWhitneyU(a, b);
            RankTestResult ba = RankTests.MannWhitneyU(b, a);
            Assert.Equal((double)a.Length * b.Length, ab.Statistic + ba.Statistic, 9);
            Assert.InRange(ab.PValue, 0.0, 1.0);
            Assert.Equal(ab.PValue, ba.PValue, 12);
        }, iter: 300);

    [Fact]
    public void CramerVonMises_PIsAProbability() =>
        Gen.Select(Sample.Where(a => a.Length is >= 2 and <= 25), Sample.Where(a => a.Length is >= 2 and <= 25)).Sample(t =>
        {
            (double[] a, double[] b) = t;
            RankTestResult r = RankTests.CramerVonMises(a, b);
            Assert.InRange(r.PValue, 0.0, 1.0);
        }, iter: 40);
}
