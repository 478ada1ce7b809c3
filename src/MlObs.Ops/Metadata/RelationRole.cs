// RelationRole: which of requires, provides or peers declares an endpoint.
namespace MlObs.Ops.Metadata;

/// <summary>The section of the metadata that declares a relation endpoint.</summary>
public enum RelationRole
{
    /// <summary>Declared under <c>requires</c>: the charm consumes the interface.</summary>
    Requires,

    /// <summary>Declared under <c>provides</c>: the charm offers the interface.</summary>
    Provides,

    /// <summary>Declared under <c>peers</c>: the units of the application talk to each other.</summary>
    Peer,
}
