using MlObs.Drift.Data;
using MlObs.Drift.Profiles;

namespace MlObs.Drift.Windows;

/// <summary>
/// Window state of a numerical or datetime column: counts on the reference's fine bins, the distance of values beyond the
/// reference range (which makes the Wasserstein tails exact), moments centred on the reference mean, the distinct values of a
/// discrete column (bounded), and the values themselves when the window keeps them.
/// </summary>
public sealed class NumericWindow : ColumnWindow
{
    /// <summary>Most distinct values tracked for a discrete column; more are pooled.</summary>
    public const int DiscreteTrackLimit = 64;

    private readonly NumericGrid? _grid;
    private readonly double _center;
    private readonly List<double>? _values;
    private readonly Dictionary<double, long>? _distinct;

    internal NumericWindow(NumericColumnProfile profile, bool keepValues) : base(profile.Name)
    {
        Profile = profile;
        _grid = profile.Grid;
        _center = double.IsFinite(profile.Mean) ? profile.Mean : 0;
        FineCounts = _grid is null ? [] : new long[_grid.FineBinCount];
        FineOffsets = _grid is null ? [] : new double[_grid.FineBinCount];
        CoarseCounts = _grid is null ? [] : new long[_grid.CoarseBinCount];
        if (keepValues)
            _values = [];
        if (profile.IsDiscrete)
            _distinct = [];
        Min = double.PositiveInfinity;
        Max = double.NegativeInfinity;
    }

    /// <summary>The reference column.</summary>
    public NumericColumnProfile Profile { get; }

    /// <summary>Counts per fine bin of the reference grid (empty when the reference column has no value).</summary>
    public long[] FineCounts { get; }

    /// <summary>Per fine bin, Σ (x − the bin's left edge) over the window's values in it (0 for the outer bins).</summary>
    public double[] FineOffsets { get; }

    /// <summary>
    /// Counts per coarse bin, kept with the fine counts as values arrive: the binned methods read these 12 or so numbers
    /// instead of summing the ~2,050 fine counts on every evaluation.
    /// </summary>
    internal long[] CoarseCounts { get; }

    /// <summary>Smallest value (+∞ when there is none).</summary>
    public double Min { get; internal set; }

    /// <summary>Largest value (−∞ when there is none).</summary>
    public double Max { get; internal set; }

    /// <summary>Σ (x − c) with c the reference mean.</summary>
    public double CenteredSum { get; internal set; }

    /// <summary>Σ (x − c)² with c the reference mean.</summary>
    public double CenteredSumOfSquares { get; internal set; }

    /// <summary>Σ (reference min − x) over values below the reference minimum.</summary>
    public double BelowRangeDistance { get; internal set; }

    /// <summary>Σ (x − reference max) over values above the reference maximum.</summary>
    public double AboveRangeDistance { get; internal set; }

    /// <summary>Distinct values and counts of a discrete column (null otherwise).</summary>
    public IReadOnlyDictionary<double, long>? Distinct => _distinct;

    /// <summary>Values of a discrete column beyond <see cref="DiscreteTrackLimit"/> distinct ones.</summary>
    public long DistinctOverflow { get; internal set; }

    /// <summary>The values (unsorted), when the window keeps them.</summary>
    public IReadOnlyList<double>? Values => _values;

    /// <summary>Mean of the values (NaN when there is none).</summary>
    public double Mean => Count == 0 ? double.NaN : _center + CenteredSum / Count;

    /// <summary>Population variance of the values (NaN when there is none).</summary>
    public double Variance
    {
        get
        {
            if (Count == 0)
                return double.NaN;
            double m = CenteredSum / Count;
            return Math.Max(CenteredSumOfSquares / Count - m * m, 0);
        }
    }

