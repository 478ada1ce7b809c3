// LayerMerge: Pebble's rules for combining layers (plan.go CombineLayers and the Merge methods of
// Service, Check and LogTarget), applied to immutable records.
namespace MlObs.Ops.Pebble;

internal static class LayerMerge
{
    private const int DefaultCheckThreshold = 3;

    public static Plan Combine(Plan start, IEnumerable<(Layer Layer, string? Label)> layers)
    {
        var services = new SortedDictionary<string, Service>(start.Services.ToDictionary(), StringComparer.Ordinal);
        var checks = new SortedDictionary<string, Check>(start.Checks.ToDictionary(), StringComparer.Ordinal);
        var targets = new SortedDictionary<string, LogTarget>(start.LogTargets.ToDictionary(), StringComparer.Ordinal);

        foreach (var (layer, label) in layers)
        {
            foreach (var (name, service) in layer.Services)
            {
                Place(services, name, service, service.Override, Merge, label, "service");
            }

            foreach (var (name, check) in layer.Checks)
            {
                Place(checks, name, check, check.Override, Merge, label, "check");
            }

            foreach (var (name, target) in layer.LogTargets)
            {
                Place(targets, name, target, target.Override, Merge, label, "log target");
            }
        }

        // The only default Pebble writes into the combined entries (the others stay "unset").
        foreach (var name in checks.Keys.ToList())
        {
            if (checks[name].Threshold is null or 0)
            {
                checks[name] = checks[name] with { Threshold = DefaultCheckThreshold };
            }
        }

        return new Plan { Services = services.AsReadOnly(), Checks = checks.AsReadOnly(), LogTargets = targets.AsReadOnly() };
    }

    private static void Place<T>(
        SortedDictionary<string, T> combined, string name, T entry, Override mode, Func<T, T, T> merge, string? label, string what)
    {
        switch (mode)
        {
            case Override.Merge:
                combined[name] = combined.TryGetValue(name, out var old) ? merge(old, entry) : entry;
                break;
            case Override.Replace:
                combined[name] = entry;
                break;
            case 0:
                throw new PebbleLayerException($"{LayerName(label)} must define \"override\" for {what} \"{name}\"");
            default:
                throw new PebbleLayerException($"{LayerName(label)} has invalid \"override\" value for {what} \"{name}\"");
        }
    }

    private static string LayerName(string? label) => label is null ? "layer" : $"layer \"{label}\"";

    public static Service Merge(Service old, Service next) => old with
    {
        Summary = Text(next.Summary, old.Summary),
        Description = Text(next.Description, old.Description),
        Startup = next.Startup ?? old.Startup,
        Command = Text(next.Command, old.Command),
        KillDelay = Text(next.KillDelay, old.KillDelay),
        UserId = next.UserId ?? old.UserId,
        User = Text(next.User, old.User),
        GroupId = next.GroupId ?? old.GroupId,
        Group = Text(next.Group, old.Group),
        WorkingDir = Text(next.WorkingDir, old.WorkingDir),
        After = Append(old.After, next.After),
        Before = Append(old.Before, next.Before),
        Requires = Append(old.Requires, next.Requires),
        Environment = Overlay(old.Environment, next.Environment),
        OnSuccess = next.OnSuccess ?? old.OnSuccess,
        OnFailure = next.OnFailure ?? old.OnFailure,
        OnCheckFailure = Overlay(old.OnCheckFailure, next.OnCheckFailure),
        BackoffDelay = Text(next.BackoffDelay, old.BackoffDelay),
        BackoffFactor = next.BackoffFactor ?? old.BackoffFactor,
        BackoffLimit = Text(next.BackoffLimit, old.BackoffLimit),
    };

    public static Check Merge(Check old, Check next) => old with
    {
        Level = next.Level ?? old.Level,
        Startup = next.Startup ?? old.Startup,
        Period = Text(next.Period, old.Period),
        Timeout = Text(next.Timeout, old.Timeout),
        Threshold = next.Threshold is null or 0 ? old.Threshold : next.Threshold,
        Http = next.Http is null ? old.Http : Merge(old.Http ?? new HttpCheck(), next.Http),
        Tcp = next.Tcp is null ? old.Tcp : Merge(old.Tcp ?? new TcpCheck(), next.Tcp),
        Exec = next.Exec is null ? old.Exec : Merge(old.Exec ?? new ExecCheck(), next.Exec),
    };

    private static HttpCheck Merge(HttpCheck old, HttpCheck next) => old with
    {
        Url = Text(next.Url, old.Url),
        Headers = Overlay(old.Headers, next.Headers),
    };

    private static TcpCheck Merge(TcpCheck old, TcpCheck next) => old with
    {
        Port = next.Port is null or 0 ? old.Port : next.Port,
        Host = Text(next.Host, old.Host),
    };

    private static ExecCheck Merge(ExecCheck old, ExecCheck next) => old with
    {
        Command = Text(next.Command, old.Command),
        ServiceContext = Text(next.ServiceContext, old.ServiceContext),
        Environment = Overlay(old.Environment, next.Environment),
        UserId = next.UserId ?? old.UserId,
        User = Text(next.User, old.User),
        GroupId = next.GroupId ?? old.GroupId,
        Group = Text(next.Group, old.Group),
        WorkingDir = Text(next.WorkingDir, old.WorkingDir),
    };

    public static LogTarget Merge(LogTarget old, LogTarget next) => old with
    {
        Type = Text(next.Type, old.Type),
        Location = Text(next.Location, old.Location),
        Services = Append(old.Services, next.Services),
        Labels = Overlay(old.Labels, next.Labels),
    };

    // Go's zero value "" means "not set", so an empty string never overrides.
    private static string? Text(string? next, string? old) => string.IsNullOrEmpty(next) ? old : next;

    private static IReadOnlyList<string> Append(IReadOnlyList<string> first, IReadOnlyList<string> second) =>
        second.Count == 0 ? first : first.Count == 0 ? second : [.. first, .. second];

    private static IReadOnlyDictionary<string, T> Overlay<T>(IReadOnlyDictionary<string, T> first, IReadOnlyDictionary<string, T> second)
    {
        if (second.Count == 0)
        {
            return first;
        }

        var merged = new SortedDictionary<string, T>(first.ToDictionary(), StringComparer.Ordinal);
        foreach (var (key, value) in second)
        {
            merged[key] = value;
        }

        return merged.AsReadOnly();
    }
}
