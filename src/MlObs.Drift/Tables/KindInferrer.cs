using MlObs.Drift.Data;

namespace MlObs.Drift.Tables;

/// <summary>
/// Infers the kind of one column from its values, seen one at a time (README, "Column kinds"). The first non-missing value
/// picks the only candidate (number, boolean, instant or text: no text is two of them); a later value that does not fit
/// makes the column categorical, which is final.
/// </summary>
internal sealed class KindInferrer
{
    /// <summary>Integer columns with at most this many distinct values are categorical (Evidently's INTEGER_CARDINALITY_LIMIT).</summary>
    public const int IntegerCardinalityLimit = 10;

    private readonly double[] _distinct = new double[IntegerCardinalityLimit + 1];
    private int _distinctCount;
    private bool _allInteger = true;
    private State _state;

    private enum State
    {
        Empty,
        Number,
        Boolean,
        Datetime,
        Categorical,
    }

    /// <summary>Whether no further text value can change the result (the column is categorical).</summary>
    public bool IsCategorical => _state == State.Categorical;

    /// <summary>
    /// Whether no further <em>typed number</em> can change the result: a non-integer or more than ten distinct values were seen.
    /// </summary>
    public bool NumbersDecided => _state == State.Number && (!_allInteger || _distinctCount > IntegerCardinalityLimit);

    /// <summary>The kind the values seen so far give.</summary>
    public ColumnKind Kind => _state switch
    {
        State.Empty => ColumnKind.Numerical,
        State.Number => _allInteger && _distinctCount <= IntegerCardinalityLimit ? ColumnKind.Categorical : ColumnKind.Numerical,
        State.Boolean => ColumnKind.Boolean,
        State.Datetime => ColumnKind.Datetime,
        _ => ColumnKind.Categorical,
    };

    /// <summary>Observes a text cell as it is in the file (untrimmed UTF-8).</summary>
    public void ObserveText(ReadOnlySpan<byte> raw)
    {
        if (_state == State.Categorical)
            return;
        ReadOnlySpan<byte> text = CellText.Trim(raw);
        if (CellText.IsMissing(text))
            return;
        switch (_state)
        {
            case State.Empty:
                if (CellText.TryParseNumber(text, out double first))
                {
                    if (!double.IsNaN(first))
                    {
                        _state = State.Number;
                        ObserveNumberCore(first);
                    }
                }
                else if (CellText.TryParseBoolean(text, out _))
                {
                    _state = State.Boolean;
                }
                else if (CellText.TryParseDateTime(text, out _))
                {
                    _state = State.Datetime;
                }
                else
                {
                    _state = State.Categorical;
                }
                break;
            case State.Number:
                if (CellText.TryParseNumber(text, out double value))
                    ObserveNumberCore(value);
                else
                    _state = State.Categorical;
                break;
            case State.Boolean:
                if (!CellText.TryParseBoolean(text, out _))
                    _state = State.Categorical;
                break;
            case State.Datetime:
                if (!CellText.TryParseDateTime(text, out _))
                    _state = State.Categorical;
                break;
        }
    }

    /// <summary>Observes a text value (a Parquet string).</summary>
    public void ObserveChars(ReadOnlySpan<char> value)
    {
        if (_state == State.Categorical)
            return;
        byte[]? rented = null;
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> bytes = max <= 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        int count = System.Text.Encoding.UTF8.GetBytes(value, bytes);
        ObserveText(bytes[..count]);
        if (rented is not null)
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>Observes a typed number (a Parquet integer or floating-point value); NaN is missing.</summary>
    public void ObserveNumber(double value)
    {
        if (double.IsNaN(value))
            return;
        if (_state == State.Empty)
            _state = State.Number;
        ObserveNumberCore(value);
    }

    private void ObserveNumberCore(double value)
    {
        if (double.IsNaN(value) || !_allInteger)
            return;
        if (!CellText.IsInteger(value))
        {
            _allInteger = false;
            return;
        }
        if (_distinctCount > IntegerCardinalityLimit)
            return;
        for (int i = 0; i < _distinctCount; i++)
        {
            if (_distinct[i] == value)
                return;
        }
        _distinct[_distinctCount++] = value;
    }
}
