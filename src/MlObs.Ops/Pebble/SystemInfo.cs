// SystemInfo: what GET /v1/system-info says about the Pebble daemon.
namespace MlObs.Ops.Pebble;

/// <summary>The result of <c>GET /v1/system-info</c>.</summary>
/// <param name="BootId">The boot id; Juju fires <c>pebble-ready</c> when it changes.</param>
/// <param name="Version">Pebble's version, e.g. <c>v1.19.0</c>.</param>
/// <param name="HttpAddress">The TCP address Pebble also listens on (<c>--http</c>), or <see langword="null"/>.</param>
/// <param name="HttpsAddress">The TLS address Pebble listens on (<c>--https</c>), or <see langword="null"/>.</param>
public sealed record SystemInfo(string BootId, string Version, string? HttpAddress, string? HttpsAddress);
