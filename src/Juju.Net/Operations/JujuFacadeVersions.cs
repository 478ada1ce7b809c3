// JujuFacadeVersions: which version of each facade the high-level operations send. The defaults are the
// versions the generated clients come from (Juju 3.6.27); a connection passes the negotiated ones.
namespace Juju.Net;

/// <summary>The facade versions <see cref="JujuOperations"/> sends, one per facade it calls.</summary>
/// <remarks>
/// The defaults are each generated client's <c>SchemaVersion</c>. After login, pass the best version both
/// sides know (juju-api.md §1.7); the workflow's wire shapes are the same from Juju 3.5 on (§3.6), e.g.
/// <c>JujuFacadeVersions.Default with { Application = 20, Client = 7 }</c> for a 3.5 controller.
/// </remarks>
public sealed record JujuFacadeVersions
{
    /// <summary>The versions of the generated clients (Juju 3.6.27).</summary>
    public static JujuFacadeVersions Default { get; } = new();

    /// <summary>Action facade version (enqueue and poll actions).</summary>
    public int Action { get; init; } = ActionClient.SchemaVersion;

    /// <summary>Annotations facade version (bundle <c>setAnnotations</c>).</summary>
    public int Annotations { get; init; } = AnnotationsClient.SchemaVersion;

    /// <summary>Application facade version (deploy, units, relations, expose, config, consume, scale).</summary>
    public int Application { get; init; } = ApplicationClient.SchemaVersion;

    /// <summary>ApplicationOffers facade version (offer and consume details, on the controller connection).</summary>
    public int ApplicationOffers { get; init; } = ApplicationOffersClient.SchemaVersion;

    /// <summary>Bundle facade version (<c>GetChangesMapArgs</c>).</summary>
    public int Bundle { get; init; } = BundleClient.SchemaVersion;

    /// <summary>Charms facade version (resolve, add and describe charms).</summary>
    public int Charms { get; init; } = CharmsClient.SchemaVersion;

    /// <summary>Client facade version (<c>FullStatus</c>).</summary>
    public int Client { get; init; } = ClientClient.SchemaVersion;

    /// <summary>MachineManager facade version (bundle <c>addMachines</c> on machine models).</summary>
    public int MachineManager { get; init; } = MachineManagerClient.SchemaVersion;

    /// <summary>Resources facade version (pending Charmhub resources of a deployed charm).</summary>
    public int Resources { get; init; } = ResourcesClient.SchemaVersion;
}
