// The reference hook tools use for a relation: endpoint plus relation id.
namespace MlObs.Ops.HookTools;

/// <summary>A relation as hook tools address it; formats as <c>endpoint:id</c>, the form ops main passes to <c>-r</c>.</summary>
/// <param name="Endpoint">The charm's endpoint name, for example <c>metrics-endpoint</c>.</param>
/// <param name="Id">The relation id Juju assigned.</param>
public sealed record RelationRef(string Endpoint, int Id)
{
    /// <summary>Returns <c>endpoint:id</c>.</summary>
    /// <returns>The relation reference as hook tools take it.</returns>
    public override string ToString() => $"{Endpoint}:{Id}";
}
