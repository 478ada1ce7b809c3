using MlObs.Drift.Data;

namespace MlObs.Drift.Tables;

/// <summary>
/// Reads CSV and Parquet data files into typed <see cref="RowBatch"/>es, streaming, with the column kinds inferred from a
/// reference file or set by the user. The rules are in <c>src/MlObs.Drift/README.md</c>, "Column kinds".
/// </summary>
/// <remarks>
/// The usual sequence: <see cref="InferSchema"/> on the reference file, then <see cref="Read"/> of the reference and of each
/// current window with that schema, and <see cref="ReadHeader"/> of the current file to report the columns it lacks or adds.
/// A value that does not parse as its column's kind is missing and counted in <see cref="ColumnValues.InvalidCount"/>; only
/// a malformed file is an error (<see cref="TableReadException"/>). Parquet.Net's asynchronous API is waited on: call these
/// methods from a worker thread, not a UI thread.
/// </remarks>
public static class TableFile
{
    /// <summary>
    /// The format of a file: by extension (<c>.csv</c>, <c>.tsv</c>, <c>.txt</c>, <c>.tab</c>, each optionally followed by
    /// <c>.gz</c>, are CSV; <c>.parquet</c>, <c>.pq</c>, <c>.parq</c> are Parquet), else Parquet when the file starts with the
    /// magic bytes <c>PAR1</c>, else CSV.
    /// </summary>
    /// <param name="path">The file.</param>
    public static TableFormat DetectFormat(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string name = System.IO.Path.GetFileName(path);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            name = name[..^3];
        string extension = System.IO.Path.GetExtension(name);
        foreach (string csv in (ReadOnlySpan<string>)[".csv", ".tsv", ".txt", ".tab"])
        {
            if (string.Equals(extension, csv, StringComparison.OrdinalIgnoreCase))
                return TableFormat.Csv;
        }
        foreach (string parquet in (ReadOnlySpan<string>)[".parquet", ".pq", ".parq"])
        {
            if (string.Equals(extension, parquet, StringComparison.OrdinalIgnoreCase))
                return TableFormat.Parquet;
        }
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        Span<byte> magic = stackalloc byte[4];
        int read = file.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        return read == 4 && magic.SequenceEqual("PAR1"u8) ? TableFormat.Parquet : TableFormat.Csv;
    }

    /// <summary>
    /// The file's column names in file order, without reading its rows: the CSV header, or the top-level columns of a Parquet
    /// file (nested ones included, though <see cref="InferSchema"/> leaves them out).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Options; only <see cref="TableReadOptions.Delimiter"/> is used.</param>
    /// <exception cref="TableReadException">The file is empty, its header is invalid, or it is not a Parquet file.</exception>
    public static IReadOnlyList<string> ReadHeader(string path, TableReadOptions? options = null)
    {
        options = Validate(path, options);
        if (DetectFormat(path) == TableFormat.Parquet)
        {
            using ParquetTable parquet = ParquetTable.Open(path, CancellationToken.None);
            return [.. parquet.Columns.Select(c => c.Name)];
        }
        using CsvTable csv = CsvTable.Open(path, options.Delimiter);
        return [.. csv.Header];
    }

    /// <summary>
    /// Infers the kind of every column (or of <see cref="TableReadOptions.Columns"/>) in one streaming pass over the file;
    /// <see cref="TableReadOptions.KindOverrides"/> win. Columns are in file order. Parquet columns that cannot be compared
    /// (nested, binary) are left out and reported through <see cref="TableReadOptions.ColumnSkipped"/>.
    /// </summary>
    /// <param name="path">The file, typically the reference.</param>
    /// <param name="options">Options.</param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <exception cref="TableReadException">
    /// The file is malformed, or an override or a selected column names a column the file lacks or cannot compare.
    /// </exception>
    public static TableSchema InferSchema(string path, TableReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = Validate(path, options);
        return DetectFormat(path) == TableFormat.Parquet
            ? InferParquet(path, options, cancellationToken)
            : InferCsv(path, options, cancellationToken);
    }

