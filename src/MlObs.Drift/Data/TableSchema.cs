namespace MlObs.Drift.Data;

/// <summary>One column of a table: its name and the kind its values are compared as.</summary>
/// <param name="Name">The column name, as in the file's header.</param>
/// <param name="Kind">The kind, inferred from the reference or set by the user.</param>
public sealed record ColumnSpec(string Name, ColumnKind Kind);

/// <summary>The columns of a table in file order.</summary>
public sealed class TableSchema
{
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a schema; column names must be unique (ordinal comparison).</summary>
    public TableSchema(IReadOnlyList<ColumnSpec> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns;
        _index = new Dictionary<string, int>(columns.Count, StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++)
        {
            if (!_index.TryAdd(columns[i].Name, i))
                throw new ArgumentException($"Column '{columns[i].Name}' appears twice.", nameof(columns));
        }
    }

    /// <summary>The columns, in file order.</summary>
    public IReadOnlyList<ColumnSpec> Columns { get; }

    /// <summary>The position of a column, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out int i) ? i : -1;
}
