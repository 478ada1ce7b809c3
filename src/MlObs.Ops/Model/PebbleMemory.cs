// PebbleMemory: what this unit applied to a container's Pebble (layers and pushed files, as digests) and on which
// Pebble boot, kept in the unit's state. Juju keeps a container's Pebble running between hooks; its boot id changes
// only when Pebble restarts, and then Juju fires <container>-pebble-ready. While the boot id is the one recorded, a
// layer or file applied with the same digest is still there, so the charm can skip the requests that would re-read
// the plan or re-write the file.
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlObs.Ops;

/// <summary>The digests of what was applied to one container's Pebble, on one Pebble boot.</summary>
internal sealed class PebbleMemory
{
    private const string KeyPrefix = "mlobs.pebble.";
    private readonly StateStore _store;
    private readonly string _key;
    private string? _bootId;
    private Dictionary<string, string>? _applied;

    public PebbleMemory(StateStore store, string container)
    {
        _store = store;
        _key = KeyPrefix + container;
    }

    /// <summary>A digest of a text (XxHash128 of its UTF-8 bytes: a change detector, and no OpenSSL to load).</summary>
    public static string Digest(string text) => Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(text)));

    /// <summary>Whether <paramref name="item"/> was applied with <paramref name="digest"/> on the Pebble boot <paramref name="bootId"/>.</summary>
    public bool Holds(string bootId, string item, string digest)
    {
        Load();
        return _bootId == bootId && _applied!.TryGetValue(item, out var known) && known == digest;
    }

    /// <summary>Records that <paramref name="item"/> now holds <paramref name="digest"/> on boot <paramref name="bootId"/>; another boot's records go.</summary>
    public void Record(string bootId, string item, string digest)
    {
        Load();
        if (_bootId != bootId)
        {
            _bootId = bootId;
            _applied!.Clear();
        }

        if (_applied!.TryGetValue(item, out var known) && known == digest)
        {
            return;
        }

        _applied[item] = digest;
        Save();
    }

    private void Save()
    {
        var applied = new JsonObject();
        foreach (var (name, value) in _applied!.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            applied[name] = value;
        }

        _store.Set(_key, new JsonObject { ["boot-id"] = _bootId, ["applied"] = applied }.ToJsonString());
    }

    // A record that cannot be read is no record: everything is applied again and it is rewritten.
    private void Load()
    {
        if (_applied is not null)
        {
            return;
        }

        _applied = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_store.Get(_key) is not { } json)
        {
            return;
        }

        try
        {
            // JsonDocument, not JsonNode: JsonValue.TryGetValue<T> is a generic virtual call, which starts Native AOT's
            // type loader in every dispatch that reads this record.
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("boot-id", out var boot) && boot.ValueKind == JsonValueKind.String
                && root.TryGetProperty("applied", out var applied) && applied.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in applied.EnumerateObject())
                {
                    if (entry.Value.ValueKind == JsonValueKind.String)
                    {
                        _applied[entry.Name] = entry.Value.GetString()!;
                    }
                }

                _bootId = boot.GetString();
            }
        }
        catch (JsonException)
        {
            _applied.Clear();
        }
    }
}
