using MlObs.Drift.Data;

namespace MlObs.Drift.Profiles;

/// <summary>
/// What the engine keeps of a reference dataset, fitted once and reused for every window: per column the counts, moments, bins
/// (and in exact mode the sorted values), and the calibration of thresholds. Saved and loaded with
/// <see cref="ReferenceProfileJson"/> (versioned).
/// </summary>
public sealed class ReferenceProfile
{
    private readonly Dictionary<string, ColumnProfile> _byName;

    /// <summary>The version of the saved format; a profile saved with another version is refused on load.</summary>
    public const int FormatVersion = 1;

    /// <summary>Creates a profile from fitted columns (normally done by <see cref="ReferenceProfileBuilder"/>).</summary>
    public ReferenceProfile(ProfileOptions options, long rows, IReadOnlyList<ColumnProfile> columns)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(columns);
        Options = options;
        Rows = rows;
        Columns = columns;
        _byName = new Dictionary<string, ColumnProfile>(StringComparer.Ordinal);
        foreach (ColumnProfile column in columns)
        {
            if (!_byName.TryAdd(column.Name, column))
                throw new ArgumentException($"Column '{column.Name}' appears twice.", nameof(columns));
        }
    }

    /// <summary>The options the profile was fitted with.</summary>
    public ProfileOptions Options { get; }

    /// <summary>Exact or streaming.</summary>
    public ProfileMode Mode => Options.Mode;

    /// <summary>Rows in the reference.</summary>
    public long Rows { get; }

    /// <summary>The columns, in reference order.</summary>
    public IReadOnlyList<ColumnProfile> Columns { get; }

    /// <summary>The schema of the reference (names and kinds).</summary>
    public TableSchema Schema => new([.. Columns.Select(c => new ColumnSpec(c.Name, c.Kind))]);

    /// <summary>The column with that name, or null.</summary>
    public ColumnProfile? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// The first 16 bytes, in hex, of the SHA-256 of the profile's JSON (<see cref="ReferenceProfileJson"/>): the same for
    /// the same reference and options, different for any other. Windows saved with <c>WindowStateJson</c> record it.
    /// </summary>
    public string Fingerprint => _fingerprint ??= ComputeFingerprint();

    private string? _fingerprint;

    private string ComputeFingerprint()
    {
        using var hash = new HashingStream();
        ReferenceProfileJson.Write(this, hash);
        return Convert.ToHexStringLower(hash.Hash.GetHashAndReset().AsSpan(0, 16));
    }

    /// <summary>A write-only stream that feeds SHA-256.</summary>
    private sealed class HashingStream : Stream
    {
        public System.Security.Cryptography.IncrementalHash Hash { get; } =
            System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => Hash.AppendData(buffer);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                Hash.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>The reference statistics of one column.</summary>
public abstract class ColumnProfile
{
    private protected ColumnProfile(string name, ColumnKind kind, long rows, long count, IReadOnlyDictionary<string, Calibration> calibration)
    {
        Name = name;
        Kind = kind;
        Rows = rows;
        Count = count;
        Calibration = calibration;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The column kind.</summary>
    public ColumnKind Kind { get; }

    /// <summary>Rows of the reference.</summary>
    public long Rows { get; }

    /// <summary>Non-missing values.</summary>
    public long Count { get; }

    /// <summary>Missing values (including ±∞ and values that could not be read).</summary>
    public long Missing => Rows - Count;

    /// <summary>Share of missing values (0 when there are no rows).</summary>
    public double MissingShare => Rows == 0 ? 0 : (double)Missing / Rows;

    /// <summary>Null distribution of each distance method on random splits of the reference, by method id.</summary>
    public IReadOnlyDictionary<string, Calibration> Calibration { get; }
}

/// <summary>
/// How a distance behaves between two samples of the reference itself: its mean and standard deviation over random splits,
/// divided by the sampling scale (√(1/a + 1/b) for distances, 1/a + 1/b for PSI and KL) so that it can be rescaled to any
/// window size.
/// </summary>
/// <param name="Mean">Mean of the scaled scores.</param>
/// <param name="Std">Population standard deviation of the scaled scores.</param>
/// <param name="Splits">Number of splits.</param>
/// <param name="SampleSize">Size of each half of a split.</param>
public sealed record Calibration(double Mean, double Std, int Splits, int SampleSize);

/// <summary>A numerical or datetime column (datetimes as epoch seconds).</summary>
public sealed class NumericColumnProfile : ColumnProfile
{
    /// <summary>Creates the profile of a numeric column.</summary>
    public NumericColumnProfile(
        string name, ColumnKind kind, long rows, long count, double min, double max, double mean, double std,
        NumericGrid? grid, long[]? gridCounts, double[]? gridOffsets, bool discrete, double[]? sortedValues,
        IReadOnlyDictionary<string, Calibration> calibration)
        : base(name, kind, rows, count, calibration)
    {
        if (grid is not null && (gridCounts is null || gridCounts.Length != grid.FineBinCount))
            throw new ArgumentException("Grid counts must match the grid.", nameof(gridCounts));
        if (grid is not null && (gridOffsets is null || gridOffsets.Length != grid.FineBinCount))
            throw new ArgumentException("Grid offsets must match the grid.", nameof(gridOffsets));
        if (sortedValues is not null && sortedValues.LongLength != count)
            throw new ArgumentException("Sorted values must hold every non-missing value.", nameof(sortedValues));
        Min = min;
        Max = max;
        Mean = mean;
        Std = std;
        Grid = grid;
        GridCounts = gridCounts;
        GridOffsets = gridOffsets;
        IsDiscrete = discrete;
        SortedValues = sortedValues;
    }

    /// <summary>Smallest value (NaN when there is none).</summary>
    public double Min { get; }

    /// <summary>Largest value (NaN when there is none).</summary>
    public double Max { get; }

    /// <summary>Mean (NaN when there is no value).</summary>
    public double Mean { get; }

    /// <summary>Population standard deviation, ddof = 0 (NaN when there is no value).</summary>
    public double Std { get; }

    /// <summary>The fixed bins (null when the column has no value).</summary>
    public NumericGrid? Grid { get; }

    /// <summary>Reference counts per fine bin of <see cref="Grid"/>.</summary>
    public long[]? GridCounts { get; }

    /// <summary>
    /// Per fine bin of <see cref="Grid"/>, Σ (x − the bin's left edge) over the reference values in it (0 for the outer bins):
    /// with the counts, it makes the integral of the empirical CDF over each bin exact.
    /// </summary>
    public double[]? GridOffsets { get; }

    /// <summary>At most <see cref="ProfileOptions.DiscreteLimit"/> distinct values: the grid has one bin per value.</summary>
    public bool IsDiscrete { get; }

    /// <summary>All non-missing values, sorted (exact mode only).</summary>
    public double[]? SortedValues { get; }

    /// <summary>The column holds one distinct value.</summary>
    public bool IsConstant => Count > 0 && Min == Max;

    /// <summary>Reference counts per coarse bin of <see cref="Grid"/> (computed once).</summary>
    public double[]? CoarseCounts => _coarse ??= Grid?.ToCoarse(GridCounts);

    private double[]? _coarse;
}

/// <summary>A categorical or boolean column.</summary>
public sealed class CategoricalColumnProfile : ColumnProfile
{
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates the profile of a categorical column.</summary>
    public CategoricalColumnProfile(
        string name, ColumnKind kind, long rows, long count, string[] categories, long[] counts, long otherCount,
        IReadOnlyDictionary<string, Calibration> calibration)
        : base(name, kind, rows, count, calibration)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(counts);
        if (categories.Length != counts.Length)
            throw new ArgumentException("Each category needs a count.", nameof(counts));
        Categories = categories;
        Counts = counts;
        OtherCount = otherCount;
        _index = new Dictionary<string, int>(categories.Length, StringComparer.Ordinal);
        for (int i = 0; i < categories.Length; i++)
        {
            if (!_index.TryAdd(categories[i], i))
                throw new ArgumentException($"Category '{categories[i]}' appears twice.", nameof(categories));
        }
    }

    /// <summary>The categories counted one by one (the first <see cref="ProfileOptions.CategoryLimit"/> distinct seen).</summary>
    public string[] Categories { get; }

    /// <summary>Count of each of <see cref="Categories"/>.</summary>
    public long[] Counts { get; }

    /// <summary>Values of categories beyond the limit, pooled.</summary>
    public long OtherCount { get; }

    /// <summary>The index of a category in <see cref="Categories"/>, or -1.</summary>
    public int IndexOf(string category) => _index.TryGetValue(category, out int i) ? i : -1;

    /// <summary>The column holds one distinct value.</summary>
    public bool IsConstant => Count > 0 && Categories.Length == 1 && OtherCount == 0;
}

/// <summary>Fits profiles from in-memory or re-readable data.</summary>
public static class ReferenceProfiles
{
    /// <summary>
    /// Fits a profile from batches that can be read more than once (streaming mode reads them twice): <paramref name="read"/>
    /// is called once per pass.
    /// </summary>
    public static ReferenceProfile Fit(TableSchema schema, Func<IEnumerable<RowBatch>> read, ProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        var builder = new ReferenceProfileBuilder(schema, options);
        foreach (RowBatch batch in read())
            builder.Add(batch);
        if (builder.NeedsSecondPass)
        {
            builder.BeginSecondPass();
            foreach (RowBatch batch in read())
                builder.Add(batch);
        }
        return builder.Build();
    }

    /// <summary>Fits a profile from one in-memory batch.</summary>
    public static ReferenceProfile Fit(TableSchema schema, RowBatch batch, ProfileOptions? options = null) =>
        Fit(schema, () => [batch], options);
}
