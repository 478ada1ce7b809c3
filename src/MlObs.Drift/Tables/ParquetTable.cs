using System.Buffers;
using System.Text;
using MlObs.Drift.Data;
using Parquet;
using Parquet.Schema;

namespace MlObs.Drift.Tables;

/// <summary>How a Parquet column's values are carried while reading.</summary>
internal enum ParquetSource
{
    /// <summary>Nested (list, map, struct) or binary: not read.</summary>
    Unsupported,

    /// <summary>BOOLEAN.</summary>
    Boolean,

    /// <summary>INT32/INT64 of any width and sign.</summary>
    Integer,

    /// <summary>FLOAT, DOUBLE, FLOAT16.</summary>
    Float,

    /// <summary>DECIMAL.</summary>
    Decimal,

    /// <summary>TIMESTAMP, DATE, INT96: seconds since the Unix epoch.</summary>
    Instant,

    /// <summary>TIME: seconds since midnight.</summary>
    Time,

    /// <summary>UTF-8 strings (and enums, JSON).</summary>
    Text,

    /// <summary>UUID, read as text.</summary>
    Uuid,
}

/// <summary>A top-level column of a Parquet file.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Field">The data field, null when the column is nested.</param>
/// <param name="Source">How its values are read.</param>
/// <param name="Reason">Why it cannot be read, for an unsupported column.</param>
internal sealed record ParquetColumn(string Name, DataField? Field, ParquetSource Source, string? Reason);

/// <summary>
/// One column of one row group converted to its kind: numbers (NaN = missing) or labels (null = missing), with the rows whose
/// value was present but did not convert.
/// </summary>
internal sealed class ConvertedColumn
{
    private List<int>? _invalidRows;
    private int _invalidCursor;

    public ConvertedColumn(string name) => Name = name;

    public string Name { get; }

    public double[]? Numbers { get; set; }

    public string?[]? Labels { get; set; }

    /// <summary>Marks a row whose value did not convert (rows are marked in increasing order).</summary>
    public void Invalid(int row) => (_invalidRows ??= []).Add(row);

    /// <summary>Starts a new row group in the same buffers.</summary>
    public void Reset()
    {
        _invalidRows?.Clear();
        _invalidCursor = 0;
    }

    /// <summary>The values of rows [start, start + count), a slice of the row group's buffer (asked in increasing order).</summary>
    public ColumnValues Slice(int start, int count)
    {
        int invalid = 0;
        if (_invalidRows is { } rows)
        {
            while (_invalidCursor < rows.Count && rows[_invalidCursor] < start + count)
            {
                if (rows[_invalidCursor] >= start)
                    invalid++;
                _invalidCursor++;
            }
        }
        return Numbers is { } numbers
            ? new NumericValues(Name, numbers.AsMemory(start, count), invalid)
            : new CategoryValues(Name, Labels!.AsMemory(start, count), invalid);
    }
}

/// <summary>
/// A Parquet file open for reading with Parquet.Net (whose API is asynchronous; this class waits on it, so the readers of
/// <see cref="TableFile"/> stay synchronous). Values are decoded one column chunk at a time with <c>ReadRawAsync</c>
/// (present values packed, definition levels apart, strings as slices of one buffer) and converted straight to their kind.
/// </summary>
internal sealed class ParquetTable : IDisposable
{
    private readonly ParquetReader _reader;
    private readonly FileStream _file;

