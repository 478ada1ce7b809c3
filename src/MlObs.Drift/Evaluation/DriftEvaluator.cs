using System.Globalization;
using MlObs.Drift.Data;
using MlObs.Drift.Methods;
using MlObs.Drift.Profiles;
using MlObs.Drift.Reports;
using MlObs.Drift.Windows;

namespace MlObs.Drift.Evaluation;

/// <summary>
/// Compares a window with its reference profile, column by column, and decides dataset drift. A column that cannot be compared
/// (empty, missing, unreadable, or a method failing on it) gets its own status; it never fails the evaluation.
/// </summary>
public static class DriftEvaluator
{
    /// <summary>Evaluates <paramref name="window"/> against the profile it was built on.</summary>
    /// <exception cref="ArgumentException">An override or column selection names an unknown column or method, or a method that
    /// does not apply to the column's kind (a usage error: nothing is evaluated).</exception>
    public static DriftReport Evaluate(WindowState window, DriftOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(window);
        options ??= new DriftOptions();
        ReferenceProfile profile = window.Profile;
        Validate(profile, options);
        HashSet<string>? selected = options.Columns is null ? null : new HashSet<string>(options.Columns, StringComparer.Ordinal);
        var columns = new List<ColumnDrift>(profile.Columns.Count);
        foreach (ColumnProfile column in profile.Columns)
        {
            if (selected is not null && !selected.Contains(column.Name))
                continue;
            ColumnWindow current = window.Find(column.Name)!;
            ColumnDrift result;
            try
            {
                result = new ColumnEvaluation(column, current, window, options).Run();
            }
#pragma warning disable CA1031 // One column's failure must never fail the run: it becomes that column's status.
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException or NotSupportedException)
#pragma warning restore CA1031
            {
                result = Base(column, current, window) with { Status = ColumnStatus.Error, Message = e.Message };
            }
            columns.Add(result);
        }
        ApplyCorrection(columns, options);
        int ok = columns.Count(c => c.Status == ColumnStatus.Ok);
        int drifted = columns.Count(c => c.Status == ColumnStatus.Ok && c.Drift);
        double share = ok == 0 ? 0 : (double)drifted / ok;
        var dataset = new DatasetDrift(
            ok, drifted, share, options.DriftShare, ok > 0 && share >= options.DriftShare,
            [.. columns.Where(c => c.Status == ColumnStatus.MissingInCurrent).Select(c => c.Column)],
            window.NewColumns,
            columns.Count - ok,
            options.Correction switch
            {
                PValueCorrection.Bonferroni => "bonferroni",
                PValueCorrection.BenjaminiHochberg => "benjamini-hochberg",
                _ => "none",
            });
        return new DriftReport(
            options.Preset == DriftPreset.Evidently ? "evidently" : "mlobs",
            profile.Mode == ProfileMode.Exact && window.KeepsValues ? "exact" : "streaming",
            profile.Rows, window.Rows, dataset, columns);
    }

    private static void Validate(ReferenceProfile profile, DriftOptions options)
    {
        if (!(options.DriftShare is > 0 and <= 1))
            throw new ArgumentException($"The dataset drift share must be in (0, 1] (got {options.DriftShare}).");
        if (options.Columns is not null)
        {
            foreach (string name in options.Columns)
            {
                if (profile.Find(name) is null)
                    throw new ArgumentException($"Column '{name}' is not in the reference.");
            }
        }
        foreach ((string name, ColumnOverride o) in options.Overrides)
        {
            ColumnProfile column = profile.Find(name) ?? throw new ArgumentException($"Column '{name}' is not in the reference.");
            if (o.Method is not null)
            {
                DriftMethod method = DriftMethods.Find(o.Method) ?? throw new ArgumentException(
                    $"Unknown method '{o.Method}' for column '{name}'; known: {string.Join(", ", DriftMethods.All.Select(m => m.Id))}.");
                if (!method.AppliesTo(column.Kind))
                    throw new ArgumentException($"Method '{method.Id}' does not apply to column '{name}', which is {column.Kind.Name()}.");
            }
            if (o.Threshold is { } t && (!double.IsFinite(t) || t < 0))
                throw new ArgumentException($"The threshold for column '{name}' must be a finite number ≥ 0 (got {t}).");
        }
    }

    private static ColumnDrift Base(ColumnProfile column, ColumnWindow current, WindowState window) =>
        new(column.Name, column.Kind, null, null, null, null, false, column.Count, current.Count, column.MissingShare,
            current.Rows == 0 ? 0 : (double)current.Missing / current.Rows, ColumnStatus.Ok)
        {
            InvalidCurrent = current.Invalid,
            ConstantReference = SingleValue(column) is not null,
            ConstantCurrent = SingleValue(current) is not null,
        };

    /// <summary>The window's only value when it holds exactly one distinct value, else null.</summary>
    private static object? SingleValue(ColumnWindow current)
    {
        switch (current)
        {
            case NumericWindow n when n.Count > 0 && n.Min == n.Max:
                return n.Min;
            case CategoricalWindow c when c.Count > 0:
                int known = -1;
                for (int i = 0; i < c.KnownCounts.Length; i++)
                {
                    if (c.KnownCounts[i] == 0)
                        continue;
                    if (known >= 0)
                        return null;
                    known = i;
                }
                if (known >= 0)
                    return c.UnseenTotal == 0 ? c.Profile.Categories[known] : null;
                return c.Unseen.Count == 1 && c.UnseenOverflow == 0 ? c.Unseen.Keys.First() : null;
            default:
                return null;
        }
    }

    /// <summary>The reference's only value when it holds exactly one distinct value, else null.</summary>
    private static object? SingleValue(ColumnProfile reference) => reference switch
    {
        NumericColumnProfile n when n.IsConstant => n.Min,
        CategoricalColumnProfile c when c.IsConstant => c.Categories[0],
        _ => null,
    };

    private static void ApplyCorrection(List<ColumnDrift> columns, DriftOptions options)
    {
        if (options.Correction == PValueCorrection.None)
            return;
        var indices = new List<int>();
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i].Status == ColumnStatus.Ok && columns[i].PValue is not null)
                indices.Add(i);
        }
        if (indices.Count == 0)
            return;
        double[] raw = [.. indices.Select(i => columns[i].PValue!.Value)];
        double[] adjusted = options.Correction == PValueCorrection.Bonferroni
            ? MultipleTesting.Bonferroni(raw)
            : MultipleTesting.BenjaminiHochberg(raw);
        for (int j = 0; j < indices.Count; j++)
        {
            ColumnDrift c = columns[indices[j]];
            DriftMethod method = DriftMethods.Find(c.Method!)!;
            columns[indices[j]] = c with
            {
                PValueRaw = raw[j],
                PValue = adjusted[j],
                Drift = method.Drifts(adjusted[j], c.Threshold!.Value),
            };
        }
    }

    /// <summary>The labels and edges of each grid's coarse bins, computed once per grid (they are the same for every window).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<NumericGrid, Tuple<string[], double[]>> HistogramAxes = [];

    private static Tuple<string[], double[]> HistogramAxis(NumericGrid grid) =>
        HistogramAxes.GetValue(grid, g => Tuple.Create(g.CoarseLabels(ColumnEvaluation.Format), g.CoarseEdgeValues()));

    /// <summary>The comparison of one column.</summary>
    private sealed class ColumnEvaluation(ColumnProfile reference, ColumnWindow current, WindowState window, DriftOptions options)
    {
        private readonly bool _evidently = options.Preset == DriftPreset.Evidently;
        private readonly bool _exact = reference.Kind.IsNumeric()
            && ((NumericColumnProfile)reference).SortedValues is not null && window.KeepsValues;
        private readonly ColumnOverride? _override = options.Overrides.GetValueOrDefault(reference.Name);
        private double[]? _currentSorted;
        private double[]? _currentCoarse;

        public ColumnDrift Run()
        {
            ColumnDrift result = Base(reference, current, window);
            if (window.Rows == 0)
                return result with { Status = ColumnStatus.InsufficientData, Message = "The window is empty." };
            if (current.Rows == 0)
            {
                return result with
                {
                    Status = ColumnStatus.MissingInCurrent,
                    Message = "The column is in the reference but not in the window.",
                };
            }
            if (reference.Count == 0)
            {
                return result with
                {
                    Status = ColumnStatus.InsufficientData,
                    Message = $"The reference has no value in this column ({reference.Rows} rows, all missing).",
                };
            }
            if (current.Count == 0)
            {
                return current.Invalid > 0
                    ? result with
                    {
                        Status = ColumnStatus.TypeMismatch,
                        Message = $"None of the window's {current.Invalid} non-missing value(s) could be read as {reference.Kind.Name()}.",
                    }
                    : result with
                    {
                        Status = ColumnStatus.InsufficientData,
                        Message = $"Every value of the window is missing ({current.Rows} rows).",
                    };
            }
            if (SingleValue(reference) is { } only && only.Equals(SingleValue(current)))
            {
                // §7.5: tests return NaN when both sides hold one and the same value; there is no evidence of drift.
                DriftMethod method = _override?.Method is { } id ? DriftMethods.Find(id)! : Default(reference);
                return Decide(result, method, 0, method.IsTest ? 1.0 : null,
                    "The reference and the window hold the same single value: no drift (statistic 0, p-value 1).");
            }
            return reference switch
            {
                NumericColumnProfile n => Numeric(result, n, (NumericWindow)current),
                CategoricalColumnProfile c => Categorical(result, c, (CategoricalWindow)current),
                _ => throw new InvalidOperationException("Unknown column profile."),
            };
        }

        private double JsBase => _evidently ? Math.E : 2;

        private ColumnDrift Numeric(ColumnDrift result, NumericColumnProfile profile, NumericWindow win)
        {
            NumericGrid grid = profile.Grid!;
            List<(double Key, double Ref, double Cur)>? keys = profile.IsDiscrete ? DiscreteKeys(profile, win) : null;
            DriftMethod method = _override?.Method is { } id ? DriftMethods.Find(id)! : DefaultNumeric(profile, keys);
            string? note = null;
            double statistic;
            double? p = null;
            double? bound = null;
            if (method.NeedsValues && !_exact)
            {
                throw new NotSupportedException(
                    $"Method '{method.Id}' needs the raw values of both sides; fit the reference in exact mode (--mode exact).");
            }
            if (method == DriftMethods.Ks)
            {
                if (_exact)
                {
                    KsResult ks = KolmogorovSmirnov.TwoSampleSorted(profile.SortedValues!, CurrentSorted(win));
                    (statistic, p) = (ks.Statistic, ks.PValue);
                }
                else
                {
                    (double d, double b) = GridStatistics.Ks(grid, profile.GridCounts!, profile.Count, win.FineCounts, win.Count);
                    (double pv, _, _) = KolmogorovSmirnov.PValue(
                        ClampInt(profile.Count), ClampInt(win.Count), d, Alternative.TwoSided, KsMethod.Auto);
                    (statistic, p, bound) = (d, pv, b);
                    note = "KS statistic on the reference grid (a lower bound of the exact D; see error_bound).";
                }
            }
            else if (method == DriftMethods.Wasserstein)
            {
                double std = Math.Max(profile.Std, Distances.MinimumReferenceStd);
                if (_exact)
                {
                    statistic = Distances.WassersteinSorted(profile.SortedValues!, CurrentSorted(win)) / std;
                }
                else
                {
                    (double w, double b) = GridStatistics.Wasserstein(grid, profile.GridCounts!, profile.GridOffsets!,
                        profile.Count, win.FineCounts, win.FineOffsets, win.Count, win.BelowRangeDistance, win.AboveRangeDistance);
                    (statistic, bound) = (w / std, b / std);
                    note = "Wasserstein distance on the reference grid (see error_bound).";
                }
            }
            else if (method == DriftMethods.ChiSquare || method == DriftMethods.Z)
            {
                keys ??= BinKeys(profile, CurrentCoarse(win));
                (statistic, p, note) = CountTest(method, keys.ConvertAll(k => (Label(k.Key), k.Ref, k.Cur)), note);
            }
            else if (Scores.IsBinned(method))
            {
                (double[] r, double[] c, string? how) = NumericBins(profile, win, keys);
                statistic = Scores.Binned(method, r, c, JsBase);
                note = how;
            }
            else if (method == DriftMethods.Anderson)
            {
                AndersonDarlingResult ad = RankTests.AndersonDarling([profile.SortedValues!, CurrentSorted(win)]);
                (statistic, p) = (ad.Statistic, ad.PValue);
            }
            else if (method == DriftMethods.CramerVonMises)
            {
                RankTestResult cvm = RankTests.CramerVonMises(profile.SortedValues!, CurrentSorted(win));
                (statistic, p) = (cvm.Statistic, cvm.PValue);
            }
            else if (method == DriftMethods.MannWhitney)
            {
                // Evidently calls mannwhitneyu(ref, cur, alternative="less"); the mlobs preset tests both sides.
                RankTestResult mw = RankTests.MannWhitneyU(profile.SortedValues!, CurrentSorted(win),
                    _evidently ? Alternative.Less : Alternative.TwoSided);
                (statistic, p) = (mw.Statistic, mw.PValue);
            }
            else if (method == DriftMethods.Energy)
            {
                statistic = Distances.EnergySorted(profile.SortedValues!, CurrentSorted(win));
            }
            else if (method == DriftMethods.TTest)
            {
                TTestResult t = TTest.Independent(profile.SortedValues!, CurrentSorted(win));
                (statistic, p) = (t.Statistic, t.PValue);
            }
            else
            {
                throw new NotSupportedException($"Method '{method.Id}' does not apply to numeric columns.");
            }
            return Decide(result, method, statistic, p, note) with
            {
                ErrorBound = bound,
                Histogram = options.IncludeHistograms ? NumericHistogram(grid, profile, CurrentCoarse(win)) : null,
            };
        }

        private DriftMethod Default(ColumnProfile column) => column switch
        {
            NumericColumnProfile n => DefaultNumeric(n, n.IsDiscrete ? [(n.Min, n.Count, current.Count)] : null),
            _ => !_evidently ? DriftMethods.JensenShannon
                : column.Rows <= 1000 ? DriftMethods.Z
                : DriftMethods.JensenShannon,
        };

        private DriftMethod DefaultNumeric(NumericColumnProfile profile, List<(double Key, double Ref, double Cur)>? keys)
        {
            if (!_evidently)
                return profile.IsDiscrete ? DriftMethods.JensenShannon : DriftMethods.Wasserstein;
            // Evidently §1.2: n_values = distinct values of reference ∪ current; only the reference row count picks the regime.
            int nValues = keys is null ? int.MaxValue : keys.Count;
            if (profile.Rows <= 1000)
                return nValues <= 5 ? (nValues > 2 ? DriftMethods.ChiSquare : DriftMethods.Z) : DriftMethods.Ks;
            return nValues <= 5 ? DriftMethods.JensenShannon : DriftMethods.Wasserstein;
        }

        private ColumnDrift Categorical(ColumnDrift result, CategoricalColumnProfile profile, CategoricalWindow win)
        {
            var keys = new List<(string Label, double Ref, double Cur)>(profile.Categories.Length + win.Unseen.Count + 2);
            for (int i = 0; i < profile.Categories.Length; i++)
                keys.Add((profile.Categories[i], profile.Counts[i], win.KnownCounts[i]));
            long unseenTotal = win.UnseenTotal;
            if (profile.OtherCount > 0)
            {
                // The reference pooled its rarest categories: window categories outside its list may be among them.
                keys.Add(("(other)", profile.OtherCount, unseenTotal));
            }
            else
            {
                foreach ((string label, long n) in win.Unseen)
                    keys.Add((label, 0, n));
                if (win.UnseenOverflow > 0)
                    keys.Add(("(unseen, pooled)", 0, win.UnseenOverflow));
            }
            int nValues = keys.Count(k => k.Ref > 0 || k.Cur > 0);
            DriftMethod method = _override?.Method is { } id
                ? DriftMethods.Find(id)!
                : !_evidently ? DriftMethods.JensenShannon
                : profile.Rows <= 1000 ? (nValues > 2 ? DriftMethods.ChiSquare : DriftMethods.Z)
                : DriftMethods.JensenShannon;
            double statistic;
            double? p = null;
            string? note = null;
            if (method == DriftMethods.ChiSquare || method == DriftMethods.Z)
            {
                (statistic, p, note) = CountTest(method, keys, note);
            }
            else if (Scores.IsBinned(method))
            {
                double[] r = [.. keys.Select(k => k.Ref)];
                double[] c = [.. keys.Select(k => k.Cur)];
                statistic = Scores.Binned(method, r, c, JsBase);
            }
            else
            {
                throw new NotSupportedException($"Method '{method.Id}' does not apply to categorical columns.");
            }
            UnseenCategories? unseen = null;
            if (unseenTotal > 0 || profile.OtherCount == 0)
            {
                unseen = new UnseenCategories(
                    win.Count == 0 ? 0 : (double)unseenTotal / win.Count,
                    win.Unseen.Count,
                    [.. win.Unseen.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(10)
                        .Select(kv => new CategoryCount(kv.Key, kv.Value))]);
            }
            return Decide(result, method, statistic, p, note) with
            {
                Unseen = unseen,
                Histogram = options.IncludeHistograms ? CategoryHistogram(keys) : null,
            };
        }

        private (double Statistic, double? P, string? Note) CountTest(
            DriftMethod method, List<(string Label, double Ref, double Cur)> keys, string? note)
        {
            keys = keys.FindAll(k => k.Ref > 0 || k.Cur > 0);
            double nRef = keys.Sum(k => k.Ref), nCur = keys.Sum(k => k.Cur);
            if (method == DriftMethods.Z)
            {
                // Evidently: encode x == sorted(keys)[0] as 0, anything else as 1; two-sided pooled z-test.
                (string Label, double Ref, double Cur) first = keys.MinBy(k => k.Label, StringComparer.Ordinal);
                ZTestResult z = ProportionTest.TwoProportion(
                    (long)(nRef - first.Ref), (long)nRef, (long)(nCur - first.Cur), (long)nCur);
                return (z.Statistic, z.PValue, note);
            }
            bool unseen = keys.Exists(k => k.Ref == 0 && k.Cur > 0);
            if (_evidently && !unseen)
            {
                // Evidently's chisquare: goodness of fit of the window to the reference proportions.
                double[] observed = [.. keys.Select(k => k.Cur)];
                double[] expected = [.. keys.Select(k => k.Ref * nCur / nRef)];
                ChiSquareResult gof = ChiSquare.GoodnessOfFit(observed, expected);
                return (gof.Statistic, gof.PValue, note);
            }
            var table = new double[2, keys.Count];
            for (int i = 0; i < keys.Count; i++)
            {
                table[0, i] = keys[i].Ref;
                table[1, i] = keys[i].Cur;
            }
            ChiSquareResult chi = ChiSquare.Contingency(table);
            string how = _evidently
                ? "The window has categories the reference never saw: a chi-square contingency test is used instead of Evidently's goodness of fit, which would report an infinite statistic and p = 0."
                : "Chi-square contingency test (reference against window), Yates' correction when dof = 1.";
            return (chi.Statistic, chi.PValue, how);
        }

        private ColumnDrift Decide(ColumnDrift result, DriftMethod method, double statistic, double? p, string? note)
        {
            (double threshold, string source) = ThresholdFor(method);
            double score = method.IsTest ? p!.Value : statistic;
            if (double.IsNaN(score))
                throw new ArithmeticException($"Method '{method.Id}' gave NaN for this column.");
            return result with
            {
                Method = method.Id,
                Statistic = statistic,
                PValue = p,
                Threshold = threshold,
                Drift = method.Drifts(score, threshold),
                DriftRule = method.RuleText,
                ThresholdSource = source,
                Message = note,
            };
        }

        private (double Threshold, string Source) ThresholdFor(DriftMethod method)
        {
            if (_override?.Threshold is { } t)
                return (t, "override");
            double fixedThreshold = method.DefaultThreshold;
            if (!_evidently && reference.Calibration.TryGetValue(method.Id, out Calibration? calibration))
            {
                double calibrated = Calibrator.Threshold(method, calibration, options.CalibrationSigma, current.Count, reference.Count);
                if (calibrated > fixedThreshold)
                    return (calibrated, "calibrated");
            }
            return (fixedThreshold, "fixed");
        }

        private double[] CurrentSorted(NumericWindow win)
        {
            if (_currentSorted is null)
            {
                _currentSorted = [.. win.Values!];
                Array.Sort(_currentSorted);
            }
            return _currentSorted;
        }

        /// <summary>The window's counts on the coarse bins (kept by the window as values arrive), as the binned methods take them.</summary>
        private double[] CurrentCoarse(NumericWindow win) => _currentCoarse ??= Array.ConvertAll(win.CoarseCounts, n => (double)n);

        private List<(double Key, double Ref, double Cur)> DiscreteKeys(NumericColumnProfile profile, NumericWindow win)
        {
            // One key per distinct value of reference ∪ window.
            var map = new SortedDictionary<double, (double Ref, double Cur)>();
            double[] edges = profile.Grid!.Edges;
            for (int i = 0; i < edges.Length - 1; i++)
                map[edges[i]] = (profile.GridCounts![i + 1], 0);
            if (_exact)
            {
                foreach (double x in win.Values!)
                    map[x] = map.TryGetValue(x, out var v) ? (v.Ref, v.Cur + 1) : (0, 1);
            }
            else
            {
                foreach ((double x, long n) in win.Distinct!)
                    map[x] = map.TryGetValue(x, out var v) ? (v.Ref, v.Cur + n) : (0, n);
            }
            var keys = map.Select(kv => (kv.Key, kv.Value.Ref, kv.Value.Cur)).ToList();
            if (win.DistinctOverflow > 0)
                keys.Add((double.NaN, 0, win.DistinctOverflow));
            return keys;
        }

        private static List<(double Key, double Ref, double Cur)> BinKeys(NumericColumnProfile profile, double[] c)
        {
            double[] r = profile.CoarseCounts!;
            var keys = new List<(double, double, double)>(r.Length);
            for (int i = 0; i < r.Length; i++)
                keys.Add((i, r[i], c[i]));
            return keys;
        }

        private (double[] Ref, double[] Cur, string? Note) NumericBins(
            NumericColumnProfile profile, NumericWindow win, List<(double Key, double Ref, double Cur)>? keys)
        {
            if (keys is not null)
                return ([.. keys.Select(k => k.Ref)], [.. keys.Select(k => k.Cur)], null);
            if (_evidently && _exact)
            {
                // Evidently's get_binned_data: Sturges edges over reference ∪ window, recomputed for every comparison.
                double[] cur = CurrentSorted(win);
                double[] all = new double[profile.SortedValues!.Length + cur.Length];
                profile.SortedValues.CopyTo(all, 0);
                cur.CopyTo(all, profile.SortedValues.Length);
                double[] edges = Histogram.SturgesEdges(all);
                return (Histogram.Counts(profile.SortedValues, edges), Histogram.Counts(cur, edges),
                    $"Sturges bins over reference and window ({edges.Length - 1} bins), as Evidently.");
            }
            return (profile.CoarseCounts!, CurrentCoarse(win), null);
        }

        private static HistogramPair NumericHistogram(NumericGrid grid, NumericColumnProfile profile, double[] c)
        {
            double[] r = profile.CoarseCounts!;
            Tuple<string[], double[]> axis = HistogramAxis(grid);
            return new HistogramPair(axis.Item1, axis.Item2, Shares(r), Shares(c));
        }

        private HistogramPair CategoryHistogram(List<(string Label, double Ref, double Cur)> keys)
        {
            int limit = Math.Max(1, options.HistogramCategories);
            var ordered = keys.OrderByDescending(k => k.Ref).ThenByDescending(k => k.Cur)
                .ThenBy(k => k.Label, StringComparer.Ordinal).ToList();
            var shown = ordered.Take(limit).ToList();
            if (ordered.Count > limit)
            {
                shown.Add(("(other)", ordered.Skip(limit).Sum(k => k.Ref), ordered.Skip(limit).Sum(k => k.Cur)));
            }
            return new HistogramPair([.. shown.Select(k => k.Label)], null,
                Shares([.. shown.Select(k => k.Ref)]), Shares([.. shown.Select(k => k.Cur)]));
        }

        private static double[] Shares(double[] counts)
        {
            double total = counts.Sum();
            var shares = new double[counts.Length];
            if (total > 0)
            {
                for (int i = 0; i < counts.Length; i++)
                    shares[i] = counts[i] / total;
            }
            return shares;
        }

        private static string Label(double key) => double.IsNaN(key) ? "(other values)" : Format(key);

        internal static string Format(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

        private static int ClampInt(long n) => (int)Math.Min(n, int.MaxValue);
    }
}
