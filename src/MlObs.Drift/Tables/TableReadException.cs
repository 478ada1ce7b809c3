namespace MlObs.Drift.Tables;

/// <summary>
/// A data file that cannot be read: missing or duplicate header names, a row with the wrong number of fields, an unknown column
/// in the options, a corrupt Parquet file. The message names the file, and the line and column when they are known. Values
/// that do not parse as their column's kind are never an error: they are counted in <see cref="Data.ColumnValues.InvalidCount"/>.
/// </summary>
public sealed class TableReadException : Exception
{
    /// <summary>Creates an exception without a file (prefer the constructor that names the file).</summary>
    public TableReadException()
        : this("The table could not be read.")
    {
    }

    /// <summary>Creates an exception without a file (prefer the constructor that names the file).</summary>
    public TableReadException(string message)
        : this(message, (Exception?)null)
    {
    }

    /// <summary>Creates an exception without a file (prefer the constructor that names the file).</summary>
    public TableReadException(string message, Exception? innerException)
        : base(message, innerException) => Path = string.Empty;

    /// <summary>Creates an exception about <paramref name="path"/>; the message is built from the parts.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">What is wrong, without the file, line and column.</param>
    /// <param name="line">The 1-based line (the CSV header is line 1), if known.</param>
    /// <param name="column">The column, if one is at fault.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TableReadException(string path, string problem, long? line, string? column, Exception? innerException = null)
        : base(Format(path, problem, line, column), innerException)
    {
        Path = path;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The file (empty when the exception was created without one).</summary>
    public string Path { get; }

    /// <summary>The 1-based line of the file (the CSV header is line 1), or null.</summary>
    public long? Line { get; }

    /// <summary>The column at fault, or null.</summary>
    public string? Column { get; }

    /// <summary>What is wrong, without the file, line and column (null when created without a file).</summary>
    public string? Problem { get; }

    private static string Format(string path, string problem, long? line, string? column)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(problem);
        var text = new System.Text.StringBuilder(path);
        if (line is { } l)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $", line {l}");
        if (column is not null)
            text.Append(", column '").Append(column).Append('\'');
        return text.Append(": ").Append(problem).ToString();
    }
}
