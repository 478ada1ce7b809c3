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

/// <summary>
/// A 128-bit digest of texts and files, fed in order; the order and the boundaries count. Each item is its bytes
/// followed by a tag and its length, so that the items can be told apart reading from the end ("ab"+"c" differs from
/// "a"+"bc", a null text from an empty one, a text from a file with the same bytes).
/// </summary>
/// <remarks>
/// Rule and dashboard directories are digested in every hook, contents included (packed charms carry fixed mtimes, so
/// metadata alone cannot tell a changed file): files are read through <see cref="RandomAccess"/> into a buffer on the
/// stack, with no <see cref="FileStream"/> and no array per file, whose fresh memory the GC would clear and the kernel
/// fault in.
/// </remarks>
internal sealed class InputDigest
{
    private const int TextTag = 0;
    private const int NullTag = -1;
    private const int FileTag = 1;
    private const int MissingPathTag = -2;
    private const int DirectoryTag = 2;
    private const int ChunkSize = 4096;

    private static readonly EnumerationOptions AllFiles = new() { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
    private static readonly EnumerationOptions TopFiles = new() { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = true };

    private readonly XxHash128 _hash = new();

    /// <summary>Adds a text (its UTF-8 bytes).</summary>
    public InputDigest Add(string? text)
    {
        if (text is null)
        {
            return End(NullTag, 0);
        }

        if (text.Length <= ChunkSize / 3)
        {
            Span<byte> bytes = stackalloc byte[ChunkSize];
            var length = Encoding.UTF8.GetBytes(text, bytes);
            _hash.Append(bytes[..length]);
            return End(TextTag, length);
        }

        var encoded = Encoding.UTF8.GetBytes(text);
        _hash.Append(encoded);
        return End(TextTag, encoded.Length);
    }

    /// <summary>
    /// Adds a rule or dashboard path: every file under a directory (names relative to it, and contents) in ordinal
    /// order, then their count; or the one file; a marker when there is neither.
    /// </summary>
    public InputDigest AddPath(string path, bool recursive)
    {
        if (!Directory.Exists(path))
        {
            return File.Exists(path) ? AddFile(path) : End(MissingPathTag, 0);
        }

        var files = Directory.GetFiles(path, "*", recursive ? AllFiles : TopFiles);
        Array.Sort(files, StringComparer.Ordinal);
        // The enumeration gives each file as `path` joined with its name relative to `path`.
        var prefix = Path.EndsInDirectorySeparator(path) ? path.Length : path.Length + 1;
        foreach (var file in files)
        {
            Add(file.StartsWith(path, StringComparison.Ordinal) ? file[prefix..] : Path.GetRelativePath(path, file));
            AddFile(file);
        }

        return End(DirectoryTag, files.Length);
    }

    /// <summary>The digest of <see cref="AddPath"/> alone, as 32 hex digits: to add one directory to several digests.</summary>
    public static string OfPath(string path, bool recursive) => new InputDigest().AddPath(path, recursive).Hex();

    /// <summary>The digest as 32 lowercase hex digits.</summary>
    public string Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    private InputDigest AddFile(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> buffer = stackalloc byte[ChunkSize];
        long length = 0;
        int read;
        while ((read = RandomAccess.Read(handle, buffer, length)) > 0)
        {
            _hash.Append(buffer[..read]);
            length += read;
        }

        return End(FileTag, length);
    }

    private InputDigest End(int tag, long length)
    {
        Span<byte> trailer = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(trailer, tag);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(trailer[4..], length);
        _hash.Append(trailer);
        return this;
    }
}