    /// <summary>
    /// Reads the file in batches of <see cref="TableReadOptions.BatchRows"/> rows, with the kinds of
    /// <paramref name="schema"/> (typically inferred from another file, the reference). Columns of the schema that the file
    /// lacks are absent from the batches; columns of the file that the schema lacks are skipped. The file is read as the
    /// batches are enumerated and closed when the enumeration ends.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="schema">The columns to read and their kinds.</param>
    /// <param name="options">Options (<see cref="TableReadOptions.KindOverrides"/> is not used: the schema has the kinds).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="TableReadException">The file is malformed (thrown while enumerating).</exception>
    public static IEnumerable<RowBatch> Read(
        string path, TableSchema schema, TableReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        options = Validate(path, options);
        return DetectFormat(path) == TableFormat.Parquet
            ? ReadParquet(path, schema, options, cancellationToken)
            : ReadCsv(path, schema, options, cancellationToken);
    }

    private static TableReadOptions Validate(string path, TableReadOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new TableReadOptions();
        if (options.BatchRows <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchRows, "BatchRows must be positive.");
        if (options.BatchCells <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchCells, "BatchCells must be positive.");
        return options;
    }

    /// <summary>
    /// The file's columns that a pass looks at, in file order, with their overridden kind; checks that every override and
    /// every selected column names a column of the file.
    /// </summary>
    private static List<(int Index, string Name, ColumnKind? Override)> SelectForInference(
        string path, IReadOnlyList<string> names, TableReadOptions options)
    {
        var index = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
            index.TryAdd(names[i], i);
        if (options.Columns is { } columns)
        {
            foreach (string name in columns.Order(StringComparer.Ordinal))
            {
                if (!index.ContainsKey(name))
                    throw new TableReadException(path, "the column is selected but the file does not have it", null, name);
            }
        }
        if (options.KindOverrides is { } overrides)
        {
            foreach (string name in overrides.Keys.Order(StringComparer.Ordinal))
            {
                if (!index.ContainsKey(name))
                {
                    throw new TableReadException(
                        path, $"a kind ({overrides[name].Name()}) is set for the column but the file does not have it", null, name);
                }
            }
        }
        var selected = new List<(int, string, ColumnKind?)>(names.Count);
        for (int i = 0; i < names.Count; i++)
        {
            if (index[names[i]] != i || (options.Columns is { } only && !only.Contains(names[i])))
                continue;
            ColumnKind? kind = options.KindOverrides is { } o && o.TryGetValue(names[i], out ColumnKind k) ? k : null;
            selected.Add((i, names[i], kind));
        }
        return selected;
    }

    private static TableSchema InferCsv(string path, TableReadOptions options, CancellationToken ct)
    {
        using CsvTable csv = CsvTable.Open(path, options.Delimiter);
        List<(int Index, string Name, ColumnKind? Override)> selected = SelectForInference(path, csv.Header, options);
        var inferrers = new KindInferrer?[selected.Count];
        var active = new List<(int Field, KindInferrer Inferrer)>();
        for (int k = 0; k < selected.Count; k++)
        {
            if (selected[k].Override is null)
            {
                inferrers[k] = new KindInferrer();
                active.Add((selected[k].Index, inferrers[k]!));
            }
        }
        int[] fields = [.. active.Select(a => a.Field)];
        KindInferrer[] observers = [.. active.Select(a => a.Inferrer)];
        int count = fields.Length;
        var progress = new ProgressReporter(options.Progress, path, csv.Length);
        long rows = 0;
        while (csv.Read())
        {
            for (int k = 0; k < count; k++)
                observers[k].ObserveText(csv.Field(fields[k]));
            if ((++rows & 1023) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress.Tick(csv.BytesRead, rows);
                // Categorical is final: stop looking at those columns.
                int kept = 0;
                for (int k = 0; k < count; k++)
                {
                    if (!observers[k].IsCategorical)
                    {
                        fields[kept] = fields[k];
                        observers[kept++] = observers[k];
                    }
                }
                count = kept;
            }
        }
        ct.ThrowIfCancellationRequested();
        progress.Done(rows);
        var specs = new ColumnSpec[selected.Count];
        for (int k = 0; k < selected.Count; k++)
            specs[k] = new ColumnSpec(selected[k].Name, selected[k].Override ?? inferrers[k]!.Kind);
        return new TableSchema(specs);
    }

