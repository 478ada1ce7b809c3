using MlObs.Drift.Data;

namespace MlObs.Drift.Tables;

/// <summary>
/// Collects the values of one column of a batch, converted to the column's kind: what does not convert is missing and counted
/// as invalid. The buffer grows up to the batch size, so a small file does not allocate a whole batch per column.
/// </summary>
internal abstract class ColumnBuilder
{
    private const int InitialCapacity = 1024;
    private readonly int _maxCapacity;
    private int _capacity;

    protected ColumnBuilder(string name, int batchRows, bool reuse)
    {
        Name = name;
        _maxCapacity = batchRows;
        _capacity = Math.Min(batchRows, InitialCapacity);
        Reuse = reuse;
    }

    /// <summary>Whether <see cref="Take"/> keeps the buffer for the next batch.</summary>
    protected bool Reuse { get; }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The values added since the last <see cref="Take"/>.</summary>
    protected int Count { get; set; }

    /// <summary>Values present in the input that did not convert, since the last <see cref="Take"/>.</summary>
    protected int Invalid { get; set; }

    /// <summary>The capacity the next buffer starts with.</summary>
    protected int Capacity => _capacity;

    /// <summary>Creates the builder of a column of the given kind.</summary>
    public static ColumnBuilder Create(string name, ColumnKind kind, int batchRows, bool reuse) => kind switch
    {
        ColumnKind.Numerical => new NumericBuilder(name, batchRows, reuse, datetime: false),
        ColumnKind.Datetime => new NumericBuilder(name, batchRows, reuse, datetime: true),
        ColumnKind.Categorical => new CategoryBuilder(name, batchRows, reuse),
        ColumnKind.Boolean => new BooleanBuilder(name, batchRows, reuse),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Adds a text cell as it is in the file (untrimmed UTF-8).</summary>
    public abstract void AddText(ReadOnlySpan<byte> raw);

    /// <summary>Adds a missing value.</summary>
    public abstract void AddMissing();

    /// <summary>
    /// Returns the values added since the last call, in the builder's buffer when it is reused, else in an array of their
    /// own; the builder then starts over in its buffer.
    /// </summary>
    public abstract ColumnValues Take();

    /// <summary>The capacity to grow to when the buffer of <paramref name="length"/> is full.</summary>
    protected int Grow(int length)
    {
        _capacity = Math.Min(_maxCapacity, Math.Max(length * 2, InitialCapacity));
        return _capacity;
    }
}

/// <summary>Numerical (numbers) and datetime (epoch seconds) columns.</summary>
internal sealed class NumericBuilder : ColumnBuilder
{
    private readonly bool _datetime;
    private double[] _values;

    public NumericBuilder(string name, int batchRows, bool reuse, bool datetime)
        : base(name, batchRows, reuse)
    {
        _datetime = datetime;
        _values = [];
    }

    public override void AddText(ReadOnlySpan<byte> raw)
    {
        ReadOnlySpan<byte> text = CellText.Trim(raw);
        double value;
        if (CellText.IsMissing(text))
        {
            value = double.NaN;
        }
        else if (_datetime ? !CellText.TryParseDateTime(text, out value) : !CellText.TryParseNumber(text, out value))
        {
            value = double.NaN;
            Invalid++;
        }
        Append(value);
    }

    public override void AddMissing() => Append(double.NaN);

    private void Append(double value)
    {
        if (Count == _values.Length)
        {
            if (_values.Length == 0)
                _values = new double[Capacity];
            else
                Array.Resize(ref _values, Grow(_values.Length));
        }
        _values[Count++] = value;
    }

    public override ColumnValues Take()
    {
        ReadOnlyMemory<double> values = Reuse ? _values.AsMemory(0, Count) : _values.AsSpan(0, Count).ToArray();
        var column = new NumericValues(Name, values, Invalid);
        Count = 0;
        Invalid = 0;
        return column;
    }
}

/// <summary>Columns of labels: the base of categorical and boolean columns.</summary>
internal abstract class LabelBuilder : ColumnBuilder
{
    private string?[] _values;

    protected LabelBuilder(string name, int batchRows, bool reuse)
        : base(name, batchRows, reuse) => _values = [];

    public override void AddMissing() => Append(null);

    protected void Append(string? value)
    {
        if (Count == _values.Length)
        {
            if (_values.Length == 0)
                _values = new string?[Capacity];
            else
                Array.Resize(ref _values, Grow(_values.Length));
        }
        _values[Count++] = value;
    }

    public override ColumnValues Take()
    {
        ReadOnlyMemory<string?> values = Reuse ? _values.AsMemory(0, Count) : _values.AsSpan(0, Count).ToArray();
        var column = new CategoryValues(Name, values, Invalid);
        Count = 0;
        Invalid = 0;
        return column;
    }
}

/// <summary>Categorical columns: interned labels; every present value is valid.</summary>
internal sealed class CategoryBuilder : LabelBuilder
{
    private readonly LabelCache _labels = new();

    public CategoryBuilder(string name, int batchRows, bool reuse)
        : base(name, batchRows, reuse)
    {
    }

    public override void AddText(ReadOnlySpan<byte> raw)
    {
        ReadOnlySpan<byte> text = CellText.Trim(raw);
        Append(CellText.IsMissing(text) ? null : _labels.Get(text));
    }
}

/// <summary>Boolean columns: the labels "false" and "true"; anything else present is invalid.</summary>
internal sealed class BooleanBuilder : LabelBuilder
{
    public BooleanBuilder(string name, int batchRows, bool reuse)
        : base(name, batchRows, reuse)
    {
    }

    public override void AddText(ReadOnlySpan<byte> raw)
    {
        ReadOnlySpan<byte> text = CellText.Trim(raw);
        if (CellText.IsMissing(text))
        {
            Append(null);
        }
        else if (CellText.TryParseBoolean(text, out bool value))
        {
            Append(value ? CellText.True : CellText.False);
        }
        else
        {
            Invalid++;
            Append(null);
        }
    }
}
