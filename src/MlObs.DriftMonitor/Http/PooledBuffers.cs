using System.Buffers;

namespace MlObs.DriftMonitor.Http;

/// <summary>
/// The byte buffers of request bodies and log payloads. Ingest holds a few hundred kilobytes per request in flight, more
/// than the shared pool keeps per size class, so under load the shared pool would fall back to new large-object-heap arrays
/// (and gen-2 collections); this pool keeps up to 32 buffers of each power-of-two size.
/// </summary>
internal static class PooledBuffers
{
    /// <summary>The pool.</summary>
    public static ArrayPool<byte> Bytes { get; } = ArrayPool<byte>.Create(maxArrayLength: 256 * 1024 * 1024, maxArraysPerBucket: 32);
}
