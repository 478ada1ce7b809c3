// PebbleFileInfo: one entry of a file listing (GET /v1/files?action=list).
namespace MlObs.Ops.Pebble;

/// <summary>The type of a file in a listing.</summary>
public enum PebbleFileType
{
    /// <summary><c>unknown</c>.</summary>
    Unknown = 0,

    /// <summary><c>file</c>: a regular file.</summary>
    File = 1,

    /// <summary><c>directory</c>.</summary>
    Directory = 2,

    /// <summary><c>symlink</c>.</summary>
    Symlink = 3,

    /// <summary><c>socket</c>.</summary>
    Socket = 4,

    /// <summary><c>named-pipe</c>.</summary>
    NamedPipe = 5,

    /// <summary><c>device</c>.</summary>
    Device = 6,
}

/// <summary>One entry of <see cref="PebbleClient.ListFilesAsync"/>.</summary>
/// <param name="Path">The absolute path.</param>
/// <param name="Name">The base name.</param>
/// <param name="Type">The file type.</param>
/// <param name="Size">The size in bytes, for regular files only.</param>
/// <param name="Permissions">The permission bits, e.g. <c>0o644</c> (parsed from Pebble's octal <c>"644"</c>).</param>
/// <param name="LastModified">When it was last modified (whole seconds).</param>
/// <param name="UserId">The owner's id, or <see langword="null"/> when unknown.</param>
/// <param name="User">The owner's name, or <see langword="null"/> when unknown.</param>
/// <param name="GroupId">The group's id, or <see langword="null"/> when unknown.</param>
/// <param name="Group">The group's name, or <see langword="null"/> when unknown.</param>
public sealed record PebbleFileInfo(
    string Path,
    string Name,
    PebbleFileType Type,
    long? Size,
    int Permissions,
    DateTimeOffset LastModified,
    int? UserId,
    string? User,
    int? GroupId,
    string? Group);
