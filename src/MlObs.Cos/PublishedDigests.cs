// PublishedDigests: what lets a leader skip re-deriving and re-reading an application databag whose
// inputs did not change. Deriving alert rules or compressed dashboards costs CPU, and reading the
// databag back costs a relation-get; a digest of the inputs in stored state (loaded once per dispatch
// anyway) costs neither.
using System.IO.Hashing;
using System.Text;
using MlObs.Ops;

namespace MlObs.Cos;

/// <summary>
/// Per relation, a digest of the inputs of what this unit last published in its application databag.
/// Only the leader writes that databag, so the record holds while this unit stays leader. It is not
/// trusted in the hooks where leadership or the charm itself may have changed (leader-elected,
/// upgrade-charm) nor on relation-created/-joined, and it is dropped whenever the unit is not leader.
/// </summary>
internal sealed class PublishedDigests
{
    private readonly CharmBase _charm;
    private readonly RelationKeyedState<string> _state;

    public PublishedDigests(CharmBase charm, string name)
    {
        _charm = charm;
        _state = new RelationKeyedState<string>(
            charm.Framework.GetStoredState(
                "mlobs-cos-published-" + name, StateJson.ReadStringMap, StateJson.WriteStringMap, () => new Dictionary<string, string>(StringComparer.Ordinal)),
            string.Equals);
    }

    /// <summary>Whether <paramref name="relation"/> holds what inputs with <paramref name="digest"/> give, as far as this unit can know without reading it.</summary>
    public bool IsCurrent(Relation relation, string digest)
    {
        var hook = _charm.Model.Context.HookName;
        if (hook is "leader-elected" or "upgrade-charm" || hook.EndsWith("-relation-created", StringComparison.Ordinal) || hook.EndsWith("-relation-joined", StringComparison.Ordinal))
        {
            return false;
        }

        return _state.Get(relation.Id) == digest;
    }

    /// <summary>Remembers that <paramref name="relation"/> now holds what inputs with <paramref name="digest"/> give.</summary>
    public void Record(Relation relation, string digest) => _state.Set(relation.Id, digest);

    /// <summary>Forgets everything (this unit is not leader: another unit may write the databags).</summary>
    public void Clear() => _state.Clear();

    /// <summary>Forgets one relation (it is gone).</summary>
    public void Forget(Relation relation) => _state.Forget(relation.Id);
}

/// <summary>A 128-bit digest of texts and files, fed in order; the order and the boundaries count.</summary>
internal sealed class InputDigest
{
    private readonly XxHash128 _hash = new();

    /// <summary>Adds a text (length-prefixed, so that "ab"+"c" and "a"+"bc" differ; null differs from empty).</summary>
    public InputDigest Add(string? text) => text is null ? AddBytes([], -1) : AddBytes(Encoding.UTF8.GetBytes(text), 0);

    private InputDigest AddBytes(ReadOnlySpan<byte> bytes, int tag)
    {
        Span<byte> header = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header, tag);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header[4..], bytes.Length);
        _hash.Append(header);
        _hash.Append(bytes);
        return this;
    }

    /// <summary>
    /// Adds a rule or dashboard path: every file under a directory (names relative to it, and contents) in ordinal
    /// order, or the one file; a marker when there is neither.
    /// </summary>
    public InputDigest AddPath(string path, bool recursive)
    {
        if (File.Exists(path))
        {
            return AddFile(path);
        }

        if (!Directory.Exists(path))
        {
            return AddBytes([], -2);
        }

        var files = Directory.GetFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = recursive, AttributesToSkip = 0, IgnoreInaccessible = true });
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            Add(Path.GetRelativePath(path, file));
            AddFile(file);
        }

        return this;
    }

    // As AddBytes(File.ReadAllBytes(path), 1), through a pooled buffer when the file fits in it: dashboards and rule
    // files are read in every dispatch, and a fresh array for each is memory the GC clears and the kernel faults in.
    private InputDigest AddFile(string path)
    {
        const int Pooled = 32768;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        if (file.Length >= Pooled)
        {
            return AddBytes(File.ReadAllBytes(path), 1);
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Pooled);
        try
        {
            var read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return read < buffer.Length ? AddBytes(buffer.AsSpan(0, read), 1) : AddBytes(File.ReadAllBytes(path), 1);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The digest as 32 lowercase hex digits.</summary>
    public string Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());
}
