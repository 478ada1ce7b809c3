// LayerRules: the checks Pebble makes on one layer (plan.go Layer.Validate) and on a combined
// plan (Plan.Validate), with Pebble's wording.
using System.Globalization;

namespace MlObs.Ops.Pebble;

internal static class LayerRules
{
    public static readonly string[] LogTargetTypes = ["loki", "opentelemetry", "syslog"];

    public static void ValidateLayer(Layer layer)
    {
        foreach (var (name, service) in layer.Services)
        {
            ValidateService(name, service);
        }

        foreach (var (name, check) in layer.Checks)
        {
            ValidateCheck(name, check);
        }

        foreach (var (name, target) in layer.LogTargets)
        {
            ValidateLogTarget(name, target);
        }
    }

    private static void ValidateService(string name, Service service)
    {
        if (name.Length == 0)
        {
            throw Error("cannot use empty string as service name");
        }

        if (name == "pebble")
        {
            throw Error($"cannot use reserved service name \"{name}\"");
        }

        if (name.StartsWith('-'))
        {
            throw Error($"cannot use service name \"{name}\": starting with \"-\" not allowed");
        }

        if (service is null)
        {
            throw Error($"service object cannot be null for service \"{name}\"");
        }

        RequireOverride(service.Override, "service", name);
        if (service.OnSuccess == ServiceAction.SuccessShutdown)
        {
            throw Error($"plan service \"{name}\" on-success action \"success-shutdown\" invalid");
        }

        if (service.OnFailure == ServiceAction.FailureShutdown)
        {
            throw Error($"plan service \"{name}\" on-failure action \"failure-shutdown\" invalid");
        }

        if (service.OnCheckFailure.Values.Contains(ServiceAction.FailureShutdown))
        {
            throw Error($"plan service \"{name}\" on-check-failure action \"failure-shutdown\" invalid");
        }

        if (service.BackoffFactor is { } factor && !(factor >= 1 && double.IsFinite(factor)))
        {
            throw Error($"plan service \"{name}\" backoff-factor must be 1.0 or greater, not {factor.ToString(CultureInfo.InvariantCulture)}");
        }

        Duration(service.BackoffDelay, "service", name, "backoff-delay");
        Duration(service.BackoffLimit, "service", name, "backoff-limit");
        Duration(service.KillDelay, "service", name, "kill-delay");
    }

    private static void ValidateCheck(string name, Check check)
    {
        if (name.Length == 0)
        {
            throw Error("cannot use empty string as check name");
        }

        if (check is null)
        {
            throw Error($"check object cannot be null for check \"{name}\"");
        }

        RequireOverride(check.Override, "check", name);
        if (Duration(check.Period, "check", name, "period") == 0)
        {
            throw Error($"plan check \"{name}\" period must not be zero");
        }

        if (Duration(check.Timeout, "check", name, "timeout") == 0)
        {
            throw Error($"plan check \"{name}\" timeout must not be zero");
        }
    }

    private static void ValidateLogTarget(string name, LogTarget target)
    {
        if (target is null)
        {
            throw Error($"log target object cannot be null for log target \"{name}\"");
        }

        RequireOverride(target.Override, "log target", name);
        foreach (var label in target.Labels.Keys)
        {
            if (label.StartsWith("pebble_", StringComparison.Ordinal))
            {
                throw Error($"log target \"{name}\": label \"{label}\" uses reserved prefix \"pebble_\"");
            }
        }

        if (!string.IsNullOrEmpty(target.Type) && !LogTargetTypes.Contains(target.Type))
        {
            throw Error($"log target \"{name}\" has unsupported type \"{target.Type}\", must be \"loki\", \"opentelemetry\" or \"syslog\"");
        }
    }

