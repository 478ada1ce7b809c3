using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;

namespace MlObs.DriftMonitor.Storage;

/// <summary>
/// One acknowledged batch of records as the write-ahead log stores it (<see cref="RecordCodec"/> encodes it, a
/// <see cref="RecordLog"/> entry carries it): enough to apply it to the model's window again after a restart.
/// </summary>
/// <param name="Model">The model the records belong to.</param>
/// <param name="Half">Whole records, or the request or response half of inferences to be joined.</param>
/// <param name="JoinKey">The key that pairs a request with its response (for example the CloudEvent id); null when none.</param>
/// <param name="ReceivedAt">When the service received the batch; stored to the millisecond, read back in UTC.</param>
/// <param name="Rows">The typed rows.</param>
public sealed record LoggedBatch(string Model, RecordHalf Half, string? JoinKey, DateTimeOffset ReceivedAt, RowBatch Rows);
