// UnitAgent network tools: network-get, open-port, close-port and opened-ports (spec §3.2).
using System.Globalization;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Emulator;

public sealed partial class UnitAgent
{
    // Buffered open-port (true) and close-port (false) requests, applied in order at commit.
    private readonly List<(bool Open, PortState Port)> _portChanges = [];

    private static void AddNetworkTools(Dictionary<string, ToolDef> tools)
    {
        tools["network-get"] = new("<binding-name>", "get network config", a =>
            [
                a.RelationFlag(),
                FlagDef.Bool("get the primary address for the binding (deprecated)", "primary-address"),
                FlagDef.Bool("get the address for the binding on which the unit should listen", "bind-address"),
                FlagDef.Bool("get the ingress address for the binding", "ingress-address"),
                FlagDef.Bool("get the egress subnets for the binding", "egress-subnets"),
                .. OutputFlags(),
            ],
            (a, args, call) => a.NetworkGet(args, call));
        tools["open-port"] = new("<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp", "register a request to open a port or port range", _ => [FlagDef.String("a comma-delimited list of application endpoints to target with this operation", "endpoints"), DeprecatedFormatFlag()], (a, args, call) => a.ChangePort(args, call, open: true));
        tools["close-port"] = new("<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp", "register a request to close a port or port range", _ => [FlagDef.String("a comma-delimited list of application endpoints to target with this operation", "endpoints"), DeprecatedFormatFlag()], (a, args, call) => a.ChangePort(args, call, open: false));
        tools["opened-ports"] = new(string.Empty, "list all ports or port ranges opened by the unit", _ => [FlagDef.Bool("display the list of target application endpoints for each port range", "endpoints"), .. OutputFlags()], (a, args, call) => a.OpenedPorts(args, call));
    }

    private void NetworkGet(ToolArguments args, Invocation call)
    {
        if (args.Positionals.Count == 0)
        {
            throw ToolException.Usage("no arguments specified");
        }

        var binding = args.Positionals[0];
        string[] selectors = ["bind-address", "ingress-address", "egress-subnets"];
        var chosen = selectors.Where(args.Bool).ToList();
        if (args.Bool("primary-address") && chosen.Count > 0)
        {
            throw ToolException.Usage("--primary-address must be the only flag specified");
        }

        args.CheckMaxPositionals(1);

        // Bindings are the endpoints, the extra bindings and juju-info; anything else has no
        // network config, which Juju reports before looking at the per-binding error (§3.2).
        var known = binding == "juju-info" || _meta.Relations.ContainsKey(binding) || _meta.ExtraBindings.Contains(binding, StringComparer.Ordinal);
        if (!known)
        {
            throw new ToolException($"no network config found for binding {ToolArguments.Quote(binding)}");
        }

        var network = _state.Networks.GetValueOrDefault(binding) ?? NetworkState.Default;
        var bindAddress = network.BindAddresses.SelectMany(b => b.Addresses).Select(a => a.Value).FirstOrDefault() ?? string.Empty;
        var ingressAddress = network.IngressAddresses.Count > 0 ? network.IngressAddresses[0] : string.Empty;
        if (args.Bool("primary-address"))
        {
            Write(args, call, ingressAddress.Length > 0 ? ingressAddress : bindAddress);
            return;
        }

        object? Selected(string selector) => selector switch
        {
            "bind-address" => bindAddress,
            "ingress-address" => ingressAddress,
            _ => network.EgressSubnets.ToList(),
        };

        if (chosen.Count == 1)
        {
            Write(args, call, Selected(chosen[0]));
            return;
        }

        if (chosen.Count > 1)
        {
            Write(args, call, chosen.ToDictionary(s => s, Selected, StringComparer.Ordinal));
            return;
        }

        // Field order and omitempty follow Juju's NetworkInfo structs (§3.2 network-get).
        var info = new GoStruct();
        if (network.BindAddresses.Count > 0)
        {
            info.Add("bind-addresses", network.BindAddresses.Select(b =>
            {
                var iface = new GoStruct();
                iface.Add("mac-address", b.MacAddress ?? string.Empty);
                iface.Add("interface-name", b.InterfaceName);
                iface.Add("addresses", b.Addresses.Select(a =>
                {
                    var address = new GoStruct();
                    address.Add("hostname", a.Hostname);
                    address.Add("value", a.Value);
                    address.Add("cidr", a.Cidr);
                    return address;
                }).ToList());
                return iface;
            }).ToList());
        }

        if (network.EgressSubnets.Count > 0)
        {
            info.Add("egress-subnets", network.EgressSubnets.ToList());
        }

        if (network.IngressAddresses.Count > 0)
        {
            info.Add("ingress-addresses", network.IngressAddresses.ToList());
        }

        Write(args, call, info);
    }

