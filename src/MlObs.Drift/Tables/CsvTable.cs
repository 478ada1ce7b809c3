using System.IO.Compression;
using CsvHelper;

namespace MlObs.Drift.Tables;

/// <summary>
/// A CSV file open for one forward pass: CsvHelper's SIMD UTF-8 reader over the file (gunzipped when it starts with the gzip
/// magic), with a validated header and a field-count check on every row. Fields are UTF-8 spans into the read buffer.
/// </summary>
internal sealed class CsvTable : IDisposable
{
    private const int BufferSize = 1 << 16;
    private const int MaxHeaderBytes = 16 << 20;
    private readonly FileStream _file;
    private readonly CsvReader _reader;
    private readonly int _width;

    private CsvTable(string path, FileStream file, CsvReader reader, IReadOnlyList<string> header)
    {
        Path = path;
        _file = file;
        _reader = reader;
        Header = header;
        _width = header.Count;
        Length = file.Length;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The column names of the header, in file order.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The size of the file in bytes.</summary>
    public long Length { get; }

    /// <summary>Bytes of the file consumed so far.</summary>
    public long BytesRead => _file.CanSeek ? _file.Position : 0;

    /// <summary>Opens a file and reads its header.</summary>
    public static CsvTable Open(string path, char? delimiter)
    {
        char separator = delimiter ?? SniffDelimiter(path);
        Stream stream = OpenStream(path, out FileStream file);
        try
        {
            var options = new CsvReaderOptions
            {
                Separator = separator,
                HasHeader = true,
                TrackLineNumbers = true,
                FieldCountMismatch = CsvFieldCountHandling.Allow,
                DetectSeparatorHint = false,
                BufferSize = BufferSize,
            };
            var reader = CsvReader.Create(stream, options, leaveOpen: false);
            try
            {
                IReadOnlyList<string> header = Wrap(path, () => reader.Headers);
                ValidateHeader(path, header);
                return new CsvTable(path, file, reader, header);
            }
            catch
            {
                reader.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Moves to the next data row; false at the end. A row with the wrong number of fields is an error.</summary>
    public bool Read()
    {
        bool more;
        try
        {
            more = _reader.Read();
        }
        catch (Exception e) when (e is CsvFormatException or InvalidDataException)
        {
            throw new TableReadException(Path, e.Message, e is CsvFormatException { LineNumber: > 0 } f ? f.LineNumber : null, null, e);
        }
        if (more && _reader.FieldCount != _width)
        {
            throw new TableReadException(
                Path, $"the row has {_reader.FieldCount} fields but the header has {_width}", _reader.LineNumber, null);
        }
        return more;
    }

    /// <summary>The field of the current row at a column index of the header, unquoted, as UTF-8.</summary>
    public ReadOnlySpan<byte> Field(int index) => _reader.GetSpan(index);

    /// <summary>The 1-based line where the current row starts (the header is line 1).</summary>
    public long Line => _reader.LineNumber;

    public void Dispose()
    {
        _reader.Dispose();
        _file.Dispose();
    }

    /// <summary>Opens the file for sequential reading, through gzip when it starts with the gzip magic bytes.</summary>
    private static Stream OpenStream(string path, out FileStream file)
    {
        file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            if (read == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
                return new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The delimiter of the header line: the most frequent of , ; tab | outside quotes (ties in that order), or , when none
    /// occurs.
    /// </summary>
    internal static char SniffDelimiter(string path)
    {
        ReadOnlySpan<char> candidates = [',', ';', '\t', '|'];
        Span<int> counts = stackalloc int[4];
        using (Stream stream = OpenStream(path, out FileStream file))
        using (file)
        {
            var buffer = new byte[BufferSize];
            bool quoted = false;
            bool atStart = true;
            int total = 0;
            int read;
            bool done = false;
            while (!done && total < MaxHeaderBytes && (read = Wrap(path, () => stream.Read(buffer))) > 0)
            {
                int start = 0;
                if (atStart && read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                    start = 3;
                for (int i = start; i < read; i++)
                {
                    byte b = buffer[i];
                    if (b == '"')
                    {
                        quoted = !quoted;
                    }
                    else if (!quoted)
                    {
                        if (b is (byte)'\n' or (byte)'\r')
                        {
                            // Leading empty lines are skipped, as the reader skips them.
                            if (!atStart)
                            {
                                done = true;
                                break;
                            }
                            continue;
                        }
                        int k = candidates.IndexOf((char)b);
                        if (k >= 0)
                            counts[k]++;
                    }
                    atStart = false;
                }
                total += read;
            }
        }
        int best = 0;
        for (int k = 1; k < counts.Length; k++)
        {
            if (counts[k] > counts[best])
                best = k;
        }
        return candidates[best];
    }

    private static T Wrap<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is CsvFormatException or InvalidDataException)
        {
            throw new TableReadException(path, e.Message, null, null, e);
        }
    }

    private static void ValidateHeader(string path, IReadOnlyList<string> header)
    {
        if (header.Count == 0)
            throw new TableReadException(path, "the file is empty: a header line with the column names is required", null, null);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++)
        {
            string name = header[i];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new TableReadException(
                    path,
                    $"column {i + 1} of the header has no name (a pandas index written by to_csv()? write it with index=False)",
                    1,
                    null);
            }
            if (!seen.Add(name))
                throw new TableReadException(path, "the header names this column twice", 1, name);
        }
    }
}
