// BundlePlan: the order of a bundle's changes (requires first, ties in the controller's order) and
// which of them the model already satisfies, decided once from the FullStatus taken before the
// first change: existing applications, their units, and what only they need (charms, machines).
using System.Text.Json;

namespace Juju.Net;

internal sealed class BundlePlan
{
    private readonly Dictionary<string, BundleChangeSpec> _byId;
    private readonly Dictionary<string, List<BundleChangeSpec>> _dependents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _skippedUnits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _willSkip = new(StringComparer.Ordinal);
    private readonly HashSet<string> _existingApplications;

    public BundlePlan(IReadOnlyList<BundleChangeSpec> changes, FullStatus status)
    {
        _byId = changes.ToDictionary(c => c.Id, StringComparer.Ordinal);
        foreach (var change in changes)
        {
            foreach (var required in change.Requires)
            {
                if (!_dependents.TryGetValue(required, out var list))
                {
                    _dependents[required] = list = [];
                }

                list.Add(change);
            }
        }

        var applications = status.Applications ?? new Dictionary<string, ApplicationStatus>();
        _existingApplications = [.. applications.Keys, .. (status.RemoteApplications ?? new Dictionary<string, RemoteApplicationStatus>()).Keys];

        // The first n addUnit changes of an application with n units are satisfied, matched to its units in order.
        foreach (var group in changes.Where(c => c.Method == "addUnit").GroupBy(ApplicationOf))
        {
            if (group.Key is { } app && applications.TryGetValue(app, out var existing))
            {
                var units = (existing.Units ?? new Dictionary<string, UnitStatus>()).Keys.Order(UnitNameComparer.Instance).ToList();
                foreach (var (change, unit) in group.Zip(units))
                {
                    _skippedUnits[change.Id] = unit;
                }
            }
        }
    }

    /// <summary>The changes in an order where each comes after all it requires, otherwise in the controller's order.</summary>
    public static List<BundleChangeSpec> Order(IReadOnlyList<BundleChangeSpec> changes)
    {
        var ids = changes.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            var unknown = change.Requires.FirstOrDefault(r => !ids.Contains(r));
            if (unknown is not null)
            {
                throw new JujuOperationException($"bundle change {change.Id} requires {unknown}, which is not in the change list");
            }
        }

        var done = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<BundleChangeSpec>(changes.Count);
        while (ordered.Count < changes.Count)
        {
            var next = changes.FirstOrDefault(c => !done.Contains(c.Id) && c.Requires.All(done.Contains))
                ?? throw new JujuOperationException(
                    $"bundle changes require each other in a cycle: {string.Join(", ", changes.Where(c => !done.Contains(c.Id)).Select(c => c.Id))}");
            done.Add(next.Id);
            ordered.Add(next);
        }

        return ordered;
    }

    /// <summary>Whether the application existed before the deployment.</summary>
    public bool IsPreExisting(string application) => _existingApplications.Contains(application);

    /// <summary>The existing unit an addUnit change stands for, or <see langword="null"/> when the unit must be added.</summary>
    public string? SkippedUnit(BundleChangeSpec change) => _skippedUnits.GetValueOrDefault(change.Id);

    /// <summary>An existing application deployed from the charm of an addCharm change that is skipped.</summary>
    public string ExistingApplicationOf(BundleChangeSpec addCharm) =>
        _dependents.GetValueOrDefault(addCharm.Id)?.Select(ApplicationOf).FirstOrDefault(a => a is not null && IsPreExisting(a))
        ?? throw new InvalidOperationException($"{addCharm.Id} is not skipped");

    /// <summary>Whether the model already satisfies a deploy, addUnit, addCharm or addMachines change.</summary>
    public bool WillSkip(BundleChangeSpec change)
    {
        if (_willSkip.TryGetValue(change.Id, out var known))
        {
            return known;
        }

        _willSkip[change.Id] = false;
        var skip = change.Method switch
        {
            "deploy" => ApplicationOf(change) is { } app && IsPreExisting(app),
            "addUnit" => _skippedUnits.ContainsKey(change.Id),

            // A charm or machine is needed only by what requires it; when all of that exists, so does it.
            "addCharm" or "addMachines" => _dependents.TryGetValue(change.Id, out var dependents) && dependents.Count > 0 && dependents.All(WillSkip),
            _ => false,
        };
        _willSkip[change.Id] = skip;
        return skip;
    }

    /// <summary>The application a change is about, following <c>$deploy-n</c> placeholders to the deploy change's name.</summary>
    private string? ApplicationOf(BundleChangeSpec change)
    {
        if (!change.Args.TryGetValue("application", out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var name = value.GetString()!;
        return name.StartsWith('$') && _byId.TryGetValue(name[1..], out var deploy) ? ApplicationOf(deploy) : name;
    }

    /// <summary>Orders unit names by application, then unit number (<c>app/2</c> before <c>app/10</c>).</summary>
    private sealed class UnitNameComparer : IComparer<string>
    {
        public static UnitNameComparer Instance { get; } = new();

        public int Compare(string? x, string? y)
        {
            static (string App, int Number) Split(string? unit)
            {
                var slash = unit?.LastIndexOf('/') ?? -1;
                return slash < 0 || !int.TryParse(unit.AsSpan(slash + 1), out var n) ? (unit ?? "", -1) : (unit![..slash], n);
            }

            var (appX, nx) = Split(x);
            var (appY, ny) = Split(y);
            var byApp = string.CompareOrdinal(appX, appY);
            return byApp != 0 ? byApp : nx.CompareTo(ny);
        }
    }
}
