// KnownFacades: the facade versions Juju.Net's generated clients can speak, and the negotiation rule of
// Juju's clients (the highest version both sides know; juju-api.md §1.7). The generated types come from
// the 3.6.27 schema; §3.6 shows the wire shapes of the workflow calls are the same back to 3.5, where
// only the version number differs (Application 20, Client 7), so those older numbers are listed too.
using System.Collections.Frozen;

namespace Juju.Net;

/// <summary>The facade versions the generated clients speak, and the choice of the version to send to a controller.</summary>
public static class KnownFacades
{
    /// <summary>Facade name → the versions Juju.Net speaks, lowest first.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<int>> Versions { get; } = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal)
    {
        [ActionClient.FacadeName] = [ActionClient.SchemaVersion],
        [AdminClient.FacadeName] = [AdminClient.SchemaVersion],
        [AllWatcherClient.FacadeName] = [AllWatcherClient.SchemaVersion],
        [AnnotationsClient.FacadeName] = [AnnotationsClient.SchemaVersion],
        // Application 20 (3.5, 3.6.0) and 21 have the 3.6.27 shapes, except ScaleApplications' optional attach-storage.
        [ApplicationClient.FacadeName] = [20, 21, ApplicationClient.SchemaVersion],
        [ApplicationOffersClient.FacadeName] = [ApplicationOffersClient.SchemaVersion],
        [BundleClient.FacadeName] = [BundleClient.SchemaVersion],
        [CharmsClient.FacadeName] = [CharmsClient.SchemaVersion],
        // Client 7 (3.5) has the 3.6.27 FullStatus and WatchAll shapes.
        [ClientClient.FacadeName] = [7, ClientClient.SchemaVersion],
        [MachineManagerClient.FacadeName] = [MachineManagerClient.SchemaVersion],
        [ModelConfigClient.FacadeName] = [ModelConfigClient.SchemaVersion],
        [ModelManagerClient.FacadeName] = [ModelManagerClient.SchemaVersion],
        [PingerClient.FacadeName] = [PingerClient.SchemaVersion],
        [ResourcesClient.FacadeName] = [ResourcesClient.SchemaVersion],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The highest version of <paramref name="facade"/> that both Juju.Net and the server know, or <see langword="null"/> when there is none.</summary>
    /// <param name="facade">The facade name, e.g. <c>Application</c>.</param>
    /// <param name="offered">The versions the server lists for it in the login result's <c>facades</c>.</param>
    public static int? Best(string facade, IEnumerable<long> offered)
    {
        ArgumentNullException.ThrowIfNull(offered);
        if (!Versions.TryGetValue(facade, out var known))
        {
            return null;
        }

        int? best = null;
        foreach (var version in offered)
        {
            if (version > (best ?? 0) && known.Contains((int)version))
            {
                best = (int)version;
            }
        }

        return best;
    }
}
