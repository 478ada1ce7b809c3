// PebbleState: everything one fake Pebble knows (layers and plan, services, checks, changes,
// notices, logs, files, execs) behind one lock, with Pebble's plan-manager rules for adding layers.
// Services, checks and exec live in the other PebbleState.*.cs files.
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>A layer in the plan, with its label and order (Pebble numbers API layers 1000, 1001, ...).</summary>
/// <param name="Order">The layer's order.</param>
/// <param name="Label">The layer's label.</param>
/// <param name="Layer">The layer as added, or as combined into by later layers with the same label.</param>
public sealed record FakePebbleLayer(int Order, string Label, Layer Layer);

/// <summary>The state of one fake Pebble. Every member except the constructor expects <see cref="Gate"/> to be held.</summary>
internal sealed partial class PebbleState
{
    private readonly List<FakePebbleLayer> _layers = [];

    public PebbleState(string root, TimeProvider time, uint userId, IReadOnlyDictionary<string, string>? mounts = null)
    {
        Time = time;
        UserId = userId;
        Notices = new NoticeStore(time);
        Changes = new ChangeStore(time, Notices);
        Users = new ContainerUsers(root);
        Files = new ContainerFiles(root, Users, mounts);
    }

    /// <summary>Held by every reader and writer of this state.</summary>
    public Lock Gate { get; } = new();

    public TimeProvider Time { get; }

    /// <summary>The uid Pebble sees on every request (the test process's own).</summary>
    public uint UserId { get; }

    public NoticeStore Notices { get; }

    public ChangeStore Changes { get; }

    public ContainerUsers Users { get; }

    public ContainerFiles Files { get; }

    /// <summary>When set, service changes stay Doing until released.</summary>
    public bool HoldChanges { get; set; }

    public IReadOnlyList<FakePebbleLayer> Layers => [.. _layers];

    public Plan Plan { get; private set; } = Plan.Empty;

    /// <summary>
    /// Pebble's <c>AppendLayer</c>/<c>CombineLayer</c>: a new label is appended; with <paramref name="combine"/>
    /// an existing label is combined into; the combined plan must validate. Returns the error text or null.
    /// </summary>
    public string? AddLayer(string label, Layer layer, bool combine)
    {
        var index = _layers.FindIndex(l => l.Label == label);
        if (index >= 0 && !combine)
        {
            return $"layer {PebbleJson.Quote(label)} already exists";
        }

        var layers = new List<FakePebbleLayer>(_layers);
        try
        {
            if (index >= 0)
            {
                layers[index] = layers[index] with { Layer = layers[index].Layer.Combine(layer) };
            }
            else
            {
                var order = layers.Count == 0 ? 1000 : layers[^1].Order + 1;
                layers.Add(new FakePebbleLayer(order, label, layer));
            }

            var plan = Plan.Combine(layers.Select(l => l.Layer));
            plan.Validate();
            _layers.Clear();
            _layers.AddRange(layers);
            Plan = plan;
        }
        catch (PebbleLayerException ex)
        {
            return ex.Message;
        }

        PlanChanged();
        return null;
    }
}
