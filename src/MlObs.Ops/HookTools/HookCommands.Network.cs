// HookCommands: network-get and the port tools (open-port, close-port, opened-ports).
using System.Globalization;
using System.Text.Json;

namespace MlObs.Ops.HookTools;

public sealed partial class HookCommands
{
    private const int MaxPort = 65535;

    /// <summary>The addresses of a binding (<c>network-get --format=json [-r &lt;id&gt;] &lt;binding&gt;</c>).</summary>
    /// <param name="binding">An endpoint or extra-binding name.</param>
    /// <param name="relationId">A relation id to ask about that relation's view, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bind addresses, egress subnets and ingress addresses; absent lists are empty.</returns>
    public Task<NetworkInfo> NetworkGetAsync(string binding, int? relationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(binding);
        List<string> args = ["--format=json"];
        if (relationId is { } id)
        {
            args.Add("-r");
            args.Add(Invariant(id));
        }

        args.Add(binding);
        return RunJsonAsync("network-get", args, null, ParseNetworkInfo, cancellationToken);
    }

    /// <summary>Opens a port on this unit (<c>open-port &lt;port&gt;/&lt;protocol&gt;</c> or <c>open-port icmp</c>).</summary>
    /// <param name="protocol"><c>tcp</c>, <c>udp</c> or <c>icmp</c>.</param>
    /// <param name="port">The port (1–65535) for TCP and UDP; <see langword="null"/> for ICMP.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    /// <exception cref="ArgumentException">The protocol is unknown, or the port is missing, out of range or given for ICMP.</exception>
    public Task OpenPortAsync(string protocol, int? port, CancellationToken cancellationToken = default) =>
        RunAsync("open-port", [FormatPort(protocol, port)], null, cancellationToken);

    /// <summary>Closes a port on this unit (<c>close-port &lt;port&gt;/&lt;protocol&gt;</c> or <c>close-port icmp</c>).</summary>
    /// <param name="protocol"><c>tcp</c>, <c>udp</c> or <c>icmp</c>.</param>
    /// <param name="port">The port (1–65535) for TCP and UDP; <see langword="null"/> for ICMP.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    /// <exception cref="ArgumentException">The protocol is unknown, or the port is missing, out of range or given for ICMP.</exception>
    public Task ClosePortAsync(string protocol, int? port, CancellationToken cancellationToken = default) =>
        RunAsync("close-port", [FormatPort(protocol, port)], null, cancellationToken);

    /// <summary>The ports this unit has opened (<c>opened-ports --format=json</c>), not counting changes made in this hook.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Each port or range; empty when none.</returns>
    public Task<IReadOnlyList<OpenedPort>> OpenedPortsAsync(CancellationToken cancellationToken = default) =>
        RunJsonAsync<IReadOnlyList<OpenedPort>>(
            ReadRequests.OpenedPorts(),
            (root, json) => json.StringList(root, "the port list", nullIsEmpty: true)
                .Select(entry => ParseOpenedPort(entry, json))
                .ToList(),
            cancellationToken);

    private static string FormatPort(string protocol, int? port)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        var normalized = protocol.ToLowerInvariant();
        switch (normalized)
        {
            case "icmp":
                if (port is not null)
                {
                    throw new ArgumentException("icmp takes no port", nameof(port));
                }

                return "icmp";
            case "tcp" or "udp":
                if (port is not { } value)
                {
                    throw new ArgumentException($"{normalized} needs a port", nameof(port));
                }

                ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(port));
                ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxPort, nameof(port));
                return $"{Invariant(value)}/{normalized}";
            default:
                throw new ArgumentException($"invalid protocol \"{protocol}\", expected \"tcp\", \"udp\", or \"icmp\"", nameof(protocol));
        }
    }

    /// <summary>Parses <c>icmp</c>, <c>80/tcp</c> and <c>1000-2000/udp</c>.</summary>
    private static OpenedPort ParseOpenedPort(string entry, ToolJson json)
    {
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return entry == "icmp"
                ? new OpenedPort("icmp", null, null)
                : throw json.Malformed($"expected a port like \"80/tcp\", \"1000-2000/udp\" or \"icmp\" but got \"{entry}\"");
        }

        var range = entry[..slash];
        var protocol = entry[(slash + 1)..];
        var dash = range.IndexOf('-', StringComparison.Ordinal);
        var fromText = dash < 0 ? range : range[..dash];
        var toText = dash < 0 ? range : range[(dash + 1)..];
        if (protocol is not ("tcp" or "udp")
            || !int.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            || !int.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out var to))
        {
            throw json.Malformed($"expected a port like \"80/tcp\", \"1000-2000/udp\" or \"icmp\" but got \"{entry}\"");
        }

        return new OpenedPort(protocol, from, to);
    }

    private static NetworkInfo ParseNetworkInfo(JsonElement root, ToolJson json)
    {
        json.Object(root, "the network info");
        var bindAddresses = new List<BindAddress>();
        if (ToolJson.Optional(root, "bind-addresses") is { } binds)
        {
            if (binds.ValueKind != JsonValueKind.Array)
            {
                throw json.Malformed("expected \"bind-addresses\" to be a JSON array");
            }

            foreach (var bind in binds.EnumerateArray())
            {
                json.Object(bind, "each bind address");
                var addresses = new List<InterfaceAddress>();
                if (ToolJson.Optional(bind, "addresses") is { } list)
                {
                    if (list.ValueKind != JsonValueKind.Array)
                    {
                        throw json.Malformed("expected \"addresses\" to be a JSON array");
                    }

                    foreach (var address in list.EnumerateArray())
                    {
                        json.Object(address, "each interface address");

                        // Old agents called the address "address"; ops accepts both.
                        var value = json.OptionalString(address, "value", "an interface address")
                            ?? json.OptionalString(address, "address", "an interface address")
                            ?? string.Empty;
                        addresses.Add(new InterfaceAddress(
                            json.OptionalString(address, "hostname", "an interface address") ?? string.Empty,
                            value,
                            json.OptionalString(address, "cidr", "an interface address") ?? string.Empty));
                    }
                }

                bindAddresses.Add(new BindAddress(
                    json.OptionalString(bind, "interface-name", "a bind address") ?? string.Empty,
                    json.OptionalString(bind, "mac-address", "a bind address") ?? string.Empty,
                    addresses));
            }
        }

        return new NetworkInfo(
            bindAddresses,
            ToolJson.Optional(root, "egress-subnets") is { } egress ? json.StringList(egress, "\"egress-subnets\"", nullIsEmpty: true) : [],
            ToolJson.Optional(root, "ingress-addresses") is { } ingress ? json.StringList(ingress, "\"ingress-addresses\"", nullIsEmpty: true) : []);
    }
}
