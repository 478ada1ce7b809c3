using MlObs.Drift.Data;

namespace MlObs.DriftMonitor.Windows;

/// <summary>
/// Cuts a <see cref="RowBatch"/> into consecutive runs of rows without copying values: each piece slices every column's
/// memory. A column's <see cref="ColumnValues.InvalidCount"/> does not say which of its missing values were unreadable, so
/// the invalid values are attributed to the earliest missing values (a piece never gets more invalid values than it has
/// missing ones, except the last, which takes whatever is left): the total over the pieces equals the batch's.
/// </summary>
internal sealed class RowBatchSplitter
{
    private readonly RowBatch _batch;
    private readonly int[] _invalidLeft;
    private int _offset;

    public RowBatchSplitter(RowBatch batch)
    {
        _batch = batch;
        _invalidLeft = [.. batch.Columns.Select(c => c.InvalidCount)];
    }

    /// <summary>Rows not yet taken.</summary>
    public int Remaining => _batch.RowCount - _offset;

    /// <summary>The next <paramref name="rows"/> rows (1 to <see cref="Remaining"/>).</summary>
    public RowBatch Take(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, Remaining);
        if (_offset == 0 && rows == _batch.RowCount)
        {
            _offset = rows;
            return _batch;
        }
        bool last = _offset + rows == _batch.RowCount;
        var columns = new ColumnValues[_batch.Columns.Count];
        for (int i = 0; i < columns.Length; i++)
        {
            columns[i] = _batch.Columns[i] switch
            {
                NumericValues n => Slice(n, i, rows, last),
                CategoryValues c => Slice(c, i, rows, last),
                var other => throw new InvalidOperationException($"Column '{other.Name}' has values of an unknown type."),
            };
        }
        _offset += rows;
        return new RowBatch(rows, columns);
    }

    private NumericValues Slice(NumericValues column, int index, int rows, bool last)
    {
        ReadOnlyMemory<double> values = column.Values.Slice(_offset, rows);
        int invalid = 0;
        if (_invalidLeft[index] > 0)
        {
            int missing = 0;
            if (!last)
            {
                foreach (double x in values.Span)
                {
                    if (!double.IsFinite(x))
                        missing++;
                }
            }
            invalid = TakeInvalid(index, missing, last);
        }
        return new NumericValues(column.Name, values, invalid);
    }

    private CategoryValues Slice(CategoryValues column, int index, int rows, bool last)
    {
        ReadOnlyMemory<string?> values = column.Values.Slice(_offset, rows);
        int invalid = 0;
        if (_invalidLeft[index] > 0)
        {
            int missing = 0;
            if (!last)
            {
                foreach (string? x in values.Span)
                {
                    if (x is null)
                        missing++;
                }
            }
            invalid = TakeInvalid(index, missing, last);
        }
        return new CategoryValues(column.Name, values, invalid);
    }

    private int TakeInvalid(int index, int missing, bool last)
    {
        int taken = last ? _invalidLeft[index] : Math.Min(_invalidLeft[index], missing);
        _invalidLeft[index] -= taken;
        return taken;
    }
}
