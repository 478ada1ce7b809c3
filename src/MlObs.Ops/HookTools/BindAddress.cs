// One network interface in a network-get answer.
namespace MlObs.Ops.HookTools;

/// <summary>One interface a binding is bound to.</summary>
/// <param name="InterfaceName">The interface name, for example <c>eth0</c>; may be empty.</param>
/// <param name="MacAddress">The interface's MAC address; may be empty.</param>
/// <param name="Addresses">The addresses on that interface.</param>
public sealed record BindAddress(string InterfaceName, string MacAddress, IReadOnlyList<InterfaceAddress> Addresses);
