namespace MlObs.Drift.Data;

/// <summary>How a column's values are compared. Inference rules: <c>src/MlObs.Drift/README.md</c>, "Column kinds".</summary>
public enum ColumnKind
{
    /// <summary>Real numbers, compared with distribution tests and distances.</summary>
    Numerical,

    /// <summary>Labels, compared through their category counts.</summary>
    Categorical,

    /// <summary>true/false, compared like a categorical column with the categories "false" and "true".</summary>
    Boolean,

    /// <summary>Instants, compared as numbers: seconds since the Unix epoch (UTC).</summary>
    Datetime,
}

/// <summary>Names of <see cref="ColumnKind"/> as they appear in reports and on the command line.</summary>
public static class ColumnKinds
{
    /// <summary>The lower-case name ("numerical", "categorical", "boolean", "datetime").</summary>
    public static string Name(this ColumnKind kind) => kind switch
    {
        ColumnKind.Numerical => "numerical",
        ColumnKind.Categorical => "categorical",
        ColumnKind.Boolean => "boolean",
        ColumnKind.Datetime => "datetime",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Parses a name written by <see cref="Name"/> (case-insensitive); false for anything else.</summary>
    public static bool TryParse(string text, out ColumnKind kind)
    {
        foreach (ColumnKind k in Enum.GetValues<ColumnKind>())
        {
            if (string.Equals(k.Name(), text, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>True when the kind's values are carried as numbers (<see cref="NumericValues"/>).</summary>
    public static bool IsNumeric(this ColumnKind kind) => kind is ColumnKind.Numerical or ColumnKind.Datetime;
}
