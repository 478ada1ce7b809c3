namespace MlObs.Drift.Data;

/// <summary>
/// A block of rows, column by column, with values already typed: what readers produce and what profiles and windows ingest.
/// </summary>
public sealed class RowBatch
{
    /// <summary>Creates a batch; every column must hold <paramref name="rowCount"/> values.</summary>
    public RowBatch(int rowCount, IReadOnlyList<ColumnValues> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        foreach (ColumnValues column in columns)
        {
            if (column.Length != rowCount)
            {
                throw new ArgumentException(
                    $"Column '{column.Name}' has {column.Length} values in a batch of {rowCount} rows.", nameof(columns));
            }
        }
        RowCount = rowCount;
        Columns = columns;
    }

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The columns present in this batch (a subset of the schema, in any order).</summary>
    public IReadOnlyList<ColumnValues> Columns { get; }
}

/// <summary>The values of one column in a <see cref="RowBatch"/>.</summary>
public abstract class ColumnValues
{
    private protected ColumnValues(string name, int invalidCount)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegative(invalidCount);
        Name = name;
        InvalidCount = invalidCount;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The number of values.</summary>
    public abstract int Length { get; }

    /// <summary>
    /// How many of the missing values were present in the input but could not be read as the column's kind (for example
    /// "abc" in a numerical column). They are missing for the statistics and reported on their own.
    /// </summary>
    public int InvalidCount { get; }
}

/// <summary>
/// Numbers: <see cref="ColumnKind.Numerical"/> and <see cref="ColumnKind.Datetime"/> (epoch seconds). NaN and ±∞ mark a
/// missing value.
/// </summary>
public sealed class NumericValues : ColumnValues
{
    /// <summary>Creates the values of a numeric column.</summary>
    public NumericValues(string name, ReadOnlyMemory<double> values, int invalidCount = 0)
        : base(name, invalidCount) => Values = values;

    /// <summary>The values; NaN and ±∞ are missing.</summary>
    public ReadOnlyMemory<double> Values { get; }

    /// <inheritdoc />
    public override int Length => Values.Length;
}

/// <summary>
/// Labels: <see cref="ColumnKind.Categorical"/> and <see cref="ColumnKind.Boolean"/> (the strings "false" and "true").
/// null marks a missing value.
/// </summary>
public sealed class CategoryValues : ColumnValues
{
    /// <summary>Creates the values of a categorical column.</summary>
    public CategoryValues(string name, ReadOnlyMemory<string?> values, int invalidCount = 0)
        : base(name, invalidCount) => Values = values;

    /// <summary>The labels; null is missing.</summary>
    public ReadOnlyMemory<string?> Values { get; }

    /// <inheritdoc />
    public override int Length => Values.Length;
}
