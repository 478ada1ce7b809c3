namespace MlObs.Drift.Tables;

/// <summary>The file formats <see cref="TableFile"/> reads.</summary>
public enum TableFormat
{
    /// <summary>Delimited text (RFC 4180 CSV, TSV, …), optionally gzip-compressed.</summary>
    Csv,

    /// <summary>Apache Parquet.</summary>
    Parquet,
}