    private void ChangePort(ToolArguments args, Invocation call, bool open)
    {
        if (args.Positionals.Count == 0)
        {
            throw ToolException.Usage("no port or range specified");
        }

        var (protocol, from, to) = ParsePortRange(args.Positionals[0].ToLowerInvariant());
        args.CheckMaxPositionals(1);
        WarnDeprecatedFormat(args, call);
        if (from != to && _state.Model.Type == ModelType.Kubernetes)
        {
            throw new ToolException("port ranges are not supported for k8s applications, please specify a single port");
        }

        // PortState holds single ports: a machine model's range is stored port by port. The
        // --endpoints targeting has no place in the state either, so every port applies to all
        // endpoints, as opened-ports --endpoints then shows with "(*)".
        if (protocol == PortProtocol.Icmp)
        {
            _portChanges.Add((open, new PortState(PortProtocol.Icmp, null)));
            return;
        }

        for (var port = from; port <= to; port++)
        {
            _portChanges.Add((open, new PortState(protocol, port)));
        }
    }

    /// <summary>Juju's <c>network.ParsePortRange</c> with its validation; errors are <c>Init</c> errors (exit 2).</summary>
    private static (PortProtocol Protocol, int From, int To) ParsePortRange(string text)
    {
        if (text == "icmp")
        {
            return (PortProtocol.Icmp, -1, -1);
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var range = slash < 0 ? text : text[..slash];
        var protocolText = slash < 0 ? "tcp" : text[(slash + 1)..];
        var parts = range.Split('-');
        if (parts.Length > 2)
        {
            throw ToolException.Usage($"invalid port range {ToolArguments.Quote(range)}");
        }

        static int Port(string part, string shown) =>
            int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw ToolException.Usage($"invalid port {ToolArguments.Quote(shown)}: strconv.Atoi: parsing {ToolArguments.Quote(part)}: invalid syntax");

        var from = Port(parts[0], parts.Length == 1 ? range : parts[0]);
        var to = parts.Length == 1 ? from : Port(parts[1], parts[1]);
        var protocol = protocolText switch
        {
            "tcp" => PortProtocol.Tcp,
            "udp" => PortProtocol.Udp,
            "icmp" => PortProtocol.Icmp,
            _ => throw ToolException.Usage($"invalid protocol {ToolArguments.Quote(protocolText)}, expected \"tcp\", \"udp\", or \"icmp\""),
        };
        if (protocol == PortProtocol.Icmp)
        {
            throw ToolException.Usage($"protocol \"icmp\" doesn't support any ports; got \"{from.ToString(CultureInfo.InvariantCulture)}\"");
        }

        if (from > to)
        {
            throw ToolException.Usage($"invalid port range {from.ToString(CultureInfo.InvariantCulture)}-{to.ToString(CultureInfo.InvariantCulture)}/{protocolText}");
        }

        if (from < 1 || to > 65535)
        {
            throw ToolException.Usage($"port range bounds must be between 1 and 65535, got {from.ToString(CultureInfo.InvariantCulture)}-{to.ToString(CultureInfo.InvariantCulture)}");
        }

        return (protocol, from, to);
    }

    private void OpenedPorts(ToolArguments args, Invocation call)
    {
        args.CheckMaxPositionals(0);

        // The committed ports only: this hook's requests are not listed (§3.2 opened-ports).
        var suffix = args.Bool("endpoints") ? " (*)" : string.Empty;
        List<string> ports = [.. SortPorts(_state.OpenedPorts).Select(p => FormatPort(p) + suffix)];
        Write(args, call, ports);
    }

    private static IEnumerable<PortState> SortPorts(IEnumerable<PortState> ports) =>
        ports.Distinct().OrderBy(p => p.Protocol switch { PortProtocol.Icmp => 0, PortProtocol.Tcp => 1, _ => 2 }).ThenBy(p => p.Port ?? 0);

    private static string FormatPort(PortState port) => port.Protocol switch
    {
        PortProtocol.Icmp => "icmp",
        PortProtocol.Tcp => $"{port.Port!.Value.ToString(CultureInfo.InvariantCulture)}/tcp",
        _ => $"{port.Port!.Value.ToString(CultureInfo.InvariantCulture)}/udp",
    };

    private List<PortState> CommittedPorts()
    {
        var ports = _state.OpenedPorts.ToList();
        foreach (var (open, port) in _portChanges)
        {
            if (open && !ports.Contains(port))
            {
                ports.Add(port);
            }
            else if (!open)
            {
                ports.Remove(port);
            }
        }

        return ports;
    }
}
