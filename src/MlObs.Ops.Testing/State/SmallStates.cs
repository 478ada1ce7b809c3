// The small State records: storage, opened ports, networks, the model and a status.
namespace MlObs.Ops.Testing.State;

/// <summary>A storage instance attached to the unit (<c>JUJU_STORAGE_ID=name/index</c>).</summary>
/// <param name="Name">The storage name, as declared under <c>storage</c>.</param>
/// <param name="Index">The instance number.</param>
/// <param name="Location">Where it is mounted (<c>storage-get location</c>), or <see langword="null"/> to let the runner choose.</param>
public sealed record StorageState(string Name, int Index = 0, string? Location = null);

/// <summary>The protocol of an opened port.</summary>
public enum PortProtocol
{
    /// <summary><c>tcp</c>.</summary>
    Tcp,

    /// <summary><c>udp</c>.</summary>
    Udp,

    /// <summary><c>icmp</c> (no port number).</summary>
    Icmp,
}

/// <summary>A port the unit has opened (<c>open-port</c>, listed by <c>opened-ports</c>).</summary>
/// <param name="Protocol">The protocol.</param>
/// <param name="Port">The port number, 1–65535; <see langword="null"/> for ICMP.</param>
public sealed record PortState(PortProtocol Protocol, int? Port);

/// <summary>The type of the model.</summary>
public enum ModelType
{
    /// <summary><c>kubernetes</c>: a Kubernetes model (sidecar charms).</summary>
    Kubernetes,

    /// <summary><c>lxd</c>: a machine model.</summary>
    Lxd,
}

/// <summary>The model the unit lives in (<c>JUJU_MODEL_NAME</c>, <c>JUJU_MODEL_UUID</c>).</summary>
/// <param name="Name">The model name.</param>
/// <param name="Uuid">The model UUID.</param>
/// <param name="Type">Kubernetes or machine (LXD).</param>
public sealed record ModelState(string Name, string Uuid, ModelType Type)
{
    /// <summary>A fixed Kubernetes model, <c>test-model</c>, so that runs are reproducible.</summary>
    public static ModelState Default { get; } = new("test-model", "6b8d8a6e-3f1c-4c1a-9a53-3f5f2a6c2b7e", ModelType.Kubernetes);
}

/// <summary>A workload status as <c>status-set</c> sets it.</summary>
/// <param name="Name">One of <c>active</c>, <c>blocked</c>, <c>maintenance</c>, <c>waiting</c>, <c>error</c>, <c>unknown</c>.</param>
/// <param name="Message">The message; empty when none.</param>
public sealed record StatusState(string Name, string Message = "")
{
    /// <summary>The status names Juju accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["active", "blocked", "maintenance", "waiting", "error", "unknown"];

    /// <summary>The status before the charm sets one: <c>unknown</c> with no message.</summary>
    public static StatusState Unknown { get; } = new("unknown");
}

/// <summary>One address of a network interface, as <c>network-get</c> reports it.</summary>
/// <param name="Value">The address, e.g. <c>192.0.2.0</c>.</param>
/// <param name="Cidr">Its subnet, e.g. <c>192.0.2.0/24</c>, or empty.</param>
/// <param name="Hostname">A hostname for it, or empty.</param>
public sealed record AddressState(string Value, string Cidr = "", string Hostname = "");

/// <summary>One interface of a binding, as <c>network-get</c>'s <c>bind-addresses</c> lists it.</summary>
public sealed record BindAddressState
{
    /// <summary>The interface name, e.g. <c>eth0</c>, or empty.</summary>
    public string InterfaceName { get; init; } = string.Empty;

    /// <summary>The MAC address, or <see langword="null"/> when unknown.</summary>
    public string? MacAddress { get; init; }

    /// <summary>The interface's addresses.</summary>
    public IReadOnlyList<AddressState> Addresses { get; init; } = [];

    /// <summary>Compares every field; addresses in order.</summary>
    /// <param name="other">The interface to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same interface.</returns>
    public bool Equals(BindAddressState? other) =>
        other is not null
        && InterfaceName == other.InterfaceName
        && MacAddress == other.MacAddress
        && StateEquality.Lists(Addresses, other.Addresses);

    /// <summary>A hash consistent with <see cref="Equals(BindAddressState?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(InterfaceName, MacAddress, StateEquality.ListHash(Addresses));
}

/// <summary>What <c>network-get BINDING</c> answers for one binding.</summary>
public sealed record NetworkState
{
    /// <summary>Scenario's default: one interface with <c>192.0.2.0</c>, ingress <c>192.0.2.0</c>, egress <c>192.0.2.0/24</c>.</summary>
    public static NetworkState Default { get; } = new()
    {
        BindAddresses = [new BindAddressState { Addresses = [new AddressState("192.0.2.0", "192.0.2.0/24")] }],
        IngressAddresses = ["192.0.2.0"],
        EgressSubnets = ["192.0.2.0/24"],
    };

    /// <summary>The interfaces of the binding (<c>bind-addresses</c>).</summary>
    public IReadOnlyList<BindAddressState> BindAddresses { get; init; } = [];

    /// <summary>The addresses other units use to reach this one (<c>ingress-addresses</c>).</summary>
    public IReadOnlyList<string> IngressAddresses { get; init; } = [];

    /// <summary>The subnets this unit's traffic leaves from (<c>egress-subnets</c>).</summary>
    public IReadOnlyList<string> EgressSubnets { get; init; } = [];

    /// <summary>Compares every field; lists in order.</summary>
    /// <param name="other">The network to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same binding.</returns>
    public bool Equals(NetworkState? other) =>
        other is not null
        && StateEquality.Lists(BindAddresses, other.BindAddresses)
        && StateEquality.Lists(IngressAddresses, other.IngressAddresses)
        && StateEquality.Lists(EgressSubnets, other.EgressSubnets);

    /// <summary>A hash consistent with <see cref="Equals(NetworkState?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(StateEquality.ListHash(BindAddresses), StateEquality.ListHash(IngressAddresses), StateEquality.ListHash(EgressSubnets));
}
