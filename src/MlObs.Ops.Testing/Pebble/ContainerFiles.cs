// ContainerFiles: the fake container's filesystem: absolute Pebble paths map below a root
// directory on the host. List, read, write, make-dirs and remove behave as Pebble's api_files.go
// does (errors as Go's os errors, with the Pebble path), ownership is recorded rather than chowned.
// Safe to call without the state lock: the ownership table has its own.
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>A per-path file error as Pebble reports it: a kind and Go's error text.</summary>
internal sealed record FileError(string Kind, string Message)
{
    public const string NotFound = "not-found";
    public const string PermissionDenied = "permission-denied";
    public const string Generic = "generic-file-error";

    /// <summary>The HTTP status of a list error (Pebble's <c>fileErrorToStatus</c>).</summary>
    public int StatusCode => Kind switch
    {
        NotFound => 404,
        PermissionDenied => 403,
        _ => 400,
    };

    public JsonObject ToJson() => new() { ["message"] = Message, ["kind"] = Kind };

    public static FileError NoSuchFile(string op, string path) => new(NotFound, $"{op} {path}: no such file or directory");

    public static FileError Denied(string op, string path) => new(PermissionDenied, $"{op} {path}: permission denied");

    public static FileError NotAbsolute(string path) => new(Generic, $"paths must be absolute, got {PebbleJson.Quote(path)}");
}

/// <summary>The fake container's files, below <see cref="Root"/>.</summary>
internal sealed class ContainerFiles
{
    private readonly Dictionary<string, Ownership> _owners = new(StringComparer.Ordinal);
    private readonly ContainerUsers _users;

    // Mount points (clean Pebble paths) with their host directories, longest first so that the
    // deepest mount wins, as it does in a real mount table.
    private readonly (string Location, string Source)[] _mounts;

    public ContainerFiles(string root, ContainerUsers users, IReadOnlyDictionary<string, string>? mounts = null)
    {
        Root = Path.GetFullPath(root);
        _users = users;
        _mounts = [.. (mounts ?? new Dictionary<string, string>())
            .Select(m => (Location: Clean(m.Key), Source: Path.GetFullPath(m.Value)))
            .OrderByDescending(m => m.Location.Length)];
        foreach (var (location, _) in _mounts)
        {
            // The mount point shows up when its parent is listed, as it would in the container.
            Directory.CreateDirectory(Path.Join(Root, location[1..]));
        }
    }

    public string Root { get; }