    private static IEnumerable<RowBatch> ReadCsv(string path, TableSchema schema, TableReadOptions options, CancellationToken ct)
    {
        using CsvTable csv = CsvTable.Open(path, options.Delimiter);
        var index = new Dictionary<string, int>(csv.Header.Count, StringComparer.Ordinal);
        for (int i = 0; i < csv.Header.Count; i++)
            index.TryAdd(csv.Header[i], i);
        var fields = new List<int>();
        var specs = new List<ColumnSpec>();
        foreach (ColumnSpec spec in schema.Columns)
        {
            if ((options.Columns is null || options.Columns.Contains(spec.Name)) && index.TryGetValue(spec.Name, out int field))
            {
                fields.Add(field);
                specs.Add(spec);
            }
        }
        int batchRows = BatchRows(options, fields.Count);
        ColumnBuilder[] builderArray = [.. specs.Select(s => ColumnBuilder.Create(s.Name, s.Kind, batchRows, options.ReuseBuffers))];
        int[] fieldArray = [.. fields];
        var progress = new ProgressReporter(options.Progress, path, csv.Length);
        long rows = 0;
        int count;
        while ((count = FillBatch(csv, builderArray, fieldArray, batchRows, rows, progress, ct)) > 0)
        {
            rows += count;
            yield return Take(builderArray, count);
        }
        progress.Done(rows);
    }

    /// <summary>Reads up to <paramref name="batchRows"/> rows into the builders; returns how many (0 at the end).</summary>
    private static int FillBatch(
        CsvTable csv, ColumnBuilder[] builders, int[] fields, int batchRows, long rowsBefore, ProgressReporter progress, CancellationToken ct)
    {
        int count = 0;
        while (count < batchRows && csv.Read())
        {
            for (int k = 0; k < fields.Length; k++)
                builders[k].AddText(csv.Field(fields[k]));
            if ((++count & 1023) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress.Tick(csv.BytesRead, rowsBefore + count);
            }
        }
        ct.ThrowIfCancellationRequested();
        progress.Tick(csv.BytesRead, rowsBefore + count);
        return count;
    }

    /// <summary>The rows of a batch: <see cref="TableReadOptions.BatchRows"/>, fewer for a wide table.</summary>
    private static int BatchRows(TableReadOptions options, int columns) =>
        Math.Clamp(options.BatchCells / Math.Max(1, columns), 1, options.BatchRows);

    private static RowBatch Take(ColumnBuilder[] builders, int rows)
    {
        var columns = new ColumnValues[builders.Length];
        for (int k = 0; k < builders.Length; k++)
            columns[k] = builders[k].Take();
        return new RowBatch(rows, columns);
    }