    /// <inheritdoc />
    public override void Add(ColumnValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values is not NumericValues numeric)
            throw new ArgumentException($"Column '{Name}' is {Profile.Kind.Name()}: expected numbers, got labels.", nameof(values));
        Rows += numeric.Length;
        Invalid += numeric.InvalidCount;
        Ingest(numeric.Values.Span);
    }

    private void Ingest(ReadOnlySpan<double> span)
    {
        long count = 0;
        double sum = 0, sumSq = 0, min = Min, max = Max, below = 0, above = 0;
        double center = _center;
        long[] counts = FineCounts;
        long[] coarse = CoarseCounts;
        double[] offsets = FineOffsets;
        NumericGrid? grid = _grid;
        int top = counts.Length - 1;
        double refMin = Profile.Min, refMax = Profile.Max;
        // The coarse counts follow each value for short spans (a request's few rows); a long span adds them up once at the end
        // from the fine counts, which costs a few thousand additions instead of a table look-up per value.
        bool recount = span.Length >= 4 * counts.Length;
        for (int i = 0; i < span.Length; i++)
        {
            double x = span[i];
            if (!double.IsFinite(x))
                continue;
            count++;
            double d = x - center;
            sum += d;
            sumSq += d * d;
            if (x < min)
                min = x;
            if (x > max)
                max = x;
            if (grid is not null)
            {
                int k = grid.FineBin(x);
                counts[k]++;
                if (!recount)
                    coarse[grid.CoarseBinOfFine(k)]++;
                if (k == 0)
                    below += refMin - x;
                else if (k == top)
                    above += x - refMax;
                else
                    offsets[k] += x - grid.Edges[k - 1];
            }
        }
        if (recount)
            grid?.SumToCoarse(counts, coarse);
        Count += count;
        CenteredSum += sum;
        CenteredSumOfSquares += sumSq;
        Min = min;
        Max = max;
        BelowRangeDistance += below;
        AboveRangeDistance += above;
        if (_values is not null || _distinct is not null)
        {
            foreach (double x in span)
            {
                if (!double.IsFinite(x))
                    continue;
                _values?.Add(x);
                if (_distinct is not null)
                    AddDistinct(x, 1);
            }
        }
    }

    private void AddDistinct(double x, long n)
    {
        if (_distinct!.TryGetValue(x, out long c))
            _distinct[x] = c + n;
        else if (_distinct.Count < DiscreteTrackLimit)
            _distinct[x] = n;
        else
            DistinctOverflow += n;
    }

    internal override void Merge(ColumnWindow other)
    {
        var o = (NumericWindow)other;
        Rows += o.Rows;
        Count += o.Count;
        Invalid += o.Invalid;
        CenteredSum += o.CenteredSum;
        CenteredSumOfSquares += o.CenteredSumOfSquares;
        Min = Math.Min(Min, o.Min);
        Max = Math.Max(Max, o.Max);
        BelowRangeDistance += o.BelowRangeDistance;
        AboveRangeDistance += o.AboveRangeDistance;
        for (int k = 0; k < FineCounts.Length; k++)
        {
            FineCounts[k] += o.FineCounts[k];
            FineOffsets[k] += o.FineOffsets[k];
        }
        for (int c = 0; c < CoarseCounts.Length; c++)
            CoarseCounts[c] += o.CoarseCounts[c];
        if (_values is not null && o._values is not null)
            _values.AddRange(o._values);
        if (_distinct is not null && o._distinct is not null)
        {
            foreach ((double x, long n) in o._distinct)
                AddDistinct(x, n);
            DistinctOverflow += o.DistinctOverflow;
        }
    }

    /// <summary>Sums the coarse counts from fine counts restored as they were saved.</summary>
    internal void RestoreCoarseCounts()
    {
        _grid?.SumToCoarse(FineCounts, CoarseCounts);
    }

    internal void RestoreExtras(IEnumerable<double>? values, IEnumerable<KeyValuePair<double, long>>? distinct)
    {
        if (values is not null)
            _values?.AddRange(values);
        if (distinct is not null && _distinct is not null)
        {
            foreach ((double x, long n) in distinct)
                _distinct[x] = n;
        }
    }

    internal override long EstimatedBytes() =>
        64 + (FineCounts.LongLength + CoarseCounts.LongLength) * sizeof(long) + FineOffsets.LongLength * sizeof(double) + (_values?.Capacity ?? 0) * (long)sizeof(double) + (_distinct?.Count ?? 0) * 24L;
}
