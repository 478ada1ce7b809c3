using MlObs.Drift.Data;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Reports;
using static MlObs.Drift.Tests.Engine.EngineData;

namespace MlObs.Drift.Tests.Engine;

/// <summary>
/// The engine end to end (profile → window → report) reproduces the scipy 1.10.1 golden values of the spec's §6.7, through
/// the presets' selection rules and the per-column overrides.
/// </summary>
public sealed class EvaluatorGoldenTests
{
    private static readonly TableSchema XSchema = Schema(("x", ColumnKind.Numerical));

    private static ColumnDrift Numeric(DriftOptions options) =>
        Compare(XSchema, Batch(Num("x", X)), Batch(Num("x", Y)), options).Columns.Single();

    [Fact]
    public void EvidentlyPreset_SmallReference_PicksExactKs()
    {
        ColumnDrift c = Numeric(new DriftOptions { Preset = DriftPreset.Evidently });
        Assert.Equal("ks", c.Method);
        Tolerance.AssertClose(0.49333333333333335, c.Statistic!.Value, 1e-12, "D");
        Tolerance.AssertClose(0.0015418365423787, c.PValue!.Value, 1e-9, "p");
        Assert.True(c.Drift);
        Assert.Equal("p_value <= threshold", c.DriftRule);
        Assert.Equal(0.05, c.Threshold);
        Assert.Equal((30L, 25L), (c.NReference, c.NCurrent));
    }

    [Theory]
    [InlineData("psi", 2.5622372976142738)]
    [InlineData("kl_div", 1.8413113456773327)]
    [InlineData("jensenshannon", 0.42740317382500714)]
    public void EvidentlyPreset_BinnedNumeric_UsesSturgesOverBothSamples(string method, double expected)
    {
        ColumnDrift c = Numeric(With(DriftPreset.Evidently, "x", method));
        Tolerance.AssertClose(expected, c.Statistic!.Value, 1e-9, method);
        Assert.Null(c.PValue);
        Assert.Equal("fixed", c.ThresholdSource);
    }

    [Theory]
    [InlineData("wasserstein", 1.1166590184947378, double.NaN)]
    [InlineData("ed", 0.8189538041509626, double.NaN)]
    [InlineData("anderson", 8.913390588414014, 0.001)]
    [InlineData("cramer_von_mises", 1.4798484848484854, 0.0001823379916154888)]
    [InlineData("t_test", double.NaN, 4.7933703233608725e-05)]
    public void ExactMethods_MatchScipy(string method, double statistic, double p)
    {
        ColumnDrift c = Numeric(With(DriftPreset.Evidently, "x", method));
        Assert.Equal(ColumnStatus.Ok, c.Status);
        if (!double.IsNaN(statistic))
            Tolerance.AssertClose(statistic, c.Statistic!.Value, 1e-9, method + " statistic");
        if (!double.IsNaN(p))
            Tolerance.AssertClose(p, c.PValue!.Value, 1e-9, method + " p");
        Assert.True(c.Drift);
    }

    [Fact]
    public void MannWhitney_IsTwoSidedUnderMlobs_AndLessUnderEvidently()
    {
        ColumnDrift two = Numeric(With(DriftPreset.Mlobs, "x", "mannw"));
        Tolerance.AssertClose(149.5, two.Statistic!.Value, 1e-12, "U");
        Tolerance.AssertClose(0.00014268410000566986, two.PValue!.Value, 1e-9, "p two-sided");
        ColumnDrift less = Numeric(With(DriftPreset.Evidently, "x", "mannw"));
        Assert.True(less.PValue < two.PValue, "x is stochastically smaller than y, so the one-sided 'less' p is the smaller one");
    }

    private static ColumnDrift Categorical(string?[] reference, string?[] current, DriftOptions options)
    {
        TableSchema schema = Schema(("c", ColumnKind.Categorical));
        return Compare(schema, Batch(Cat("c", reference)), Batch(Cat("c", current)), options).Columns.Single();
    }

