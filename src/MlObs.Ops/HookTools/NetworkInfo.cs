// The network-get answer for one binding.
namespace MlObs.Ops.HookTools;

/// <summary>What <c>network-get</c> reports for a binding.</summary>
/// <param name="BindAddresses">The interfaces the binding is bound to.</param>
/// <param name="EgressSubnets">The subnets (CIDRs) traffic from this unit appears to come from.</param>
/// <param name="IngressAddresses">The addresses other units should use to reach this unit.</param>
public sealed record NetworkInfo(
    IReadOnlyList<BindAddress> BindAddresses,
    IReadOnlyList<string> EgressSubnets,
    IReadOnlyList<string> IngressAddresses);
