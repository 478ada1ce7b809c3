using System.Buffers;
using System.Text;

namespace MlObs.Drift.Tables;

/// <summary>
/// The labels of one categorical column, interned: a cell's trimmed text maps to one shared string, so a column of many
/// repeats allocates each label once. A value that reads as an integer-valued number is labelled with its canonical integer
/// text ("3.0" → "3"). A column whose values rarely repeat (ids) turns the cache off by itself, so memory stays bounded.
/// </summary>
internal sealed class LabelCache
{
    /// <summary>The most entries kept per column.</summary>
    internal const int Capacity = 4096;

    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly char[] _scratch = new char[256];

    // A small direct-mapped front cache keyed by the UTF-8 bytes, so that a repeated label costs a hash of a few bytes
    // and one comparison, without decoding to UTF-16.
    private const int FrontSlots = 64;
    private const int FrontKeyBytes = 64;
    private readonly byte[]?[] _frontKeys = new byte[FrontSlots][];
    private readonly int[] _frontLengths = new int[FrontSlots];
    private readonly string?[] _frontLabels = new string?[FrontSlots];
    private Dictionary<double, string>? _numbers;
    private bool _enabled = true;
    private long _lookups;
    private long _misses;

    public LabelCache() => _lookup = _labels.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The label of a cell given as trimmed, non-missing UTF-8.</summary>
    public string Get(ReadOnlySpan<byte> trimmed)
    {
        int slot = Slot(trimmed);
        if (_frontKeys[slot] is { } key && trimmed.SequenceEqual(key.AsSpan(0, _frontLengths[slot])))
            return _frontLabels[slot]!;
        string label = Decode(trimmed);
        if (_enabled && trimmed.Length <= FrontKeyBytes)
        {
            // Each slot keeps one buffer: a column that misses often does not allocate per value.
            byte[] slotKey = _frontKeys[slot] ??= new byte[FrontKeyBytes];
            trimmed.CopyTo(slotKey);
            _frontLengths[slot] = trimmed.Length;
            _frontLabels[slot] = label;
        }
        return label;
    }

    private static int Slot(ReadOnlySpan<byte> bytes)
    {
        ulong hash = (ulong)bytes.Length;
        if (bytes.Length >= 8)
        {
            hash ^= System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes)
                ^ (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[^8..]) * 31);
        }
        else
        {
            foreach (byte b in bytes)
                hash = (hash * 31) + b;
        }
        return (int)((hash * 0x9E3779B97F4A7C15UL) >> 58);
    }

    private string Decode(ReadOnlySpan<byte> trimmed)
    {
        char[]? rented = null;
        Span<char> chars = trimmed.Length <= _scratch.Length
            ? _scratch
            : (rented = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(trimmed.Length)));
        int count = Encoding.UTF8.GetChars(trimmed, chars);
        string label = Get(chars[..count], trimmed);
        if (rented is not null)
            ArrayPool<char>.Shared.Return(rented);
        return label;
    }

    /// <summary>The label of a cell given as trimmed, non-missing text.</summary>
    public string Get(ReadOnlySpan<char> trimmed) => Get(trimmed, default);

    private string Get(ReadOnlySpan<char> text, ReadOnlySpan<byte> utf8)
    {
        if (_enabled)
        {
            _lookups++;
            if (_lookup.TryGetValue(text, out string? hit))
                return hit;
            _misses++;
        }
        bool isNumber = utf8.IsEmpty
            ? double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value)
            : CellText.TryParseNumber(utf8, out value);
        string label;
        if (isNumber && CellText.IsInteger(value))
        {
            label = CellText.IntegerLabel(value);
            if (_enabled && _lookup.TryGetValue(label, out string? canonical))
                label = canonical;
            else
                Add(label, label);
            if (!text.SequenceEqual(label))
                Add(text.ToString(), label);
        }
        else
        {
            label = text.ToString();
            Add(label, label);
        }
        return label;
    }

    /// <summary>The label of a typed number (<see cref="CellText.NumberLabel"/>), interned.</summary>
    public string GetNumber(double value)
    {
        _numbers ??= [];
        if (_numbers.TryGetValue(value, out string? label))
            return label;
        label = CellText.NumberLabel(value);
        if (_enabled && _lookup.TryGetValue(label, out string? shared))
            label = shared;
        if (_numbers.Count < Capacity)
            _numbers[value] = label;
        return label;
    }

    private void Add(string key, string label)
    {
        if (!_enabled)
            return;
        if (_labels.Count < Capacity)
        {
            _labels.TryAdd(key, label);
            return;
        }
        // Full: keep it if it pays (most lookups hit), else drop it for good (an id-like column).
        if (_misses * 2 > _lookups)
        {
            _enabled = false;
            _labels.Clear();
            _labels.TrimExcess();
        }
    }
}
