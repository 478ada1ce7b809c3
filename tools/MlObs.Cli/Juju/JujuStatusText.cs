// JujuStatusText: `mlobs juju status` as text, in the shape of `juju status`: the model line, then tables of
// remote applications (SAAS), applications, units, offers and integrations.
using System.Globalization;
using System.Text;
using Juju.Net;

namespace MlObs.Cli.Commands;

/// <summary>Renders a <see cref="FullStatus"/> as aligned tables.</summary>
internal static class JujuStatusText
{
    public static string Render(FullStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var text = new StringBuilder();
        var model = status.Model;
        Table(text, ["Model", "Type", "Version", "Status", "Timestamp"],
        [
            [model?.Name ?? "?", model?.Type ?? "?", model?.Version ?? "?", model?.ModelStatus?.Status ?? string.Empty,
                status.ControllerTimestamp?.ToUniversalTime().ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? string.Empty],
        ]);

        var remote = Sorted(status.RemoteApplications);
        if (remote.Count > 0)
        {
            Table(text, ["SAAS", "Status", "Store", "URL"], remote.Select(r => new[] { r.Key, r.Value.Status?.Status ?? string.Empty, StoreOf(r.Value.OfferUrl), r.Value.OfferUrl }).ToList());
        }

        var applications = Sorted(status.Applications);
        Table(text, ["App", "Status", "Scale", "Charm", "Channel", "Rev", "Message"], applications.Select(a => new[]
        {
            a.Key,
            a.Value.Status?.Status ?? string.Empty,
            (a.Value.Units?.Count ?? 0).ToString(CultureInfo.InvariantCulture),
            CharmName(a.Value.Charm),
            a.Value.CharmChannel ?? string.Empty,
            a.Value.CharmRev?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            a.Value.Status?.Info ?? string.Empty,
        }).ToList());

        var units = new List<string[]>();
        foreach (var (_, application) in applications)
        {
            foreach (var (name, unit) in Sorted(application.Units))
            {
                AddUnit(units, name, unit, indent: string.Empty);
            }
        }

        if (units.Count > 0)
        {
            Table(text, ["Unit", "Workload", "Agent", "Address", "Message"], units);
        }

        var offers = Sorted(status.Offers);
        if (offers.Count > 0)
        {
            Table(text, ["Offer", "Application", "Charm", "Endpoints", "Connected"], offers.Select(o => new[]
            {
                o.Key,
                o.Value.ApplicationName,
                CharmName(o.Value.Charm),
                string.Join(",", (o.Value.Endpoints ?? new Dictionary<string, RemoteEndpoint>()).Keys.Order(StringComparer.Ordinal)),
                string.Create(CultureInfo.InvariantCulture, $"{o.Value.ActiveConnectedCount}/{o.Value.TotalConnectedCount}"),
            }).ToList());
        }

        var relations = (status.Relations ?? []).Where(r => r.Endpoints is { Count: 2 }).ToList();
        if (relations.Count > 0)
        {
            Table(text, ["Integration provider", "Requirer", "Interface", "Type"], relations
                .Select(r =>
                {
                    var provider = r.Endpoints!.FirstOrDefault(e => e.Role == "provider") ?? r.Endpoints![0];
                    var requirer = r.Endpoints!.First(e => !ReferenceEquals(e, provider));
                    return new[] { $"{provider.Application}:{provider.Name}", $"{requirer.Application}:{requirer.Name}", r.Interface, r.Scope == "container" ? "subordinate" : "regular" };
                })
                .OrderBy(row => row[0], StringComparer.Ordinal)
                .ThenBy(row => row[1], StringComparer.Ordinal)
                .ToList());
        }

        return text.ToString();
    }

    private static void AddUnit(List<string[]> rows, string name, UnitStatus unit, string indent)
    {
        rows.Add(
        [
            indent + name + (unit.Leader == true ? "*" : string.Empty),
            unit.WorkloadStatus?.Status ?? string.Empty,
            unit.AgentStatus?.Status ?? string.Empty,
            unit.Address ?? unit.PublicAddress,
            unit.WorkloadStatus?.Info ?? string.Empty,
        ]);
        foreach (var (subordinate, status) in Sorted(unit.Subordinates))
        {
            AddUnit(rows, subordinate, status, indent + "  ");
        }
    }

    private static List<KeyValuePair<string, T>> Sorted<T>(IReadOnlyDictionary<string, T>? items) =>
        items is null ? [] : items.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

    /// <summary><c>ch:amd64/jammy/postgresql-k8s-3</c> → <c>postgresql-k8s</c>; <c>local:drift-monitor-k8s-0</c> → <c>drift-monitor-k8s</c>.</summary>
    internal static string CharmName(string url)
    {
        var name = url[(url.LastIndexOf('/') + 1)..];
        name = name[(name.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var dash = name.LastIndexOf('-');
        return dash > 0 && name[(dash + 1)..].All(char.IsAsciiDigit) && dash < name.Length - 1 ? name[..dash] : name;
    }

    private static string StoreOf(string offerUrl)
    {
        var colon = offerUrl.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? offerUrl[..colon] : "local";
    }

    private static void Table(StringBuilder text, string[] header, List<string[]> rows)
    {
        if (text.Length > 0)
        {
            text.Append('\n');
        }

        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        void Line(string[] cells)
        {
            var line = new StringBuilder();
            for (var i = 0; i < cells.Length; i++)
            {
                line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        Line(header);
        foreach (var row in rows)
        {
            Line(row);
        }
    }
}