    private ParquetTable(string path, FileStream file, ParquetReader reader)
    {
        Path = path;
        _file = file;
        _reader = reader;
        Length = file.Length;
        Columns = [.. reader.Schema.Fields.Select(Describe)];
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The size of the file in bytes.</summary>
    public long Length { get; }

    /// <summary>The top-level columns, in file order.</summary>
    public IReadOnlyList<ParquetColumn> Columns { get; }

    /// <summary>The number of row groups.</summary>
    public int RowGroupCount => _reader.RowGroupCount;

    /// <summary>Opens a file and reads its footer.</summary>
    public static ParquetTable Open(string path, CancellationToken ct)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.RandomAccess);
        try
        {
            ParquetReader reader = Guard(path, null, () => Wait(ParquetReader.CreateAsync(file, null, leaveStreamOpen: true, ct)));
            try
            {
                return new ParquetTable(path, file, reader);
            }
            catch
            {
                Wait(reader.DisposeAsync());
                throw;
            }
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The row count and compressed size of a row group.</summary>
    public (int Rows, long Bytes) RowGroup(int index)
    {
        ParquetRowGroupReader group = _reader.OpenRowGroupReader(index);
        if (group.RowCount > Array.MaxLength)
            throw new TableReadException(Path, $"row group {index} has {group.RowCount} rows, more than can be read at once", null, null);
        return ((int)group.RowCount, group.RowGroup.TotalCompressedSize ?? group.RowGroup.TotalByteSize);
    }

    /// <summary>The kind a column has without looking at its values, or null when its values must be inferred.</summary>
    public static ColumnKind? KindOfType(ParquetSource source) => source switch
    {
        ParquetSource.Boolean => ColumnKind.Boolean,
        ParquetSource.Decimal or ParquetSource.Time => ColumnKind.Numerical,
        ParquetSource.Instant => ColumnKind.Datetime,
        ParquetSource.Uuid => ColumnKind.Categorical,
        _ => null,
    };

    /// <summary>Feeds the values of one column of one row group to an inferrer (integer, floating-point and text columns).</summary>
    public void Observe(int rowGroup, ParquetColumn column, KindInferrer inferrer, CancellationToken ct)
    {
        ParquetRowGroupReader group = _reader.OpenRowGroupReader(rowGroup);
        int rows = (int)group.RowCount;
        if (column.Source == ParquetSource.Text)
        {
            Guard(Path, column.Name, () => Texts(group, column.Field!, rows, (row, text) =>
            {
                if (!inferrer.IsCategorical)
                    inferrer.ObserveChars(text);
            }, ct));
            return;
        }
        double[] numbers = ArrayPool<double>.Shared.Rent(rows);
        try
        {
            Guard(Path, column.Name, () => Numbers(group, column, numbers, rows, ct));
            for (int i = 0; i < rows; i++)
                inferrer.ObserveNumber(numbers[i]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(numbers);
        }
    }

    /// <summary>
    /// Reads one column of one row group converted to <paramref name="kind"/> into <paramref name="into"/>'s buffers, which are
    /// replaced unless <paramref name="reuse"/> is set and they are large enough.
    /// </summary>
    public void Convert(int rowGroup, ParquetColumn column, ColumnKind kind, LabelCache labels, ConvertedColumn into, bool reuse, CancellationToken ct)
    {
        ParquetRowGroupReader group = _reader.OpenRowGroupReader(rowGroup);
        int rows = (int)group.RowCount;
        into.Reset();
        Guard(Path, column.Name, () =>
        {
            if (kind.IsNumeric())
            {
                double[] numbers = Buffer(into.Numbers, rows, reuse);
                into.Numbers = numbers;
                ConvertToNumbers(group, column, kind, numbers, rows, into, ct);
            }
            else
            {
                string?[] values = Buffer(into.Labels, rows, reuse);
                into.Labels = values;
                ConvertToLabels(group, column, kind, values, rows, labels, into, ct);
            }
            return true;
        });
    }

    public void Dispose()
    {
        Wait(_reader.DisposeAsync());
        _file.Dispose();
    }

    private static T[] Buffer<T>(T[]? current, int rows, bool reuse) =>
        reuse && current is not null && current.Length >= rows ? current : new T[rows];

    private static void ConvertToNumbers(
        ParquetRowGroupReader group, ParquetColumn column, ColumnKind kind, double[] result, int rows, ConvertedColumn into, CancellationToken ct)
    {
        Span<double> output = result.AsSpan(0, rows);
        if (column.Source == ParquetSource.Text)
        {
            bool datetime = kind == ColumnKind.Datetime;
            output.Fill(double.NaN);
            Texts(group, column.Field!, rows, (row, text) =>
            {
                Span<byte> utf8 = stackalloc byte[512];
                double value = double.NaN;
                if (TryUtf8(text, utf8, out int length))
                {
                    ReadOnlySpan<byte> trimmed = CellText.Trim(utf8[..length]);
                    if (!CellText.IsMissing(trimmed) && !(datetime ? CellText.TryParseDateTime(trimmed, out value) : CellText.TryParseNumber(trimmed, out value)))
                    {
                        value = double.NaN;
                        into.Invalid(row);
                    }
                }
                else
                {
                    into.Invalid(row);
                }
                result[row] = value;
            }, ct);
            return;
        }
        if (column.Source == ParquetSource.Uuid)
        {
            PresentRows(group, column.Field!, rows, into.Invalid, ct);
            output.Fill(double.NaN);
            return;
        }
        Numbers(group, column, result, rows, ct);
        if (kind == ColumnKind.Datetime && column.Source != ParquetSource.Instant)
        {
            for (int i = 0; i < output.Length; i++)
            {
                if (!double.IsNaN(output[i]))
                {
                    output[i] = double.NaN;
                    into.Invalid(i);
                }
            }
        }
    }

    private static void ConvertToLabels(
        ParquetRowGroupReader group, ParquetColumn column, ColumnKind kind, string?[] result, int rows, LabelCache labels, ConvertedColumn into, CancellationToken ct)
    {
        bool boolean = kind == ColumnKind.Boolean;
        Span<string?> output = result.AsSpan(0, rows);
        output.Clear();
        switch (column.Source)
        {
            case ParquetSource.Text:
                Texts(group, column.Field!, rows, (row, text) =>
                {
                    ReadOnlySpan<char> trimmed = CellText.Trim(text);
                    if (IsMissing(trimmed))
                    {
                        result[row] = null;
                    }
                    else if (!boolean)
                    {
                        result[row] = labels.Get(trimmed);
                    }
                    else if (trimmed.Equals(CellText.True, StringComparison.OrdinalIgnoreCase) || trimmed.Equals(CellText.False, StringComparison.OrdinalIgnoreCase))
                    {
                        result[row] = trimmed.Length == 4 ? CellText.True : CellText.False;
                    }
                    else
                    {
                        result[row] = null;
                        into.Invalid(row);
                    }
                }, ct);
                return;
            case ParquetSource.Uuid:
                Values<Guid>(group, column.Field!, rows, (row, guid) =>
                {
                    if (boolean)
                        into.Invalid(row);
                    else
                        result[row] = labels.Get(guid.ToString("D").AsSpan());
                }, null, ct);
                return;
        }
        double[] numbers = ArrayPool<double>.Shared.Rent(rows);
        try
        {
            Numbers(group, column, numbers, rows, ct);
            for (int i = 0; i < rows; i++)
            {
                double value = numbers[i];
                if (double.IsNaN(value))
                {
                    output[i] = null;
                }
                else if (column.Source == ParquetSource.Boolean)
                {
                    output[i] = value != 0 ? CellText.True : CellText.False;
                }
                else if (boolean)
                {
                    output[i] = null;
                    into.Invalid(i);
                }
                else
                {
                    output[i] = column.Source == ParquetSource.Instant ? CellText.InstantLabel(value) : labels.GetNumber(value);
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(numbers);
        }
    }

    /// <summary>Whether trimmed text is a missing token (they are ASCII and at most 4 characters).</summary>
    private static bool IsMissing(ReadOnlySpan<char> trimmed)
    {
        if (trimmed.Length > 4)
            return false;
        Span<byte> ascii = stackalloc byte[4];
        for (int i = 0; i < trimmed.Length; i++)
        {
            if (trimmed[i] >= 128)
                return false;
            ascii[i] = (byte)trimmed[i];
        }
        return CellText.IsMissing(ascii[..trimmed.Length]);
    }

    private static bool TryUtf8(ReadOnlySpan<char> text, Span<byte> buffer, out int length)
    {
        // Longer text is never a number, an instant or a boolean: report it as not convertible.
        if (Encoding.UTF8.TryGetBytes(text, buffer, out length))
            return true;
        length = 0;
        return false;
    }

    /// <summary>Reads a number-like column as doubles, NaN for null.</summary>
    private static void Numbers(ParquetRowGroupReader group, ParquetColumn column, double[] result, int rows, CancellationToken ct)
    {
        DataField field = column.Field!;
        Type t = field.ClrType;
        if (t == typeof(double))
            Values<double>(group, field, rows, (row, x) => result[row] = x, result, ct);
        else if (t == typeof(bool))
            Values<bool>(group, field, rows, (row, x) => result[row] = x ? 1 : 0, result, ct);
        else if (t == typeof(float))
            Values<float>(group, field, rows, (row, x) => result[row] = x, result, ct);
        else if (t == typeof(int))
            Values<int>(group, field, rows, (row, x) => result[row] = x, result, ct);
        else if (t == typeof(long))
            Values<long>(group, field, rows, (row, x) => result[row] = x, result, ct);
        else if (t == typeof(sbyte))
            Values<sbyte>(group, field, rows, (row, x) => result[row] = x, result, ct);
        else if (t == typeof(byte))
            Values<byte>(group, field, rows, (row, x) => result[row] = x, result, ct);
        else if (t == typeof(short))
            Values<short>(group, field, rows, (row, x) => result[row] = x, result, ct);
        else if (t == typeof(ushort))
            Values<ushort>(group, field, rows, (row, x) => result[row] = x, result, ct);
        else if (t == typeof(uint))
            Values<uint>(group, field, rows, (row, x) => result[row] = x, result, ct);
        else if (t == typeof(ulong))
            Values<ulong>(group, field, rows, (row, x) => result[row] = x, result, ct);
        else if (t == typeof(Half))
            Values<Half>(group, field, rows, (row, x) => result[row] = (double)x, result, ct);
        else if (t == typeof(decimal))
            Values<decimal>(group, field, rows, (row, x) => result[row] = (double)x, result, ct);
        else if (t == typeof(DateTime))
            Values<DateTime>(group, field, rows, (row, x) => result[row] = EpochSeconds(x), result, ct);
        else if (t == typeof(DateOnly))
            Values<DateOnly>(group, field, rows, (row, x) => result[row] = (x.DayNumber - 719_162) * 86_400.0, result, ct);
        else if (t == typeof(DateTimeOffset))
            Values<DateTimeOffset>(group, field, rows, (row, x) => result[row] = EpochSeconds(x.UtcDateTime), result, ct);
        else if (t == typeof(TimeSpan))
            Values<TimeSpan>(group, field, rows, (row, x) => result[row] = x.TotalSeconds, result, ct);
        else if (t == typeof(TimeOnly))
            Values<TimeOnly>(group, field, rows, (row, x) => result[row] = x.Ticks / (double)TimeSpan.TicksPerSecond, result, ct);
        else
            throw new NotSupportedException($"Parquet values of type {t.Name} are not numbers.");
    }

    /// <summary>
    /// Reads a column chunk with <c>ReadRawAsync</c> and calls <paramref name="present"/> with each present value and its
    /// row; rows whose value is null are set to NaN in <paramref name="nulls"/> when it is given.
    /// </summary>
    private static void Values<T>(
        ParquetRowGroupReader group, DataField field, int rows, Action<int, T> present, double[]? nulls, CancellationToken ct)
        where T : struct
    {
        T[] values = ArrayPool<T>.Shared.Rent(rows);
        int[]? levels = field.MaxDefinitionLevel > 0 ? ArrayPool<int>.Shared.Rent(rows) : null;
        try
        {
            Wait(group.ReadRawAsync<T>(field, values.AsMemory(0, rows), levels?.AsMemory(0, rows), null, ct));
            int next = 0;
            for (int row = 0; row < rows; row++)
            {
                if (levels is null || levels[row] == field.MaxDefinitionLevel)
                    present(row, values[next++]);
                else if (nulls is not null)
                    nulls[row] = double.NaN;
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(values, RuntimeHelpersIsReference<T>());
            if (levels is not null)
                ArrayPool<int>.Shared.Return(levels);
        }
    }

    /// <summary>Reads a string column chunk and calls <paramref name="present"/> with each non-null value and its row.</summary>
    private static void Texts(ParquetRowGroupReader group, DataField field, int rows, TextAction present, CancellationToken ct)
    {
        ReadOnlyMemory<char>[] values = ArrayPool<ReadOnlyMemory<char>>.Shared.Rent(rows);
        int[]? levels = field.MaxDefinitionLevel > 0 ? ArrayPool<int>.Shared.Rent(rows) : null;
        try
        {
            Wait(group.ReadRawAsync<ReadOnlyMemory<char>>(field, values.AsMemory(0, rows), levels?.AsMemory(0, rows), null, ct));
            int next = 0;
            for (int row = 0; row < rows; row++)
            {
                if (levels is null || levels[row] == field.MaxDefinitionLevel)
                    present(row, values[next++].Span);
            }
        }
        finally
        {
            ArrayPool<ReadOnlyMemory<char>>.Shared.Return(values, clearArray: true);
            if (levels is not null)
                ArrayPool<int>.Shared.Return(levels);
        }
    }

    /// <summary>Calls <paramref name="present"/> with each row whose value is not null.</summary>
    private static void PresentRows(ParquetRowGroupReader group, DataField field, int rows, Action<int> present, CancellationToken ct) =>
        Values<Guid>(group, field, rows, (row, _) => present(row), null, ct);

    private static bool RuntimeHelpersIsReference<T>() => System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>();

    /// <summary>A callback with a row and its text.</summary>
    private delegate void TextAction(int row, ReadOnlySpan<char> text);

    private static ParquetColumn Describe(Field field)
    {
        if (field is not DataField data || data.IsArray || data.MaxRepetitionLevel > 0)
            return new ParquetColumn(field.Name, null, ParquetSource.Unsupported, $"a nested ({field.SchemaType.ToString().ToLowerInvariant()}) column");
        Type t = data.ClrType;
        ParquetSource source =
            t == typeof(bool) ? ParquetSource.Boolean
            : t == typeof(sbyte) || t == typeof(byte) || t == typeof(short) || t == typeof(ushort) || t == typeof(int)
                || t == typeof(uint) || t == typeof(long) || t == typeof(ulong) ? ParquetSource.Integer
            : t == typeof(float) || t == typeof(double) || t == typeof(Half) ? ParquetSource.Float
            : t == typeof(decimal) ? ParquetSource.Decimal
            : t == typeof(DateTime) || t == typeof(DateOnly) || t == typeof(DateTimeOffset) ? ParquetSource.Instant
            : t == typeof(TimeSpan) || t == typeof(TimeOnly) ? ParquetSource.Time
            : t == typeof(string) || t == typeof(ReadOnlyMemory<char>) ? ParquetSource.Text
            : t == typeof(Guid) ? ParquetSource.Uuid
            : ParquetSource.Unsupported;
        string? reason = source == ParquetSource.Unsupported ? $"a column of {Describe(data)}, which has no drift kind" : null;
        return new ParquetColumn(field.Name, data, source, reason);
    }

    private static string Describe(DataField field) =>
        field.ClrType == typeof(ReadOnlyMemory<byte>) || field.ClrType == typeof(byte[]) ? "raw bytes" : $"type {field.ClrType.Name}";

    private static double EpochSeconds(DateTime instant)
    {
        if (instant.Kind == DateTimeKind.Local)
            instant = instant.ToUniversalTime();
        long ticks = instant.Ticks - DateTime.UnixEpoch.Ticks;
        return ticks / TimeSpan.TicksPerSecond + (ticks % TimeSpan.TicksPerSecond) / (double)TimeSpan.TicksPerSecond;
    }

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(ValueTask task) => task.AsTask().GetAwaiter().GetResult();

    /// <summary>Runs a Parquet.Net call, turning its failures on a bad file into <see cref="TableReadException"/>.</summary>
    internal static T Guard<T>(string path, string? column, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is not (OperationCanceledException or TableReadException or FileNotFoundException
            or DirectoryNotFoundException or UnauthorizedAccessException or OutOfMemoryException))
        {
            string problem = column is null ? $"not a readable Parquet file: {e.Message}" : $"the column could not be read: {e.Message}";
            throw new TableReadException(path, problem, null, column, e);
        }
    }

    private static void Guard(string path, string? column, Action call) => Guard(path, column, () =>
    {
        call();
        return true;
    });
}
