// RelationMeta: one relation endpoint declared under requires, provides or peers.
namespace MlObs.Ops.Metadata;

/// <summary>A relation endpoint as the charm's metadata declares it.</summary>
/// <param name="Name">The endpoint name, the key under <c>requires</c>, <c>provides</c> or <c>peers</c>.</param>
/// <param name="Role">The section that declares the endpoint.</param>
/// <param name="Interface">The interface name; only endpoints with equal interfaces can be related.</param>
/// <param name="Limit">The most relations the endpoint accepts, or <see langword="null"/> when unlimited.</param>
/// <param name="Optional">Whether the charm works without this relation (informational for Juju).</param>
/// <param name="Scope"><c>global</c> (the default) or <c>container</c> (subordinate relations).</param>
public sealed record RelationMeta(string Name, RelationRole Role, string Interface, int? Limit, bool Optional, string Scope);
