using MlObs.Drift.Data;

namespace MlObs.Drift.Tables;

/// <summary>Options of <see cref="TableFile"/>; every one is optional.</summary>
public sealed record TableReadOptions
{
    /// <summary>The default <see cref="BatchRows"/>.</summary>
    public const int DefaultBatchRows = 65_536;

    /// <summary>The default <see cref="BatchCells"/>: 4,194,304 values, 32 MiB of numbers.</summary>
    public const int DefaultBatchCells = 4_194_304;

    /// <summary>
    /// The number of rows of each <see cref="Data.RowBatch"/> that <see cref="TableFile.Read"/> yields (the last one may be
    /// shorter; Parquet batches also end at row-group boundaries). Memory is bounded by it. Must be positive.
    /// </summary>
    public int BatchRows { get; init; } = DefaultBatchRows;

    /// <summary>
    /// The most values (rows × columns read) a batch holds, so that the memory of a wide table stays bounded too: a batch has
    /// min(<see cref="BatchRows"/>, max(1, BatchCells / columns)) rows. Must be positive.
    /// </summary>
    public int BatchCells { get; init; } = DefaultBatchCells;

    /// <summary>
    /// When true, <see cref="TableFile.Read"/> fills the same buffers for every batch: a batch's values are valid only until
    /// the next batch is requested (copy what you keep). Reading allocates almost nothing then, which is markedly faster on
    /// large files. False (the default): every batch has buffers of its own.
    /// </summary>
    public bool ReuseBuffers { get; init; }

    /// <summary>
    /// Kinds set by the user (<c>--kind col=categorical</c>), which win over inference in <see cref="TableFile.InferSchema"/>.
    /// A name that the file does not have is an error. <see cref="TableFile.Read"/> ignores them: its schema already holds the
    /// kinds.
    /// </summary>
    public IReadOnlyDictionary<string, ColumnKind>? KindOverrides { get; init; }

    /// <summary>
    /// Only these columns are inferred and read (the others are skipped without being parsed); null reads all. In
    /// <see cref="TableFile.InferSchema"/> a name the file does not have is an error; in <see cref="TableFile.Read"/> it is
    /// simply absent.
    /// </summary>
    public IReadOnlySet<string>? Columns { get; init; }

    /// <summary>
    /// Receives progress during <see cref="TableFile.InferSchema"/> and <see cref="TableFile.Read"/>: at most about ten reports a
    /// second, and one at the end of the pass.
    /// </summary>
    public IProgress<TableProgress>? Progress { get; init; }

    /// <summary>
    /// The CSV field delimiter; null (the default) sniffs it from the header line: the most frequent of <c>,</c> <c>;</c> tab
    /// <c>|</c> outside quotes (ties in that order), or <c>,</c> when none occurs. Ignored for Parquet.
    /// </summary>
    public char? Delimiter { get; init; }

    /// <summary>
    /// Called with the name of each column that cannot be read as a drift column and the reason (nested or list Parquet
    /// columns, raw binary columns), when <see cref="TableFile.InferSchema"/> leaves it out of the schema.
    /// </summary>
    public Action<string, string>? ColumnSkipped { get; init; }
}
