// SaasUrl: the offer URL of a saas entry, [CONTROLLER:][QUALIFIER/]MODEL.OFFER, split and checked as
// Juju's validateOfferURL does (the controller prefix is how a model consumes from another controller).
namespace MlObs.Bundles.Checking;

internal sealed record SaasUrl(string? Controller, string? Qualifier, string Model, string Offer)
{
    /// <summary>Parses the URL, or returns null with the reason in <paramref name="error"/>.</summary>
    public static SaasUrl? Parse(string url, out string? error)
    {
        error = null;
        string? controller = null;
        var rest = url;
        var parts = url.Split(':');
        if (parts.Length == 3 || (parts.Length == 2 && !JujuNames.IsEndpoint(parts[1])))
        {
            controller = parts[0];
            rest = string.Join(':', parts[1..]);
        }

        if (controller is { Length: 0 })
        {
            error = "the controller before ':' is empty";
            return null;
        }

        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            rest = rest[..colon];
        }

        string? qualifier = null;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            qualifier = rest[..slash];
            rest = rest[(slash + 1)..];
        }

        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || rest.Contains('/', StringComparison.Ordinal))
        {
            error = "an offer URL is [CONTROLLER:][OWNER/]MODEL.OFFER, e.g. cos-controller:admin/cos.loki-logging";
            return null;
        }

        var model = rest[..dot];
        var offer = rest[(dot + 1)..];
        if (!JujuNames.IsModel(model))
        {
            error = $"'{model}' is not a valid model name";
            return null;
        }

        if (!JujuNames.IsApplication(offer))
        {
            error = $"'{offer}' is not a valid offer name";
            return null;
        }

        return new SaasUrl(controller, qualifier, model, offer);
    }
}
