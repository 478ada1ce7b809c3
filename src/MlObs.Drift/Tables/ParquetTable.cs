using System.Buffers;
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

/// <summary>The values of one column of one row group: numbers (NaN = missing) or strings (null = missing).</summary>
internal sealed class ColumnData : IDisposable
{
    private double[]? _numbers;
    private string?[]? _texts;

    public ColumnData(double[] numbers, NumberSource source)
    {
        _numbers = numbers;
        Source = source;
    }

    public ColumnData(string?[] texts) => _texts = texts;

    public NumberSource Source { get; }

    public double[]? Numbers => _numbers;

    public string?[]? Texts => _texts;

    /// <summary>Feeds rows [start, start + count) to a builder.</summary>
    public void CopyTo(ColumnBuilder builder, int start, int count)
    {
        if (_numbers is { } numbers)
        {
            for (int i = start; i < start + count; i++)
                builder.AddNumber(numbers[i], Source);
        }
        else
        {
            string?[] texts = _texts!;
            for (int i = start; i < start + count; i++)
                builder.AddString(texts[i]);
        }
    }

    public void Dispose()
    {
        if (_numbers is not null)
            ArrayPool<double>.Shared.Return(_numbers);
        if (_texts is not null)
            ArrayPool<string?>.Shared.Return(_texts, clearArray: true);
        _numbers = null;
        _texts = null;
    }
}

/// <summary>
/// A Parquet file open for reading with Parquet.Net (whose API is asynchronous; this class waits on it, so the readers of
/// <see cref="TableFile"/> stay synchronous). Values are decoded one row group at a time, one column chunk at a time.
/// </summary>
internal sealed class ParquetTable : IDisposable
{
    private static readonly DateTime Epoch = DateTime.UnixEpoch;
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

    /// <summary>Reads one column of one row group (a supported column only).</summary>
    public ColumnData ReadColumn(int rowGroup, ParquetColumn column, CancellationToken ct)
    {
        ParquetRowGroupReader group = _reader.OpenRowGroupReader(rowGroup);
        int rows = (int)group.RowCount;
        DataField field = column.Field!;
        return Guard(Path, column.Name, () => field.ClrType switch
        {
            Type t when t == typeof(bool) => Numbers<bool>(group, field, rows, static b => b ? 1 : 0, NumberSource.Boolean, ct),
            Type t when t == typeof(sbyte) => Numbers<sbyte>(group, field, rows, static x => x, NumberSource.Number, ct),
            Type t when t == typeof(byte) => Numbers<byte>(group, field, rows, static x => x, NumberSource.Number, ct),
            Type t when t == typeof(short) => Numbers<short>(group, field, rows, static x => x, NumberSource.Number, ct),
            Type t when t == typeof(ushort) => Numbers<ushort>(group, field, rows, static x => x, NumberSource.Number, ct),
            Type t when t == typeof(int) => Numbers<int>(group, field, rows, static x => x, NumberSource.Number, ct),
            Type t when t == typeof(uint) => Numbers<uint>(group, field, rows, static x => x, NumberSource.Number, ct),
            Type t when t == typeof(long) => Numbers<long>(group, field, rows, static x => x, NumberSource.Number, ct),
            Type t when t == typeof(ulong) => Numbers<ulong>(group, field, rows, static x => x, NumberSource.Number, ct),
            Type t when t == typeof(float) => Numbers<float>(group, field, rows, static x => x, NumberSource.Number, ct),
            Type t when t == typeof(double) => Numbers<double>(group, field, rows, static x => x, NumberSource.Number, ct),
            Type t when t == typeof(Half) => Numbers<Half>(group, field, rows, static x => (double)x, NumberSource.Number, ct),
            Type t when t == typeof(decimal) => Numbers<decimal>(group, field, rows, static x => (double)x, NumberSource.Number, ct),
            Type t when t == typeof(DateTime) => Numbers<DateTime>(group, field, rows, EpochSeconds, NumberSource.Instant, ct),
            Type t when t == typeof(DateOnly) => Numbers<DateOnly>(group, field, rows, static d => (d.DayNumber - 719_162) * 86_400.0, NumberSource.Instant, ct),
            Type t when t == typeof(DateTimeOffset) => Numbers<DateTimeOffset>(group, field, rows, static d => EpochSeconds(d.UtcDateTime), NumberSource.Instant, ct),
            Type t when t == typeof(TimeSpan) => Numbers<TimeSpan>(group, field, rows, static x => x.TotalSeconds, NumberSource.Number, ct),
            Type t when t == typeof(TimeOnly) => Numbers<TimeOnly>(group, field, rows, static x => x.Ticks / (double)TimeSpan.TicksPerSecond, NumberSource.Number, ct),
            Type t when t == typeof(Guid) => Guids(group, field, rows, ct),
            _ => Strings(group, field, rows, ct),
        });
    }

    public void Dispose()
    {
        Wait(_reader.DisposeAsync());
        _file.Dispose();
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
        long ticks = instant.Ticks - Epoch.Ticks;
        return ticks / TimeSpan.TicksPerSecond + (ticks % TimeSpan.TicksPerSecond) / (double)TimeSpan.TicksPerSecond;
    }

    private static ColumnData Numbers<T>(
        ParquetRowGroupReader group, DataField field, int rows, Func<T, double> convert, NumberSource source, CancellationToken ct)
        where T : struct
    {
        T?[] buffer = ArrayPool<T?>.Shared.Rent(rows);
        double[] numbers = ArrayPool<double>.Shared.Rent(rows);
        try
        {
            Wait(group.ReadAsync<T>(field, buffer.AsMemory(0, rows), null, ct));
            for (int i = 0; i < rows; i++)
                numbers[i] = buffer[i] is { } value ? convert(value) : double.NaN;
            return new ColumnData(numbers, source);
        }
        catch
        {
            ArrayPool<double>.Shared.Return(numbers);
            throw;
        }
        finally
        {
            ArrayPool<T?>.Shared.Return(buffer);
        }
    }

    private static ColumnData Strings(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
    {
        string?[] texts = ArrayPool<string?>.Shared.Rent(rows);
        try
        {
            Wait(group.ReadAsync(field, texts.AsMemory(0, rows)!, null, ct));
            return new ColumnData(texts);
        }
        catch
        {
            ArrayPool<string?>.Shared.Return(texts, clearArray: true);
            throw;
        }
    }

    private static ColumnData Guids(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
    {
        Guid?[] buffer = ArrayPool<Guid?>.Shared.Rent(rows);
        string?[] texts = ArrayPool<string?>.Shared.Rent(rows);
        try
        {
            Wait(group.ReadAsync<Guid>(field, buffer.AsMemory(0, rows), null, ct));
            for (int i = 0; i < rows; i++)
                texts[i] = buffer[i]?.ToString("D");
            return new ColumnData(texts);
        }
        catch
        {
            ArrayPool<string?>.Shared.Return(texts, clearArray: true);
            throw;
        }
        finally
        {
            ArrayPool<Guid?>.Shared.Return(buffer);
        }
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
}
