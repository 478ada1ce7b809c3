using System.Text.Json;
using MlObs.Drift.Methods;
using Xunit.Abstractions;

namespace MlObs.Drift.Tests;

/// <summary>
/// More scipy 1.10.1 values (golden/scipy-1.10.1-extra.json, written by golden/generate_extra.py): every branch of kstwo,
/// ks_2samp across sizes, alternatives and methods, and the other tests on tied and untied samples.
/// </summary>
public sealed class GoldenExtraTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonElement[]> Cases = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "scipy-1.10.1-extra.json")))
            .RootElement.GetProperty("cases").EnumerateArray().ToArray());

    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Cases.Value.Length; i++)
            data.Add(i);
        return data;
    }

    /// <summary>Replays the generator's LCG: value = ((state &gt;&gt; 8) % modulus)/100 + shift.</summary>
    internal static double[] Lcg(JsonElement description)
    {
        uint state = (uint)description.GetProperty("seed").GetInt64();
        int n = description.GetProperty("n").GetInt32();
        double shift = description.GetProperty("shift").GetDouble();
        uint modulus = (uint)description.GetProperty("modulus").GetInt64();
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            state = unchecked((1664525u * state) + 1013904223u);
            values[i] = ((state >> 8) % modulus) / 100.0 + shift;
        }
        return values;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Case_MatchesScipy(int index)
    {
        JsonElement c = Cases.Value[index];
        double rtol = c.TryGetProperty("rtol", out JsonElement r) ? r.GetDouble() : 1e-9;
        foreach ((string what, double expected, double actual) in Check(c))
            AssertClose(expected, actual, rtol, $"#{index} {c.GetProperty("kind").GetString()} {what}");
    }

    [Fact]
    public void WorstRelativeError_IsReported()
    {
        double worst = 0;
        string at = "";
        for (int i = 0; i < Cases.Value.Length; i++)
        {
            foreach ((string what, double expected, double actual) in Check(Cases.Value[i]))
            {
                double e = Math.Abs(expected) < 1e-300 && Math.Abs(actual) < 1e-300 ? 0 : Tolerance.Relative(expected, actual);
                if (e > worst)
                    (worst, at) = (e, $"#{i} {Cases.Value[i].GetProperty("kind").GetString()} {what}");
            }
        }
        output.WriteLine($"{Cases.Value.Length} cases; worst relative error {worst:E2} at {at}");
        Assert.True(worst <= 1e-9);
    }

    private static void AssertClose(double expected, double actual, double rtol, string what)
    {
        if (Math.Abs(expected) < 1e-300 && Math.Abs(actual) < 1e-300)
            return; // both underflow to (almost) zero
        Tolerance.AssertClose(expected, actual, rtol, what);
    }

    private static List<(string What, double Expected, double Actual)> Check(JsonElement c)
    {
        string kind = c.GetProperty("kind").GetString()!;
        double value = c.GetProperty("value").GetDouble();
        var checks = new List<(string, double, double)>();
        double[] a = c.TryGetProperty("a", out JsonElement da) ? Lcg(da) : [];
        double[] b = c.TryGetProperty("b", out JsonElement db) ? Lcg(db) : [];
        Alternative alternative = c.TryGetProperty("alternative", out JsonElement alt)
            ? alt.GetString() switch { "less" => Alternative.Less, "greater" => Alternative.Greater, _ => Alternative.TwoSided }
            : Alternative.TwoSided;
        switch (kind)
        {
            case "kstwo.sf":
                checks.Add(("sf", value, KolmogorovDistribution.Sf(c.GetProperty("n").GetInt32(), c.GetProperty("x").GetDouble())));
                break;
            case "kstwo.cdf":
                checks.Add(("cdf", value, KolmogorovDistribution.Cdf(c.GetProperty("n").GetInt32(), c.GetProperty("x").GetDouble())));
                break;
            case "smirnov":
                checks.Add(("smirnov", value, KolmogorovDistribution.Smirnov(c.GetProperty("n").GetInt32(), c.GetProperty("x").GetDouble())));
                break;
            case "kstwobign.sf":
                checks.Add(("sf", value, KolmogorovDistribution.LimitSf(c.GetProperty("x").GetDouble())));
                break;
            case "ks_2samp":
                {
                    KsMethod method = c.GetProperty("method").GetString() switch
                    {
                        "exact" => KsMethod.Exact,
                        "asymp" => KsMethod.Asymptotic,
                        _ => KsMethod.Auto,
                    };
                    KsResult result = KolmogorovSmirnov.TwoSample(a, b, alternative, method);
                    checks.Add(("statistic", c.GetProperty("statistic").GetDouble(), result.Statistic));
                    checks.Add(("pvalue", value, result.PValue));
                    checks.Add(("location", c.GetProperty("location").GetDouble(), result.StatisticLocation));
                    checks.Add(("sign", c.GetProperty("sign").GetInt32(), result.StatisticSign));
                    // The pre-sorted overload gives the same answer.
                    KsResult sorted = KolmogorovSmirnov.TwoSampleSorted(a.Order().ToArray(), b.Order().ToArray(), alternative, method);
                    checks.Add(("sorted pvalue", value, sorted.PValue));
                    break;
                }
            case "mannwhitneyu":
                {
                    RankTestResult result = RankTests.MannWhitneyU(a, b, alternative);
                    checks.Add(("statistic", c.GetProperty("statistic").GetDouble(), result.Statistic));
                    checks.Add(("pvalue", value, result.PValue));
                    break;
                }
            case "cvm":
                {
                    RankTestResult result = RankTests.CramerVonMises(a, b);
                    checks.Add(("statistic", c.GetProperty("statistic").GetDouble(), result.Statistic));
                    checks.Add(("pvalue", value, result.PValue));
                    break;
                }
            case "anderson_ksamp":
                {
                    AndersonDarlingResult result = RankTests.AndersonDarling([a, b]);
                    checks.Add(("statistic", c.GetProperty("statistic").GetDouble(), result.Statistic));
                    checks.Add(("pvalue", value, result.PValue));
                    break;
                }
            case "wasserstein":
                checks.Add(("distance", value, Distances.Wasserstein(a, b)));
                checks.Add(("sorted", value, Distances.WassersteinSorted(a.Order().ToArray(), b.Order().ToArray())));
                break;
            case "energy":
                checks.Add(("distance", value, Distances.Energy(a, b)));
                checks.Add(("sorted", value, Distances.EnergySorted(a.Order().ToArray(), b.Order().ToArray())));
                break;
            case "ttest_ind":
                checks.Add(("pvalue", value, TTest.Independent(a, b).PValue));
                break;
            case "chi2_contingency":
                {
                    double[][] rows = c.GetProperty("table").EnumerateArray()
                        .Select(row => row.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
                    var table = new double[rows.Length, rows[0].Length];
                    for (int i = 0; i < rows.Length; i++)
                        for (int j = 0; j < rows[0].Length; j++)
                            table[i, j] = rows[i][j];
                    ChiSquareResult result = ChiSquare.Contingency(table, c.GetProperty("correction").GetBoolean());
                    checks.Add(("statistic", c.GetProperty("statistic").GetDouble(), result.Statistic));
                    checks.Add(("pvalue", value, result.PValue));
                    break;
                }
            case "chisquare":
                {
                    double[] observed = c.GetProperty("observed").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                    double[] expected = c.GetProperty("expected").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                    ChiSquareResult result = ChiSquare.GoodnessOfFit(observed, expected);
                    checks.Add(("statistic", c.GetProperty("statistic").GetDouble(), result.Statistic));
                    checks.Add(("pvalue", value, result.PValue));
                    break;
                }
            default:
                throw new InvalidOperationException($"unknown golden kind '{kind}'");
        }
        return checks;
    }
}
