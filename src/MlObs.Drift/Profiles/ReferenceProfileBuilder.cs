using MlObs.Drift.Data;
using MlObs.Drift.Evaluation;

namespace MlObs.Drift.Profiles;

/// <summary>
/// Fits a <see cref="ReferenceProfile"/> from row batches. Exact mode needs one pass; streaming mode needs two over the same data
/// (the first samples values to place the bins, the second counts every value in them):
/// <code>
/// var builder = new ReferenceProfileBuilder(schema, options);
/// foreach (RowBatch b in Read()) builder.Add(b);
/// if (builder.NeedsSecondPass) { builder.BeginSecondPass(); foreach (RowBatch b in Read()) builder.Add(b); }
/// ReferenceProfile profile = builder.Build();
/// </code>
/// <see cref="ReferenceProfile"/>'s static <c>Fit</c> helpers do exactly that.
/// </summary>
public sealed class ReferenceProfileBuilder
{
    private readonly TableSchema _schema;
    private readonly ProfileOptions _options;
    private readonly Accumulator[] _columns;
    private long _rows;
    private long _secondPassRows;
    private bool _secondPass;
    private bool _built;

    /// <summary>Starts a profile of the columns of <paramref name="schema"/>.</summary>
    public ReferenceProfileBuilder(TableSchema schema, ProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _options = options ?? new ProfileOptions();
        _options.Validate();
        _schema = schema;
        _columns = new Accumulator[schema.Columns.Count];
        for (int i = 0; i < _columns.Length; i++)
        {
            ColumnSpec spec = schema.Columns[i];
            _columns[i] = spec.Kind.IsNumeric()
                ? new NumericAccumulator(spec, _options, i)
                : new CategoricalAccumulator(spec, _options);
        }
    }

    /// <summary>Rows added in the first pass.</summary>
    public long Rows => _rows;

    /// <summary>True when <see cref="Build"/> needs the data a second time (streaming mode with a continuous numeric column).</summary>
    public bool NeedsSecondPass => !_secondPass && _options.Mode == ProfileMode.Streaming
        && _columns.OfType<NumericAccumulator>().Any(c => c.NeedsGridPass);

