using System.Text.Json;
using MlObs.Drift.Data;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// Collects the columns of one decoded batch: finds a column by name (reference columns get their kind, new ones are kept as
/// text up to <see cref="MaxNewColumns"/>), types each JSON value by <see cref="ValueTyping"/> and refuses what does not
/// convert, then builds the <see cref="RowBatch"/>: reference columns in reference order, then new columns.
/// </summary>
internal sealed class BatchBuilder
{
    /// <summary>The most column names the reference lacks that one batch keeps; further ones are dropped.</summary>
    public const int MaxNewColumns = 1000;

    private readonly FeatureSchema _schema;
    private readonly Dictionary<string, ColumnSlot> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ColumnSlot>.AlternateLookup<ReadOnlySpan<char>> _slotsBySpan;
    private readonly List<ColumnSlot> _created = [];
    private ColumnSlot?[] _previousRowOrder = new ColumnSlot?[32];
    private byte[] _scratch = new byte[128];
    private char[] _chars = new char[128];
    private int _newColumns;
    private int _reservedRows;

    public BatchBuilder(FeatureSchema schema, Func<int, string> rowLabel)
    {
        _schema = schema;
        _slotsBySpan = _slots.GetAlternateLookup<ReadOnlySpan<char>>();
        RowLabel = rowLabel;
    }

    /// <summary>How messages name a row, e.g. "instance 3", "line 7", "row 2 of tensor 'input-0'".</summary>
    public Func<int, string> RowLabel { get; set; }

    /// <summary>The schema the batch is typed by.</summary>
    public FeatureSchema Schema => _schema;

    /// <summary>The column of a name, created on first use; null when it is a new column beyond the cap (dropped).</summary>
    public ColumnSlot? Column(string name)
    {
        if (_slots.TryGetValue(name, out ColumnSlot? slot))
            return slot;
        return Create(name);
    }

    /// <summary>
    /// The column of the property name under the reader, the property being the <paramref name="position"/>-th of its row:
    /// rows usually list their features in the same order, so the column at that position in the previous row is tried first,
    /// without decoding the name.
    /// </summary>
    public ColumnSlot? Column(ref Utf8JsonReader reader, int position)
    {
        ColumnSlot?[] previous = _previousRowOrder;
        if (position < previous.Length && previous[position] is { } guess && reader.ValueTextEquals(guess.Utf8Name))
            return guess;
        int length = reader.ValueSpan.Length;
        if (_chars.Length < length)
            _chars = new char[Math.Max(length, _chars.Length * 2)];
        int count = reader.CopyString(_chars);
        ReadOnlySpan<char> name = _chars.AsSpan(0, count);
        ColumnSlot? slot = _slotsBySpan.TryGetValue(name, out ColumnSlot? found) ? found : Create(name.ToString());
        if (slot is not null)
        {
            if (position >= previous.Length && position < 4096)
            {
                Array.Resize(ref _previousRowOrder, Math.Max(position + 1, previous.Length * 2));
                previous = _previousRowOrder;
            }
            if (position < previous.Length)
                previous[position] = slot;
        }
        return slot;
    }

    /// <summary>
    /// Types the value under the reader into <paramref name="slot"/> at <paramref name="row"/> and leaves the reader on the
    /// value's last token; a null slot (a dropped column) skips the value.
    /// </summary>
    /// <exception cref="PayloadException">
    /// <see cref="RejectionReasons.WrongType"/> when the value does not convert to the column's kind;
    /// <see cref="RejectionReasons.Malformed"/> when the row already has a value for the column.
    /// </exception>
    public void Put(ColumnSlot? slot, int row, ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (slot is null)
        {
            reader.Skip();
            return;
        }
        if (slot.Count > row)
            throw Refusals.Malformed($"Feature '{slot.Name}' is given twice in {RowLabel(row)}.");
        switch (slot.Kind)
        {
            case ColumnKind.Numerical:
                if (!ValueTyping.TryNumber(ref reader, ref _scratch, out double number))
                    throw WrongType(slot, row, ref reader, json);
                slot.SetNumber(row, number);
                break;
            case ColumnKind.Datetime:
                if (!ValueTyping.TryDatetime(ref reader, ref _scratch, ref _chars, out double seconds))
                    throw WrongType(slot, row, ref reader, json);
                slot.SetNumber(row, seconds);
                break;
            case ColumnKind.Boolean:
                if (!ValueTyping.TryBoolean(ref reader, ref _scratch, out string? flag))
                    throw WrongType(slot, row, ref reader, json);
                slot.SetLabel(row, flag);
                break;
            case ColumnKind.Categorical:
                if (!ValueTyping.TryLabel(ref reader, slot, ref _scratch, ref _chars, out string? label))
                    throw WrongType(slot, row, ref reader, json);
                slot.SetLabel(row, label);
                break;
            default:
                slot.SetLabel(row, ValueTyping.Text(ref reader, json, slot, ref _scratch, ref _chars));
                break;
        }
    }

    /// <summary>
    /// Sizes every column for about <paramref name="rows"/> rows (capped at a million), from an estimate such as the body
    /// length divided by the length of its first row.
    /// </summary>
    public void ReserveRows(long rows)
    {
        _reservedRows = (int)Math.Clamp(rows, 0, 1_000_000);
        foreach (ColumnSlot slot in _created)
            slot.Reserve(_reservedRows);
    }

    /// <summary>The batch of <paramref name="rowCount"/> rows; columns short of it are filled with missing values.</summary>
    public RowBatch Build(int rowCount)
    {
        var columns = new ColumnValues[_created.Count];
        _created.Sort((a, b) => a.Rank.CompareTo(b.Rank));
        for (int i = 0; i < columns.Length; i++)
            columns[i] = _created[i].Take(rowCount);
        return new RowBatch(rowCount, columns);
    }

    private ColumnSlot? Create(string name)
    {
        int index = _schema.Columns.IndexOf(name);
        ColumnSlot slot;
        if (index >= 0)
        {
            slot = new ColumnSlot(name, _schema.Columns.Columns[index].Kind, index);
        }
        else
        {
            if (_newColumns >= MaxNewColumns)
                return null;
            _newColumns++;
            slot = new ColumnSlot(name, null, _schema.Columns.Columns.Count + _created.Count);
        }
        if (_reservedRows > 0)
            slot.Reserve(_reservedRows);
        _slots.Add(name, slot);
        _created.Add(slot);
        return slot;
    }

    private PayloadException WrongType(ColumnSlot slot, int row, ref Utf8JsonReader reader, ReadOnlySpan<byte> json) =>
        Refusals.WrongType(
            $"Feature '{slot.Name}' is {slot.Kind!.Value.Name()} but {RowLabel(row)} has {ValueTyping.Excerpt(ref reader, json)}.");
}
