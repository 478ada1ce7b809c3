// What the fake model knows about a charm (options, actions, resources, endpoints) and the
// results of actions; charms it does not know deploy too, with free-form options and endpoints.
using System.Text.Json.Nodes;

namespace Juju.Net.Testing;

/// <summary>A charm option: its Juju type (<c>string</c>, <c>int</c>, <c>float</c>, <c>boolean</c>), default and description.</summary>
public sealed record FakeOption(string Type, JsonNode? Default = null, string Description = "");

/// <summary>A relation endpoint of a charm: <c>provides</c> → provider, <c>requires</c> → requirer.</summary>
public sealed record FakeEndpoint(string Role, string Interface);

/// <summary>A charm's metadata as the fake model uses it.</summary>
public sealed record FakeCharm(string Name)
{
    public IReadOnlyDictionary<string, FakeOption> Options { get; init; } = new Dictionary<string, FakeOption>();

    public IReadOnlyCollection<string> Actions { get; init; } = [];

    /// <summary>Resource name → type (<c>oci-image</c> or <c>file</c>).</summary>
    public IReadOnlyDictionary<string, string> Resources { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, FakeEndpoint> Endpoints { get; init; } = new Dictionary<string, FakeEndpoint>();

    public int Revision { get; init; } = 1;
}

/// <summary>An action call the fake model answers: unit, action name, parameters.</summary>
public sealed record FakeActionCall(string Unit, string Action, JsonObject Parameters);

/// <summary>How an action ends: <c>completed</c> or <c>failed</c>, with output and message.</summary>
public sealed record FakeActionResult(string Status, JsonObject? Output = null, string Message = "");