    /// <summary>Adds a batch. Columns of the batch that are not in the schema are ignored; schema columns absent from it count as missing.</summary>
    public void Add(RowBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_built, this);
        if (_secondPass)
        {
            _secondPassRows += batch.RowCount;
            if (_secondPassRows > _rows)
                throw new InvalidOperationException($"The second pass has more rows ({_secondPassRows}) than the first ({_rows}).");
        }
        else
        {
            _rows += batch.RowCount;
        }
        // A column absent from the batch needs no bookkeeping: every column's missing count is the profile's rows minus its values.
        foreach (ColumnValues values in batch.Columns)
        {
            int i = _schema.IndexOf(values.Name);
            if (i < 0)
                continue;
            if (_secondPass)
                (_columns[i] as NumericAccumulator)?.AddGrid(values);
            else
                _columns[i].Add(values);
        }
    }

    /// <summary>Ends the first pass; add the same batches again, then call <see cref="Build"/>.</summary>
    public void BeginSecondPass()
    {
        if (!NeedsSecondPass)
            throw new InvalidOperationException("No second pass is needed.");
        foreach (NumericAccumulator column in _columns.OfType<NumericAccumulator>())
        {
            if (column.NeedsGridPass)
                column.PrepareGrid();
        }
        _secondPass = true;
    }

    /// <summary>Finishes the profile.</summary>
    public ReferenceProfile Build()
    {
        if (NeedsSecondPass)
            throw new InvalidOperationException("Streaming mode needs a second pass over the data first (BeginSecondPass).");
        if (_secondPass && _secondPassRows != _rows)
        {
            throw new InvalidOperationException(
                $"The second pass read {_secondPassRows} rows but the first read {_rows}: the data changed between passes.");
        }
        _built = true;
        var columns = new ColumnProfile[_columns.Length];
        for (int i = 0; i < columns.Length; i++)
            columns[i] = _columns[i].Build(_rows);
        return new ReferenceProfile(_options, _rows, columns);
    }

    private abstract class Accumulator
    {
        public abstract void Add(ColumnValues values);

        public abstract ColumnProfile Build(long rows);
    }

    private sealed class NumericAccumulator(ColumnSpec spec, ProfileOptions options, int index) : Accumulator
    {
        private readonly Random _random = new(Seeds.Stable(options.Seed, spec.Name, index));
        private readonly List<double> _values = [];
        private Dictionary<double, long>? _distinctLive = new();
        private long _count;
        private double _min = double.PositiveInfinity;
        private double _max = double.NegativeInfinity;
        private double _mean;
        private double _m2;
        private NumericGrid? _grid;
        private long[]? _gridCounts;
        private double[]? _gridOffsets;

        public bool NeedsGridPass => _distinctLive is null && _count > 0;

        public override void Add(ColumnValues values)
        {
            if (values is not NumericValues numeric)
                throw new ArgumentException($"Column '{spec.Name}' is {spec.Kind.Name()} but the batch holds labels.");
            bool exact = options.Mode == ProfileMode.Exact;
            foreach (double x in numeric.Values.Span)
            {
                if (!double.IsFinite(x))
                    continue;
                _count++;
                double delta = x - _mean;
                _mean += delta / _count;
                _m2 += delta * (x - _mean);
                if (x < _min)
                    _min = x;
                if (x > _max)
                    _max = x;
                if (_distinctLive is not null)
                {
                    _distinctLive[x] = _distinctLive.GetValueOrDefault(x) + 1;
                    if (_distinctLive.Count > options.DiscreteLimit)
                        _distinctLive = null;
                }
                if (exact)
                {
                    _values.Add(x);
                }
                else if (_values.Count < options.SampleSize)
                {
                    _values.Add(x);
                }
                else
                {
                    long j = _random.NextInt64(_count);
                    if (j < options.SampleSize)
                        _values[(int)j] = x;
                }
            }
        }

        public void PrepareGrid()
        {
            double[] sample = [.. _values];
            Array.Sort(sample);
            _grid = NumericGrid.FromSortedSample(sample, _min, _max, options.Bins, options.GridBins);
            _gridCounts = new long[_grid.FineBinCount];
            _gridOffsets = new double[_grid.FineBinCount];
        }

        public void AddGrid(ColumnValues values)
        {
            if (_grid is null || _gridCounts is null || _gridOffsets is null || values is not NumericValues numeric)
                return;
            foreach (double x in numeric.Values.Span)
            {
                if (!double.IsFinite(x))
                    continue;
                int k = _grid.FineBin(x);
                _gridCounts[k]++;
                _gridOffsets[k] += _grid.OffsetInBin(k, x);
            }
        }

        public override ColumnProfile Build(long rows)
        {
            var none = new Dictionary<string, Calibration>();
            if (_count == 0)
            {
                return new NumericColumnProfile(spec.Name, spec.Kind, rows, 0, double.NaN, double.NaN, double.NaN, double.NaN,
                    null, null, null, false, options.Mode == ProfileMode.Exact ? [] : null, none);
            }
            double std = Math.Sqrt(Math.Max(_m2 / _count, 0));
            double[] sample = [.. _values];
            Array.Sort(sample);
            NumericGrid grid;
            long[] counts;
            double[] offsets;
            bool discrete = _distinctLive is not null;
            if (discrete)
            {
                double[] distinct = [.. _distinctLive!.Keys];
                Array.Sort(distinct);
                grid = NumericGrid.FromDistinctValues(distinct);
                counts = new long[grid.FineBinCount];
                offsets = new double[grid.FineBinCount];
                foreach ((double value, long n) in _distinctLive)
                    counts[grid.FineBin(value)] += n;
            }
            else if (options.Mode == ProfileMode.Exact)
            {
                grid = NumericGrid.FromSortedSample(sample, _min, _max, options.Bins, options.GridBins);
                counts = new long[grid.FineBinCount];
                offsets = new double[grid.FineBinCount];
                foreach (double x in sample)
                {
                    int k = grid.FineBin(x);
                    counts[k]++;
                    offsets[k] += grid.OffsetInBin(k, x);
                }
            }
            else
            {
                grid = _grid ?? throw new InvalidOperationException("The grid pass was not run.");
                counts = _gridCounts!;
                offsets = _gridOffsets!;
            }
            // The calibration reads the profile it belongs to, so it is filled in after the profile is made.
            var calibration = new Dictionary<string, Calibration>(StringComparer.Ordinal);
            var profile = new NumericColumnProfile(spec.Name, spec.Kind, rows, _count, _min, _max, _mean, std, grid, counts,
                offsets, discrete, options.Mode == ProfileMode.Exact ? sample : null, calibration);
            foreach ((string method, Calibration c) in Calibrator.Calibrate(profile, sample, options))
                calibration[method] = c;
            return profile;
        }
    }

    private sealed class CategoricalAccumulator(ColumnSpec spec, ProfileOptions options) : Accumulator
    {
        private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
        private readonly List<string> _order = [];
        private long _count;
        private long _other;

        public override void Add(ColumnValues values)
        {
            if (values is not CategoryValues labels)
                throw new ArgumentException($"Column '{spec.Name}' is {spec.Kind.Name()} but the batch holds numbers.");
            foreach (string? label in labels.Values.Span)
            {
                if (label is null)
                    continue;
                _count++;
                if (_counts.TryGetValue(label, out long n))
                {
                    _counts[label] = n + 1;
                }
                else if (_counts.Count < options.CategoryLimit)
                {
                    _counts[label] = 1;
                    _order.Add(label);
                }
                else
                {
                    _other++;
                }
            }
        }

        public override ColumnProfile Build(long rows)
        {
            string[] categories = [.. _order];
            long[] counts = [.. categories.Select(c => _counts[c])];
            var calibration = new Dictionary<string, Calibration>(StringComparer.Ordinal);
            var profile = new CategoricalColumnProfile(spec.Name, spec.Kind, rows, _count, categories, counts, _other, calibration);
            foreach ((string method, Calibration c) in Calibrator.Calibrate(profile, options))
                calibration[method] = c;
            return profile;
        }
    }
}
