using System.Text;
using MlObs.Drift.Data;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// The values of one column while a batch is decoded, in a growable array: numbers for numerical and datetime columns, labels
/// for the others. Rows may be skipped (a row without the feature): they are filled with missing values.
/// </summary>
internal sealed class ColumnSlot
{
    private const int InitialCapacity = 16;

    /// <summary>The most distinct labels a column interns; later ones are new strings each time.</summary>
    private const int LabelCacheLimit = 4096;

    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _labelsBySpan;
    private double[] _numbers = [];
    private string?[] _texts = [];

    public ColumnSlot(string name, ColumnKind? kind, int rank)
    {
        Name = name;
        Utf8Name = Encoding.UTF8.GetBytes(name);
        Kind = kind;
        Rank = rank;
        IsNumeric = kind is ColumnKind.Numerical or ColumnKind.Datetime;
        _labelsBySpan = _labels.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The name as UTF-8, to match JSON property names without decoding them.</summary>
    public byte[] Utf8Name { get; }

    /// <summary>The reference kind, or null for a column the reference lacks (kept as text).</summary>
    public ColumnKind? Kind { get; }

    /// <summary>The position in the batch: reference columns in reference order, then new ones in order of appearance.</summary>
    public int Rank { get; }

    /// <summary>Whether the values are numbers (numerical and datetime columns).</summary>
    public bool IsNumeric { get; }

    /// <summary>The rows filled so far (the index of the next row).</summary>
    public int Count { get; private set; }

    /// <summary>Makes room for <paramref name="rows"/> values, so that a batch whose size is known does not grow by copies.</summary>
    public void Reserve(int rows)
    {
        if (IsNumeric && rows > _numbers.Length)
            Array.Resize(ref _numbers, rows);
        else if (!IsNumeric && rows > _texts.Length)
            Array.Resize(ref _texts, rows);
    }

    /// <summary>Sets the value of <paramref name="row"/> (≥ <see cref="Count"/>); skipped rows become missing.</summary>
    public void SetNumber(int row, double value)
    {
        if (row >= _numbers.Length)
            Array.Resize(ref _numbers, Math.Max(row + 1, Math.Max(InitialCapacity, _numbers.Length * 2)));
        if (row > Count)
            _numbers.AsSpan(Count, row - Count).Fill(double.NaN);
        _numbers[row] = value;
        Count = row + 1;
    }

    /// <summary>Sets the label of <paramref name="row"/> (≥ <see cref="Count"/>); skipped rows become missing (null).</summary>
    public void SetLabel(int row, string? label)
    {
        if (row >= _texts.Length)
            Array.Resize(ref _texts, Math.Max(row + 1, Math.Max(InitialCapacity, _texts.Length * 2)));
        // Skipped rows are already null: arrays start cleared and are never reused.
        _texts[row] = label;
        Count = row + 1;
    }

    /// <summary>The interned string of a label, so that repeated categories share one string.</summary>
    public string Label(ReadOnlySpan<char> text)
    {
        if (_labelsBySpan.TryGetValue(text, out string? label))
            return label;
        label = text.ToString();
        if (_labels.Count < LabelCacheLimit)
            _labels.Add(label, label);
        return label;
    }

    /// <summary>The values of <paramref name="rowCount"/> rows, the rows past <see cref="Count"/> missing.</summary>
    public ColumnValues Take(int rowCount)
    {
        if (IsNumeric)
        {
            if (rowCount > Count)
                SetNumber(rowCount - 1, double.NaN);
            return new NumericValues(Name, _numbers.AsMemory(0, rowCount));
        }
        if (rowCount > Count)
            SetLabel(rowCount - 1, null);
        return new CategoryValues(Name, _texts.AsMemory(0, rowCount));
    }
}