    /// <summary>Go's <c>path.Clean</c> for an absolute path: no <c>.</c>, no <c>..</c> (above <c>/</c> is <c>/</c>), no double slashes.</summary>
    public static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }

    /// <summary>Where a Pebble path lives on the host; null if it would leave the root (through a symlink).</summary>
    public string? HostPath(string pebblePath)
    {
        var clean = Clean(pebblePath);
        var (root, relative) = Resolve(clean);
        var host = relative.Length == 0 ? root : Path.Join(root, relative);
        var full = Path.GetFullPath(host);
        if (!IsInside(root, full))
        {
            return null;
        }

        // Follow symlinks component by component: one that points outside its root is refused.
        var current = root;
        foreach (var part in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Join(current, part);
            var info = new FileInfo(current);
            if (info.LinkTarget is null)
            {
                continue;
            }

            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !IsInside(root, Path.GetFullPath(target.FullName)))
            {
                return null;
            }
        }

        return full;
    }

    // The host directory a clean path lives under (a mount's source or the root) and the path relative to it.
    private (string Root, string Relative) Resolve(string clean)
    {
        foreach (var (location, source) in _mounts)
        {
            if (clean == location)
            {
                return (source, string.Empty);
            }

            if (clean.StartsWith(location + "/", StringComparison.Ordinal))
            {
                return (source, clean[(location.Length + 1)..]);
            }
        }

        return (Root, clean[1..]);
    }

    public Ownership OwnerOf(string pebblePath)
    {
        lock (_owners)
        {
            return _owners.GetValueOrDefault(Clean(pebblePath), Ownership.Root);
        }
    }

    public void SetOwner(string pebblePath, Ownership? owner)
    {
        lock (_owners)
        {
            if (owner is null)
            {
                _owners.Remove(Clean(pebblePath));
            }
            else
            {
                _owners[Clean(pebblePath)] = owner;
            }
        }
    }

    // Listing

    public JsonArray List(string path, string pattern, bool itself, out FileError? error)
    {
        error = null;
        var host = HostPath(path);
        if (host is null)
        {
            error = FileError.Denied("stat", path);
            return [];
        }

        var info = Stat(host);
        if (info is null)
        {
            error = FileError.NoSuchFile("stat", path);
            return [];
        }

        Regex? matcher = null;
        if (pattern.Length > 0)
        {
            matcher = GlobToRegex(pattern);
            if (matcher is null)
            {
                error = new FileError(FileError.Generic, "syntax error in pattern");
                return [];
            }
        }

        var result = new JsonArray();
        if (info is not DirectoryInfo directory || itself)
        {
            var name = path == "/" ? "/" : Clean(path).Split('/')[^1];
            if (matcher is null || matcher.IsMatch(name))
            {
                result.Add(Describe(Clean(path), name, info));
            }

            return result;
        }

        var dir = Clean(path);
        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (matcher is null || matcher.IsMatch(entry.Name))
            {
                result.Add(Describe(dir == "/" ? "/" + entry.Name : dir + "/" + entry.Name, entry.Name, entry));
            }
        }

        return result;
    }

    private JsonObject Describe(string pebblePath, string name, FileSystemInfo info)
    {
        var type = info.LinkTarget is not null ? "symlink" : info is DirectoryInfo ? "directory" : "file";
        var json = new JsonObject
        {
            ["path"] = pebblePath,
            ["name"] = name,
            ["type"] = type,
        };
        if (type == "file" && info is FileInfo file)
        {
            json["size"] = file.Length;
        }

        var mode = type == "symlink" || OperatingSystem.IsWindows() ? (UnixFileMode)0b111_111_111 : info.UnixFileMode;
        json["permissions"] = Convert.ToString((int)mode & 0b111_111_111, 8).PadLeft(3, '0');
        json["last-modified"] = PebbleJson.WholeSeconds(new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));
        var owner = OwnerOf(pebblePath);
        json["user-id"] = owner.UserId;
        json["user"] = owner.User;
        json["group-id"] = owner.GroupId;
        json["group"] = owner.Group;
        return json;
    }

    // Reading

    /// <summary>Opens a file to read as Pebble's <c>readFile</c> does, or says why not.</summary>
    public FileStream? OpenRead(string path, out FileError? error)
    {
        error = null;
        if (!path.StartsWith('/'))
        {
            error = FileError.NotAbsolute(path);
            return null;
        }

        var host = HostPath(path);
        if (host is null)
        {
            error = FileError.Denied("open", path);
            return null;
        }

        var info = Stat(host);
        if (info is null)
        {
            error = FileError.NoSuchFile("stat", path);
            return null;
        }

        if (info is DirectoryInfo)
        {
            error = new FileError(FileError.Generic, $"can only read a regular file: {PebbleJson.Quote(path)}");
            return null;
        }

        try
        {
            return new FileStream(host, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
        }
        catch (UnauthorizedAccessException)
        {
            error = FileError.Denied("open", path);
            return null;
        }
        catch (IOException ex)
        {
            error = new FileError(FileError.Generic, $"open {path}: {ex.Message}");
            return null;
        }
    }

    // Writing

    /// <summary>Pebble's <c>writeFile</c>: optional parents (755), atomic write, permissions (default 644), owner.</summary>
    public async Task<FileError?> WriteAsync(WriteFileItem item, Stream content, CancellationToken cancellationToken)
    {
        if (!item.Path.StartsWith('/'))
        {
            return FileError.NotAbsolute(item.Path);
        }

        var owner = _users.Normalize(item.UserId, item.User, item.GroupId, item.Group, out var ownerError);
        if (ownerError is not null)
        {
            return new FileError(FileError.Generic, $"cannot look up user and group: {ownerError}");
        }

        var path = Clean(item.Path);
        if (item.MakeDirs)
        {
            var made = MakeDirectory(ParentOf(path), 0b111_101_101, owner, parents: true, existOk: true);
            if (made is not null)
            {
                return made with { Message = "cannot create directory: " + made.Message };
            }
        }

        if (!TryParsePermissions(item.Permissions, 0b110_100_100, out var mode))
        {
            return new FileError(FileError.Generic, $"permissions must be a 3-digit octal string, got {PebbleJson.Quote(item.Permissions ?? "")}");
        }

        var host = HostPath(path);
        var parentHost = HostPath(ParentOf(path));
        if (host is null || parentHost is null)
        {
            return FileError.Denied("open", path);
        }

        if (Stat(parentHost) is not DirectoryInfo)
        {
            return Stat(parentHost) is null
                ? FileError.NoSuchFile("open", path)
                : new FileError(FileError.Generic, $"open {path}: not a directory");
        }

        if (Stat(host) is DirectoryInfo)
        {
            return new FileError(FileError.Generic, $"rename {path}: file exists");
        }

        var temp = $"{host}.{Guid.NewGuid():N}~";
        try
        {
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(output, cancellationToken);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, (UnixFileMode)mode);
            }

            File.Move(temp, host, overwrite: true);
        }
        catch (UnauthorizedAccessException)
        {
            File.Delete(temp);
            return FileError.Denied("open", path);
        }
        catch (IOException ex)
        {
            File.Delete(temp);
            return new FileError(FileError.Generic, $"open {path}: {ex.Message}");
        }

        SetOwner(path, owner);
        return null;
    }

    // Making directories

    public FileError? MakeDirs(MakeDirItem item)
    {
        if (!item.Path.StartsWith('/'))
        {
            return FileError.NotAbsolute(item.Path);
        }

        if (!TryParsePermissions(item.Permissions, 0b111_101_101, out var mode))
        {
            return new FileError(FileError.Generic, $"permissions must be a 3-digit octal string, got {PebbleJson.Quote(item.Permissions ?? "")}");
        }

        var owner = _users.Normalize(item.UserId, item.User, item.GroupId, item.Group, out var ownerError);
        if (ownerError is not null)
        {
            return new FileError(FileError.Generic, $"cannot look up user and group: {ownerError}");
        }

        return MakeDirectory(Clean(item.Path), mode, owner, item.MakeParents, existOk: item.MakeParents);
    }

    /// <summary>Pebble's <c>osutil.Mkdir</c>: with parents, each missing directory gets the mode and owner.</summary>
    private FileError? MakeDirectory(string path, int mode, Ownership? owner, bool parents, bool existOk)
    {
        var host = HostPath(path);
        if (host is null)
        {
            return FileError.Denied("mkdir", path);
        }

        switch (Stat(host))
        {
            case DirectoryInfo when existOk:
                return null;
            case DirectoryInfo:
                return new FileError(FileError.Generic, $"mkdir {path}: file exists");
            case not null:
                return new FileError(FileError.Generic, $"mkdir {path}: not a directory");
        }

        var missing = new Stack<string>();
        for (var current = path; current != "/"; current = ParentOf(current))
        {
            var currentHost = HostPath(current);
            if (currentHost is null)
            {
                return FileError.Denied("mkdir", current);
            }

            var info = Stat(currentHost);
            if (info is DirectoryInfo)
            {
                break;
            }

            if (info is not null)
            {
                return new FileError(FileError.Generic, $"mkdir {current}: not a directory");
            }

            missing.Push(current);
            if (!parents)
            {
                if (Stat(HostPath(ParentOf(current)) ?? "") is null)
                {
                    return FileError.NoSuchFile("mkdir", current);
                }

                break;
            }
        }

        foreach (var dir in missing)
        {
            var dirHost = HostPath(dir)!;
            try
            {
                Directory.CreateDirectory(dirHost);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(dirHost, (UnixFileMode)mode);
                }
            }
            catch (UnauthorizedAccessException)
            {
                return FileError.Denied("mkdir", dir);
            }
            catch (IOException ex)
            {
                return new FileError(FileError.Generic, $"mkdir {dir}: {ex.Message}");
            }

            SetOwner(dir, owner);
        }

        return null;
    }

    // Removing

    public FileError? Remove(string path, bool recursive)
    {
        if (!path.StartsWith('/'))
        {
            return FileError.NotAbsolute(path);
        }

        var clean = Clean(path);
        var host = HostPath(clean);
        if (host is null)
        {
            return FileError.Denied("remove", path);
        }

        var info = new FileInfo(host).LinkTarget is not null ? new FileInfo(host) : Stat(host);
        if (info is null)
        {
            return recursive ? null : FileError.NoSuchFile("remove", path);
        }

        try
        {
            if (info is DirectoryInfo directory)
            {
                if (!recursive && directory.EnumerateFileSystemInfos().Any())
                {
                    return new FileError(FileError.Generic, $"remove {path}: directory not empty");
                }

                if (clean == "/")
                {
                    foreach (var child in directory.EnumerateFileSystemInfos())
                    {
                        Delete(child);
                    }
                }
                else
                {
                    directory.Delete(recursive);
                }
            }
            else
            {
                info.Delete();
            }
        }
        catch (UnauthorizedAccessException)
        {
            return FileError.Denied("remove", path);
        }
        catch (IOException ex)
        {
            return new FileError(FileError.Generic, $"remove {path}: {ex.Message}");
        }

        var prefix = clean == "/" ? "/" : clean + "/";
        lock (_owners)
        {
            foreach (var key in _owners.Keys.Where(k => k == clean || k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                _owners.Remove(key);
            }
        }

        return null;
    }

    private static void Delete(FileSystemInfo info)
    {
        if (info is DirectoryInfo dir && info.LinkTarget is null)
        {
            dir.Delete(recursive: true);
        }
        else
        {
            info.Delete();
        }
    }

    // Helpers

    public static bool TryParsePermissions(string? text, int fallback, out int mode)
    {
        mode = fallback;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (text.Length != 3 || text.Any(c => c is < '0' or > '7'))
        {
            return false;
        }

        mode = Convert.ToInt32(text, 8);
        return true;
    }

    private static string ParentOf(string cleanPath)
    {
        var slash = cleanPath.LastIndexOf('/');
        return slash <= 0 ? "/" : cleanPath[..slash];
    }

    /// <summary>Like Go's <c>os.Stat</c>: follows symlinks; null when nothing is there.</summary>
    private static FileSystemInfo? Stat(string host)
    {
        if (Directory.Exists(host))
        {
            return new DirectoryInfo(host);
        }

        return File.Exists(host) ? new FileInfo(host) : null;
    }

    private static bool IsInside(string root, string full) =>
        full == root || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Go's <c>path.Match</c> as a regex: <c>*</c>, <c>?</c>, <c>[...]</c> (with <c>^</c>), <c>\</c> escapes; null for a bad pattern.</summary>
    internal static Regex? GlobToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '\\':
                    if (++i >= pattern.Length)
                    {
                        return null;
                    }

                    regex.Append(Regex.Escape(pattern[i].ToString()));
                    break;
                case '[':
                    var end = i + 1;
                    var negate = end < pattern.Length && pattern[end] == '^';
                    if (negate)
                    {
                        end++;
                    }

                    var set = new StringBuilder();
                    var first = true;
                    while (end < pattern.Length && (pattern[end] != ']' || first))
                    {
                        first = false;
                        var ch = pattern[end];
                        if (ch == '\\')
                        {
                            end++;
                            if (end >= pattern.Length)
                            {
                                return null;
                            }

                            ch = pattern[end];
                        }

                        set.Append(ch is '\\' or ']' or '[' or '^' ? "\\" + ch : ch.ToString());
                        end++;
                    }

                    if (end >= pattern.Length || set.Length == 0)
                    {
                        return null;
                    }

                    regex.Append(negate ? "[^/" : "[").Append(set).Append(']');
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}

/// <summary>One entry of a <c>write</c> request.</summary>
internal sealed record WriteFileItem(string Path, bool MakeDirs, string? Permissions, int? UserId, string? User, int? GroupId, string? Group);

/// <summary>One entry of a <c>make-dirs</c> request.</summary>
internal sealed record MakeDirItem(string Path, bool MakeParents, string? Permissions, int? UserId, string? User, int? GroupId, string? Group);
