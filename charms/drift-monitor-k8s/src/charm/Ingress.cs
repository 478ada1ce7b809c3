// The requirer side of the `ingress` interface (version 2, as traefik-k8s' ingress library): the leader asks for a route to
// the service's port, every unit publishes its host; the provider answers with the URL in its `ingress` key.
using System.Globalization;
using System.Text.Json;
using MlObs.Ops;

namespace DriftMonitorCharm;

/// <summary>The optional <c>ingress</c> relation.</summary>
internal static class Ingress
{
    public const string Endpoint = "ingress";

    /// <summary>Writes the request (leader: app data; every unit: its host), only the keys whose value changed.</summary>
    public static async Task PublishAsync(CharmBase charm, int port, CancellationToken ct)
    {
        Relation? relation = await charm.Model.GetRelationAsync(Endpoint, cancellationToken: ct);
        if (relation is null)
            return;
        if (await charm.Model.Unit.IsLeaderAsync(ct))
        {
            await WriteChangedAsync(relation.LocalAppData, new Dictionary<string, string>
            {
                ["model"] = Json(charm.Model.Name),
                ["name"] = Json(charm.Model.App.Name),
                ["port"] = port.ToString(CultureInfo.InvariantCulture),
                ["strip-prefix"] = "true",
                ["redirect-https"] = "false",
                ["scheme"] = Json("http"),
            }, ct);
        }
        string unit = charm.Model.Unit.Name;
        string host = string.Create(CultureInfo.InvariantCulture,
            $"{unit.Replace('/', '-')}.{charm.Model.App.Name}-endpoints.{charm.Model.Name}.svc.cluster.local");
        await WriteChangedAsync(relation.LocalUnitData, new Dictionary<string, string> { ["host"] = Json(host) }, ct);
    }

    /// <summary>The URL the ingress provider gave, or null.</summary>
    public static async Task<string?> UrlAsync(CharmBase charm, CancellationToken ct)
    {
        Relation? relation = await charm.Model.GetRelationAsync(Endpoint, cancellationToken: ct);
        if (relation is null || await relation.GetRemoteAppDataAsync(ct) is not { } remote)
            return null;
        IReadOnlyDictionary<string, string> data = await remote.GetAsync(ct);
        if (!data.TryGetValue("ingress", out string? ingress))
            return null;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(ingress);
            return doc.RootElement.TryGetProperty("url", out JsonElement url) ? url.GetString() : null;
        }
        catch (JsonException)
        {
            return null; // a malformed answer is the provider's problem; the service still works without a route
        }
    }

    private static async Task WriteChangedAsync(RelationDataBag bag, Dictionary<string, string> wanted, CancellationToken ct)
    {
        IReadOnlyDictionary<string, string> current = await bag.GetAsync(ct);
        var changes = wanted.Where(kv => !current.TryGetValue(kv.Key, out string? v) || v != kv.Value).ToDictionary();
        if (changes.Count > 0)
            await bag.UpdateAsync(changes, ct);
    }

    private static string Json(string value) => JsonSerializer.Serialize(value, CharmJsonContext.Default.String);
}
