using System.Text.Json;
using MlObs.Drift.Methods;
using Xunit.Abstractions;

namespace MlObs.Drift.Tests;

/// <summary>Every golden vector of the spec's §6.7 (scipy 1.10.1), read from golden/scipy-1.10.1.json.</summary>
public sealed class GoldenSpecTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonElement> Golden = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "scipy-1.10.1.json"))).RootElement);

    private static double[] Vector(string name) => Golden.Value.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static TheoryData<string> CaseIds()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Golden.Value.GetProperty("cases").EnumerateArray())
            data.Add(c.GetProperty("id").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Value_MatchesScipy(string id)
    {
        JsonElement c = Golden.Value.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        double expected = c.GetProperty("value").GetDouble();
        double rtol = c.TryGetProperty("rtol", out JsonElement r) ? r.GetDouble() : 1e-9;
        double actual = Compute(id);
        Tolerance.AssertClose(expected, actual, rtol, id);
    }

    [Fact]
    public void AllCases_AreComputed_AndWorstErrorIsReported()
    {
        double worst = 0;
        string worstId = "";
        foreach (JsonElement c in Golden.Value.GetProperty("cases").EnumerateArray())
        {
            string id = c.GetProperty("id").GetString()!;
            double expected = c.GetProperty("value").GetDouble();
            double error = Tolerance.Relative(expected, Compute(id));
            if (error > worst)
                (worst, worstId) = (error, id);
        }
        output.WriteLine($"worst relative error {worst:E2} at {worstId}");
        Assert.True(worst <= 1e-9, $"worst relative error {worst:E2} at {worstId}");
    }

    private static double Compute(string id)
    {
        double[] x = Vector("x"), y = Vector("y"), p = Vector("P"), q = Vector("Q");
        double[] oneTo20 = Enumerable.Range(1, 20).Select(i => (double)i).ToArray();
        double[] shifted = Enumerable.Range(0, 20).Select(i => 5.5 + i).ToArray();
        return id switch
        {
            "ks.statistic" => KolmogorovSmirnov.TwoSample(x, y).Statistic,
            "ks.exact.pvalue" => Exact(KolmogorovSmirnov.TwoSample(x, y, method: KsMethod.Exact)).PValue,
            "ks.asymp.pvalue" => KolmogorovSmirnov.TwoSample(x, y, method: KsMethod.Asymptotic).PValue,
            "ks.x_x20.statistic" => KolmogorovSmirnov.TwoSample(x, x.AsSpan(0, 20), method: KsMethod.Exact).Statistic,
            "ks.x_x20.pvalue" => Exact(KolmogorovSmirnov.TwoSample(x, x.AsSpan(0, 20), method: KsMethod.Exact)).PValue,
            "ks.square.statistic" => KolmogorovSmirnov.TwoSample(oneTo20, shifted, method: KsMethod.Exact).Statistic,
            "ks.square.exact.pvalue" => Exact(KolmogorovSmirnov.TwoSample(oneTo20, shifted, method: KsMethod.Exact)).PValue,
            "ks.square.asymp.pvalue" => KolmogorovSmirnov.TwoSample(oneTo20, shifted, method: KsMethod.Asymptotic).PValue,
            "kstwo.sf(0.3,10)" => KolmogorovDistribution.Sf(10, 0.3),
            "kstwo.sf(0.1,100)" => KolmogorovDistribution.Sf(100, 0.1),
            "kstwo.sf(0.05,1000)" => KolmogorovDistribution.Sf(1000, 0.05),
            "kstwo.sf(0.5,12)" => KolmogorovDistribution.Sf(12, 0.5),
            "kstwo.sf(0.2,200)" => KolmogorovDistribution.Sf(200, 0.2),
            "kstwobign.sf(1.0)" => KolmogorovDistribution.LimitSf(1.0),
            "kstwobign.sf(1.36)" => KolmogorovDistribution.LimitSf(1.36),
            "chi2_contingency.yates.statistic" => ChiSquare.Contingency(new double[,] { { 30, 10 }, { 20, 25 } }).Statistic,
            "chi2_contingency.yates.pvalue" => ChiSquare.Contingency(new double[,] { { 30, 10 }, { 20, 25 } }).PValue,
            "chi2_contingency.nocorrection.statistic" => ChiSquare.Contingency(new double[,] { { 30, 10 }, { 20, 25 } }, correction: false).Statistic,
            "chi2_contingency.nocorrection.pvalue" => ChiSquare.Contingency(new double[,] { { 30, 10 }, { 20, 25 } }, correction: false).PValue,
            "chi2_contingency.2x4.statistic" => ChiSquare.Contingency(new double[,] { { 120, 90, 40, 10 }, { 100, 95, 60, 25 } }).Statistic,
            "chi2_contingency.2x4.pvalue" => ChiSquare.Contingency(new double[,] { { 120, 90, 40, 10 }, { 100, 95, 60, 25 } }).PValue,
            "chi2_contingency.2x4.dof" => ChiSquare.Contingency(new double[,] { { 120, 90, 40, 10 }, { 100, 95, 60, 25 } }).DegreesOfFreedom,
            "chisquare.pvalue" => ChiSquare.GoodnessOfFit([40, 35, 25], [50.0 * 100 / 100, 30.0 * 100 / 100, 20.0 * 100 / 100]).PValue,
            "wasserstein" => Distances.Wasserstein(x, y),
            "wasserstein.normed" => Distances.WassersteinNormalized(x, y),
            "energy" => Distances.Energy(x, y),
            "jensenshannon.e" => Divergences.JensenShannonDistance(p, q, Math.E),
            "jensenshannon.2" => Divergences.JensenShannonDistance(p, q, 2),
            "jensenshannon.disjoint.2" => Divergences.JensenShannonDistance([0.5, 0.5, 0], [0, 0.5, 0.5], 2),
            "entropy" => Divergences.KullbackLeibler(p, q),
            "psi" => Divergences.Psi(p, q, ZeroFill.None),
            "hellinger" => Divergences.Hellinger(p, q),
            "cvm.asymp.statistic" => RankTests.CramerVonMises(x, y).Statistic,
            "cvm.asymp.pvalue" => Asymptotic(RankTests.CramerVonMises(x, y)).PValue,
            "cvm.exact.statistic" => RankTests.CramerVonMises(x.AsSpan(0, 10), y.AsSpan(0, 8)).Statistic,
            "cvm.exact.pvalue" => ExactRank(RankTests.CramerVonMises(x.AsSpan(0, 10), y.AsSpan(0, 8))).PValue,
            "anderson_ksamp.statistic" => RankTests.AndersonDarling([x, y]).Statistic,
            "anderson_ksamp.pvalue" => RankTests.AndersonDarling([x, y]).PValue,
            "mannwhitneyu.statistic" => RankTests.MannWhitneyU(x, y).Statistic,
            "mannwhitneyu.pvalue" => RankTests.MannWhitneyU(x, y).PValue,
            "ttest_ind.pvalue" => TTest.Independent(x, y).PValue,
            "evidently.sturges.bins" => Histogram.SturgesEdges([.. x, .. y]).Length - 1,
            "evidently.psi" => EvidentlyReplica(x, y, "psi"),
            "evidently.kl" => EvidentlyReplica(x, y, "kl"),
            "evidently.js" => EvidentlyReplica(x, y, "js"),
            "nannyml.doane.bins" => Histogram.DoaneEdges(x).Length - 1,
            "nannyml.js" => NannyMlReplica(x, y, hellinger: false),
            "nannyml.hellinger" => NannyMlReplica(x, y, hellinger: true),
            _ => throw new InvalidOperationException($"no computation for golden case '{id}'"),
        };
    }

    private static KsResult Exact(KsResult r)
    {
        Assert.Equal(KsMethod.Exact, r.Method);
        return r;
    }

    private static RankTestResult Asymptotic(RankTestResult r)
    {
        Assert.Equal(RankTestMethod.Asymptotic, r.Method);
        return r;
    }

    private static RankTestResult ExactRank(RankTestResult r)
    {
        Assert.Equal(RankTestMethod.Exact, r.Method);
        return r;
    }

    /// <summary>Evidently's get_binned_data: Sturges edges over ref ∪ cur, proportions count/len; PSI/KL with the 0.0001 fill, JS without.</summary>
    private static double EvidentlyReplica(double[] reference, double[] current, string metric)
    {
        double[] edges = Histogram.SturgesEdges([.. reference, .. current]);
        double[] r = Histogram.Counts(reference, edges).Select(c => c / reference.Length).ToArray();
        double[] c = Histogram.Counts(current, edges).Select(v => v / current.Length).ToArray();
        return metric switch
        {
            "psi" => Divergences.Psi(r, c, ZeroFill.Evidently),
            "kl" => Divergences.KullbackLeibler(r, c, ZeroFill.Evidently),
            _ => Divergences.JensenShannonDistance(r, c, Math.E),
        };
    }

    /// <summary>NannyML: Doane edges fitted on the reference; current mass outside them goes to a leftover bin with reference probability 0.</summary>
    private static double NannyMlReplica(double[] reference, double[] current, bool hellinger)
    {
        double[] edges = Histogram.DoaneEdges(reference);
        double[] r = [.. Histogram.Counts(reference, edges).Select(v => v / reference.Length), 0.0];
        double[] counts = Histogram.Counts(current, edges, out double leftover);
        double[] c = [.. counts.Select(v => v / current.Length), leftover / current.Length];
        return hellinger ? Divergences.HellingerL2(r, c) : Divergences.JensenShannonDistance(r, c, 2);
    }
}
