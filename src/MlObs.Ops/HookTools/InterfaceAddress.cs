// One address on an interface in a network-get answer.
namespace MlObs.Ops.HookTools;

/// <summary>One address on a bound interface.</summary>
/// <param name="Hostname">The hostname, usually empty.</param>
/// <param name="Value">The IP address (older agents call this field <c>address</c>).</param>
/// <param name="Cidr">The subnet in CIDR form; may be empty.</param>
public sealed record InterfaceAddress(string Hostname, string Value, string Cidr);
