namespace MlObs.Drift.Tables;

/// <summary>How far a pass over a file has come, reported through <see cref="TableReadOptions.Progress"/>.</summary>
/// <param name="Path">The file being read.</param>
/// <param name="BytesRead">
/// Bytes of the file consumed so far (for gzip, compressed bytes; for Parquet, the compressed size of the row groups read).
/// </param>
/// <param name="TotalBytes">The size of the file in bytes.</param>
/// <param name="Rows">Data rows read so far (the CSV header is not counted).</param>
public readonly record struct TableProgress(string Path, long BytesRead, long TotalBytes, long Rows);