    private static TableSchema InferParquet(string path, TableReadOptions options, CancellationToken ct)
    {
        using ParquetTable parquet = ParquetTable.Open(path, ct);
        List<(int Index, string Name, ColumnKind? Override)> selected =
            SelectForInference(path, [.. parquet.Columns.Select(c => c.Name)], options);
        var kinds = new ColumnKind?[selected.Count];
        var inferrers = new KindInferrer?[selected.Count];
        var keep = new bool[selected.Count];
        for (int k = 0; k < selected.Count; k++)
        {
            ParquetColumn column = parquet.Columns[selected[k].Index];
            if (column.Source == ParquetSource.Unsupported)
            {
                bool named = selected[k].Override is not null || options.Columns is not null;
                if (named)
                    throw new TableReadException(path, $"it is {column.Reason}, which drift cannot compare", null, column.Name);
                options.ColumnSkipped?.Invoke(column.Name, $"{column.Reason}: skipped");
                continue;
            }
            keep[k] = true;
            kinds[k] = selected[k].Override ?? ParquetTable.KindOfType(column.Source);
            if (kinds[k] is null)
                inferrers[k] = new KindInferrer();
        }
        var progress = new ProgressReporter(options.Progress, path, parquet.Length);
        long rows = 0;
        long bytes = 0;
        for (int g = 0; g < parquet.RowGroupCount; g++)
        {
            (int groupRows, long groupBytes) = parquet.RowGroup(g);
            for (int k = 0; k < selected.Count; k++)
            {
                if (inferrers[k] is not { } inferrer)
                    continue;
                ParquetColumn column = parquet.Columns[selected[k].Index];
                bool decided = column.Source == ParquetSource.Text ? inferrer.IsCategorical : inferrer.NumbersDecided;
                if (decided || groupRows == 0)
                    continue;
                ct.ThrowIfCancellationRequested();
                parquet.Observe(g, column, inferrer, ct);
            }
            rows += groupRows;
            bytes += groupBytes;
            progress.Tick(bytes, rows);
        }
        progress.Done(rows);
        var specs = new List<ColumnSpec>(selected.Count);
        for (int k = 0; k < selected.Count; k++)
        {
            if (keep[k])
                specs.Add(new ColumnSpec(selected[k].Name, kinds[k] ?? inferrers[k]!.Kind));
        }
        return new TableSchema(specs);
    }

    private static IEnumerable<RowBatch> ReadParquet(string path, TableSchema schema, TableReadOptions options, CancellationToken ct)
    {
        using ParquetTable parquet = ParquetTable.Open(path, ct);
        var byName = new Dictionary<string, ParquetColumn>(StringComparer.Ordinal);
        foreach (ParquetColumn column in parquet.Columns)
            byName.TryAdd(column.Name, column);
        var columns = new List<ParquetColumn>();
        var specs = new List<ColumnSpec>();
        foreach (ColumnSpec spec in schema.Columns)
        {
            if ((options.Columns is null || options.Columns.Contains(spec.Name)) && byName.TryGetValue(spec.Name, out ParquetColumn? column))
            {
                if (column.Source == ParquetSource.Unsupported)
                    throw new TableReadException(path, $"it is {column.Reason}, which cannot be read as {spec.Kind.Name()}", null, spec.Name);
                columns.Add(column);
                specs.Add(spec);
            }
        }
        int batchRows = BatchRows(options, columns.Count);
        var labels = new LabelCache[specs.Count];
        var converted = new ConvertedColumn[specs.Count];
        for (int k = 0; k < specs.Count; k++)
        {
            labels[k] = new LabelCache();
            converted[k] = new ConvertedColumn(specs[k].Name);
        }
        var progress = new ProgressReporter(options.Progress, path, parquet.Length);
        long rows = 0;
        long bytes = 0;
        for (int g = 0; g < parquet.RowGroupCount; g++)
        {
            (int groupRows, long groupBytes) = parquet.RowGroup(g);
            if (groupRows > 0)
            {
                for (int k = 0; k < specs.Count; k++)
                {
                    ct.ThrowIfCancellationRequested();
                    parquet.Convert(g, columns[k], specs[k].Kind, labels[k], converted[k], options.ReuseBuffers, ct);
                }
            }
            for (int start = 0; start < groupRows; start += batchRows)
            {
                int count = Math.Min(batchRows, groupRows - start);
                var batch = new ColumnValues[specs.Count];
                for (int k = 0; k < specs.Count; k++)
                    batch[k] = converted[k].Slice(start, count);
                rows += count;
                ct.ThrowIfCancellationRequested();
                progress.Tick(bytes + (long)((double)groupBytes * (start + count) / groupRows), rows);
                yield return new RowBatch(count, batch);
            }
            bytes += groupBytes;
        }
        progress.Done(rows);
    }
}
