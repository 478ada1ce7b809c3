using MlObs.Drift.Data;

namespace MlObs.Drift.Evaluation;

/// <summary>How a method's score is compared with its threshold.</summary>
public enum DriftRule
{
    /// <summary>Drift when p ≤ threshold.</summary>
    PValueAtMost,

    /// <summary>Drift when p &lt; threshold.</summary>
    PValueBelow,

    /// <summary>Drift when the statistic ≥ threshold.</summary>
    StatisticAtLeast,

    /// <summary>Drift when the statistic &gt; threshold.</summary>
    StatisticAbove,
}

/// <summary>A drift method: its id (Evidently's names), default threshold and rule, and what it applies to.</summary>
/// <param name="Id">The id used in reports and on the command line.</param>
/// <param name="DefaultThreshold">Evidently's default threshold for it.</param>
/// <param name="Rule">How the score is compared with the threshold.</param>
/// <param name="Numeric">Applies to numerical and datetime columns.</param>
/// <param name="Categorical">Applies to categorical and boolean columns.</param>
/// <param name="NeedsValues">Needs the raw values of both sides (exact mode only).</param>
/// <param name="Description">One line for help texts.</param>
public sealed record DriftMethod(
    string Id, double DefaultThreshold, DriftRule Rule, bool Numeric, bool Categorical, bool NeedsValues, string Description)
{
    /// <summary>True for tests reporting a p-value, false for distances.</summary>
    public bool IsTest => Rule is DriftRule.PValueAtMost or DriftRule.PValueBelow;

    /// <summary>True when the method applies to a column of that kind.</summary>
    public bool AppliesTo(ColumnKind kind) => kind.IsNumeric() ? Numeric : Categorical;

    /// <summary>The drift rule as text, for reports ("p_value &lt;= threshold", …).</summary>
    public string RuleText => Rule switch
    {
        DriftRule.PValueAtMost => "p_value <= threshold",
        DriftRule.PValueBelow => "p_value < threshold",
        DriftRule.StatisticAtLeast => "statistic >= threshold",
        _ => "statistic > threshold",
    };

    /// <summary>Whether a score drifts under this method's rule.</summary>
    public bool Drifts(double statisticOrPValue, double threshold) => Rule switch
    {
        DriftRule.PValueAtMost => statisticOrPValue <= threshold,
        DriftRule.PValueBelow => statisticOrPValue < threshold,
        DriftRule.StatisticAtLeast => statisticOrPValue >= threshold,
        _ => statisticOrPValue > threshold,
    };
}

/// <summary>The methods the engine offers, by id. Conventions: <c>src/MlObs.Drift/README.md</c>.</summary>
public static class DriftMethods
{
    /// <summary>Two-sample Kolmogorov–Smirnov test (scipy <c>ks_2samp</c>, method auto).</summary>
    public static readonly DriftMethod Ks = new("ks", 0.05, DriftRule.PValueAtMost, true, false, false,
        "Kolmogorov-Smirnov two-sample test (p-value)");

    /// <summary>Chi-square test on category counts.</summary>
    public static readonly DriftMethod ChiSquare = new("chisquare", 0.05, DriftRule.PValueBelow, true, true, false,
        "chi-square test on category counts (p-value)");

    /// <summary>Two-proportion z-test (first category against the rest).</summary>
    public static readonly DriftMethod Z = new("z", 0.05, DriftRule.PValueBelow, true, true, false,
        "two-proportion z-test (p-value)");

    /// <summary>Jensen–Shannon distance on bins or categories.</summary>
    public static readonly DriftMethod JensenShannon = new("jensenshannon", 0.1, DriftRule.StatisticAtLeast, true, true, false,
        "Jensen-Shannon distance on bins or categories");

    /// <summary>Kullback–Leibler divergence KL(reference ‖ current) in nats on bins or categories.</summary>
    public static readonly DriftMethod KlDiv = new("kl_div", 0.1, DriftRule.StatisticAtLeast, true, true, false,
        "Kullback-Leibler divergence KL(reference||current), nats");

    /// <summary>Population stability index on bins or categories.</summary>
    public static readonly DriftMethod Psi = new("psi", 0.1, DriftRule.StatisticAtLeast, true, true, false,
        "population stability index");

    /// <summary>Wasserstein distance divided by the reference's population standard deviation.</summary>
    public static readonly DriftMethod Wasserstein = new("wasserstein", 0.1, DriftRule.StatisticAtLeast, true, false, false,
        "Wasserstein distance / reference std (shift in standard deviations)");

    /// <summary>Anderson–Darling k-sample test (p capped to [0.001, 0.25]).</summary>
    public static readonly DriftMethod Anderson = new("anderson", 0.1, DriftRule.PValueBelow, true, false, true,
        "Anderson-Darling k-sample test (p-value, capped to [0.001, 0.25])");

    /// <summary>Cramér–von Mises two-sample test.</summary>
    public static readonly DriftMethod CramerVonMises = new("cramer_von_mises", 0.1, DriftRule.PValueAtMost, true, false, true,
        "Cramer-von Mises two-sample test (p-value)");

    /// <summary>Hellinger distance on bins or categories.</summary>
    public static readonly DriftMethod Hellinger = new("hellinger", 0.1, DriftRule.StatisticAtLeast, true, true, false,
        "Hellinger distance on bins or categories");

    /// <summary>Mann–Whitney U test.</summary>
    public static readonly DriftMethod MannWhitney = new("mannw", 0.05, DriftRule.PValueBelow, true, false, true,
        "Mann-Whitney U test (p-value)");

    /// <summary>Energy distance (not normalised).</summary>
    public static readonly DriftMethod Energy = new("ed", 0.1, DriftRule.StatisticAbove, true, false, true,
        "energy distance (in the column's units)");

    /// <summary>Student's t-test with pooled variance.</summary>
    public static readonly DriftMethod TTest = new("t_test", 0.05, DriftRule.PValueBelow, true, false, true,
        "Student t-test, pooled variance (p-value)");

    /// <summary>Every method, in help order.</summary>
    public static IReadOnlyList<DriftMethod> All { get; } =
        [Ks, Wasserstein, JensenShannon, Psi, KlDiv, Hellinger, ChiSquare, Z, Anderson, CramerVonMises, MannWhitney, Energy, TTest];

    /// <summary>The method with that id (case-insensitive), or null.</summary>
    public static DriftMethod? Find(string id) =>
        All.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));
}
