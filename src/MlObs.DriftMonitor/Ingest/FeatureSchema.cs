using MlObs.Drift.Data;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// The features of one monitored model: the columns of its reference (name and kind), and the names given to positional
/// values, inputs (a row of an <c>instances</c> array, the columns of an input tensor) and outputs (the predictions).
/// </summary>
public sealed class FeatureSchema
{
    /// <summary>The output name used when a model has one unnamed output and none is configured.</summary>
    public const string DefaultOutputName = "prediction";

    /// <summary>Creates the schema of a model.</summary>
    /// <param name="columns">The reference columns: every feature the model is compared on, inputs and outputs.</param>
    /// <param name="inputNames">
    /// Names of positional inputs in order; null takes the reference columns that are not outputs, in reference order.
    /// </param>
    /// <param name="outputNames">
    /// Names of positional outputs in order; null takes <see cref="DefaultOutputName"/> when the reference has such a
    /// column, otherwise no names (positional outputs are then named <c>prediction</c>, <c>prediction_1</c>, …).
    /// </param>
    public FeatureSchema(TableSchema columns, IReadOnlyList<string>? inputNames = null, IReadOnlyList<string>? outputNames = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns;
        OutputNames = outputNames ?? (columns.IndexOf(DefaultOutputName) >= 0 ? [DefaultOutputName] : []);
        var outputs = new HashSet<string>(OutputNames, StringComparer.Ordinal);
        InputNames = inputNames ?? [.. columns.Columns.Select(c => c.Name).Where(n => !outputs.Contains(n))];
    }

    /// <summary>The reference columns.</summary>
    public TableSchema Columns { get; }

    /// <summary>Names of positional inputs, in order.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>Names of positional outputs, in order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The kind of a column, or null when the reference has no such column (a new column: a schema change).</summary>
    public ColumnKind? KindOf(string name)
    {
        int i = Columns.IndexOf(name);
        return i < 0 ? null : Columns.Columns[i].Kind;
    }

    /// <summary>The name of the positional output <paramref name="index"/>.</summary>
    public string OutputName(int index) =>
        index < OutputNames.Count ? OutputNames[index] : index == 0 ? DefaultOutputName : $"{DefaultOutputName}_{index}";
}