    public static void ValidatePlan(Plan plan)
    {
        foreach (var (name, service) in plan.Services)
        {
            if (string.IsNullOrEmpty(service.Command))
            {
                throw Error($"plan must define \"command\" for service \"{name}\"");
            }
        }

        foreach (var (name, check) in plan.Checks)
        {
            var probes = 0;
            if (check.Http is not null)
            {
                if (string.IsNullOrEmpty(check.Http.Url))
                {
                    throw Error($"plan must set \"url\" for http check \"{name}\"");
                }

                probes++;
            }

            if (check.Tcp is not null)
            {
                if (check.Tcp.Port is null or 0)
                {
                    throw Error($"plan must set \"port\" for tcp check \"{name}\"");
                }

                probes++;
            }

            if (check.Exec is not null)
            {
                if (string.IsNullOrEmpty(check.Exec.Command))
                {
                    throw Error($"plan must set \"command\" for exec check \"{name}\"");
                }

                if (!string.IsNullOrEmpty(check.Exec.ServiceContext) && !plan.Services.ContainsKey(check.Exec.ServiceContext))
                {
                    throw Error($"plan check \"{name}\" service context specifies non-existent service \"{check.Exec.ServiceContext}\"");
                }

                probes++;
            }

            if (probes != 1)
            {
                throw Error($"plan must specify one of \"http\", \"tcp\", or \"exec\" for check \"{name}\"");
            }
        }

        foreach (var (name, target) in plan.LogTargets)
        {
            if (string.IsNullOrEmpty(target.Type))
            {
                throw Error($"plan must define \"type\" (\"loki\", \"opentelemetry\" or \"syslog\") for log target \"{name}\"");
            }

            foreach (var entry in target.Services)
            {
                var service = entry.StartsWith('-') ? entry[1..] : entry;
                if (service != "all" && !plan.Services.ContainsKey(service))
                {
                    throw Error($"log target \"{name}\" specifies unknown service \"{service}\"");
                }
            }

            if (string.IsNullOrEmpty(target.Location))
            {
                throw Error($"plan must define \"location\" for log target \"{name}\"");
            }
        }

        CheckOrder(plan.Services);
    }

    // Pebble orders all services at once (requires pull services in, after/before order them)
    // and refuses unknown required services and before/after loops.
    private static void CheckOrder(IReadOnlyDictionary<string, Service> services)
    {
        foreach (var service in services.Values)
        {
            foreach (var required in service.Requires)
            {
                if (!services.ContainsKey(required))
                {
                    throw Error($"service \"{required}\" does not exist");
                }
            }
        }

        var successors = services.Keys.ToDictionary(name => name, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (name, service) in services)
        {
            successors[name].AddRange(service.After.Where(successors.ContainsKey));
            foreach (var before in service.Before.Where(successors.ContainsKey))
            {
                successors[before].Add(name);
            }
        }

        foreach (var component in StronglyConnected(successors))
        {
            if (component.Count > 1)
            {
                component.Sort(StringComparer.Ordinal);
                throw Error($"services in before/after loop: {string.Join(", ", component)}");
            }
        }
    }

    // Tarjan's algorithm; the graphs are a handful of services, so recursion depth is no concern.
    // Each component comes after everything it leads to. The fake Pebble server orders services with it too.
    internal static List<List<string>> StronglyConnected(Dictionary<string, List<string>> graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph[node])
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], nextIndex);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                result.Add(component);
            }
        }

        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return result;
    }

    private static void RequireOverride(Override value, string what, string name)
    {
        if (value == 0)
        {
            throw Error($"layer must define \"override\" for {what} \"{name}\"");
        }

        if (value is not (Override.Merge or Override.Replace))
        {
            throw Error($"layer has invalid \"override\" value for {what} \"{name}\"");
        }
    }

    // Returns the duration in nanoseconds, or null when unset.
    private static long? Duration(string? value, string what, string name, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return GoDuration.TryParseNanoseconds(value, out var nanoseconds)
            ? nanoseconds
            : throw Error($"plan {what} \"{name}\" {field} has invalid duration \"{value}\"");
    }

    private static PebbleLayerException Error(string message) => new(message);
}
