// One entry of opened-ports.
namespace MlObs.Ops.HookTools;

/// <summary>A port or port range this unit has opened, as <c>opened-ports</c> lists it.</summary>
/// <param name="Protocol"><c>tcp</c>, <c>udp</c> or <c>icmp</c>.</param>
/// <param name="FromPort">The first port of the range (the port itself for a single port); <see langword="null"/> for ICMP.</param>
/// <param name="ToPort">The last port of the range (equal to <paramref name="FromPort"/> for a single port); <see langword="null"/> for ICMP.</param>
public sealed record OpenedPort(string Protocol, int? FromPort, int? ToPort);