    [Fact]
    public void ChiSquare_TwoCategories_IsYatesCorrectedContingency()
    {
        ColumnDrift c = Categorical(Repeat(("a", 30), ("b", 10)), Repeat(("a", 20), ("b", 25)), With(DriftPreset.Mlobs, "c", "chisquare"));
        Tolerance.AssertClose(6.949930555555551, c.Statistic!.Value, 1e-9, "chi2");
        Tolerance.AssertClose(0.00838224869725173, c.PValue!.Value, 1e-9, "p");
    }

    [Fact]
    public void ChiSquare_FourCategories_Contingency()
    {
        ColumnDrift c = Categorical(
            Repeat(("a", 120), ("b", 90), ("c", 40), ("d", 10)), Repeat(("a", 100), ("b", 95), ("c", 60), ("d", 25)),
            With(DriftPreset.Mlobs, "c", "chisquare"));
        Tolerance.AssertClose(11.657138228566797, c.Statistic!.Value, 1e-9, "chi2");
        Tolerance.AssertClose(0.008654882174408421, c.PValue!.Value, 1e-9, "p");
    }

    [Fact]
    public void EvidentlyPreset_SmallCategorical_IsGoodnessOfFit()
    {
        ColumnDrift c = Categorical(Repeat(("a", 50), ("b", 30), ("c", 20)), Repeat(("a", 40), ("b", 35), ("c", 25)),
            new DriftOptions { Preset = DriftPreset.Evidently });
        Assert.Equal("chisquare", c.Method);
        Tolerance.AssertClose(0.12981217685543797, c.PValue!.Value, 1e-9, "p");
        Assert.False(c.Drift);
    }

    [Theory]
    [InlineData(DriftPreset.Mlobs, "jensenshannon", 0.21663402449519675)]
    [InlineData(DriftPreset.Evidently, "jensenshannon", 0.1803596560271257)]
    [InlineData(DriftPreset.Mlobs, "psi", 0.270805020110221)]
    [InlineData(DriftPreset.Mlobs, "kl_div", 0.11678337577100634)]
    [InlineData(DriftPreset.Mlobs, "hellinger", 0.1821295204775406)]
    public void BinnedCategorical_MatchesGolden(DriftPreset preset, string method, double expected)
    {
        ColumnDrift c = Categorical(Repeat(("p", 10), ("q", 40), ("r", 50)), Repeat(("p", 30), ("q", 30), ("r", 40)),
            With(preset, "c", method));
        Tolerance.AssertClose(expected, c.Statistic!.Value, 1e-9, method);
    }

    [Fact]
    public void EvidentlyPreset_SelectionRule_FollowsReferenceRowsAndDistinctValues()
    {
        TableSchema schema = Schema(("big", ColumnKind.Numerical), ("few", ColumnKind.Numerical), ("two", ColumnKind.Categorical),
            ("cat", ColumnKind.Categorical));
        RowBatch Make(int n, int seed) => Batch(
            Num("big", Normal(n, 0, 1, seed)),
            Num("few", [.. Enumerable.Range(0, n).Select(i => (double)(i % 4))]),
            Cat("two", [.. Enumerable.Range(0, n).Select(i => i % 3 == 0 ? "yes" : "no")]),
            Cat("cat", [.. Enumerable.Range(0, n).Select(i => "k" + (i % 7))]));
        var evidently = new DriftOptions { Preset = DriftPreset.Evidently };
        DriftReport small = Compare(schema, Make(1000, 1), Make(300, 2), evidently);
        Assert.Equal(["ks", "chisquare", "z", "chisquare"], small.Columns.Select(c => c.Method));
        DriftReport large = Compare(schema, Make(1001, 1), Make(300, 2), evidently);
        Assert.Equal(["wasserstein", "jensenshannon", "jensenshannon", "jensenshannon"], large.Columns.Select(c => c.Method));
        DriftReport mlobs = Compare(schema, Make(1001, 1), Make(300, 2));
        Assert.Equal(["wasserstein", "jensenshannon", "jensenshannon", "jensenshannon"], mlobs.Columns.Select(c => c.Method));
    }
}
