// The endpoint catalog's records: what bundles/catalog/ says about each external charm and each
// cross-model offer the bundles consume.
using MlObs.Ops.Metadata;

namespace MlObs.Bundles.Catalog;

/// <summary>Where a catalog entry's facts come from.</summary>
public enum CatalogOrigin
{
    /// <summary>Imported from the shared catalog (<c>../shared/catalog/charm-endpoints.json</c>); must agree with it.</summary>
    Shared,

    /// <summary>Written by hand from the charm's own metadata at the cited commit; the shared catalog lacks the charm.</summary>
    Upstream,
}

/// <summary>One relation endpoint of an external charm.</summary>
/// <param name="Name">The endpoint name.</param>
/// <param name="Role">provides, requires or peers.</param>
/// <param name="Interface">The interface name.</param>
/// <param name="Limit">The most relations the endpoint takes, when the charm says.</param>
/// <param name="Optional">Whether the charm marks the endpoint optional.</param>
public sealed record CatalogEndpoint(string Name, RelationRole Role, string Interface, int? Limit = null, bool Optional = false);

/// <summary>The endpoints of one external charm and where they were read.</summary>
/// <param name="Name">The charm name on Charmhub.</param>
/// <param name="Source">The metadata file the endpoints were read from, as <c>owner/repo@commit:path</c>.</param>
/// <param name="Origin">Imported from the shared catalog, or written by hand from the source.</param>
/// <param name="Endpoints">The endpoints by name.</param>
public sealed record CatalogCharm(string Name, string Source, CatalogOrigin Origin, IReadOnlyDictionary<string, CatalogEndpoint> Endpoints);

/// <summary>A cross-model offer that bundles consume as <c>saas</c>.</summary>
/// <param name="Name">The offer name, the last part of the offer URL.</param>
/// <param name="Application">The offering application in its model.</param>
/// <param name="Charm">The offering application's charm, a catalog charm.</param>
/// <param name="Endpoints">The endpoints of the application that the offer exposes.</param>
/// <param name="Source">Where the offer is defined.</param>
public sealed record CatalogOffer(string Name, string Application, string Charm, IReadOnlyList<string> Endpoints, string Source);

/// <summary>A catalog file that cannot be read; the message names the file and line.</summary>
public sealed class CatalogException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CatalogException()
    {
    }

    /// <summary>Creates the exception with a message naming the file and line.</summary>
    /// <param name="message">The message.</param>
    public CatalogException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
