// ContainerUsers: the users and groups of the fake container, read from <root>/etc/passwd and
// <root>/etc/group (root is always known), and Pebble's NormalizeUidGid rules with its error texts.
using System.Globalization;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>An owner as Pebble resolves it: ids and names.</summary>
internal sealed record Ownership(int UserId, string User, int GroupId, string Group)
{
    public static readonly Ownership Root = new(0, "root", 0, "root");
}

/// <summary>The container's <c>/etc/passwd</c> and <c>/etc/group</c>, as Pebble's user look-ups see them.</summary>
internal sealed class ContainerUsers
{
    private readonly string _root;

    public ContainerUsers(string root)
    {
        _root = root;
    }

    /// <summary>A passwd entry: name, uid, primary gid, home.</summary>
    public sealed record UserEntry(string Name, int Id, int GroupId, string Home);

    public UserEntry? UserByName(string name) => Users().FirstOrDefault(u => u.Name == name);

    public UserEntry? UserById(int id) => Users().FirstOrDefault(u => u.Id == id);

    public string? GroupName(int id) => Groups().FirstOrDefault(g => g.Id == id).Name;

    public int? GroupId(string name) => Groups().FirstOrDefault(g => g.Name == name) is { Name: not null } g ? g.Id : null;

    /// <summary>
    /// Pebble's <c>osutil.NormalizeUidGid</c>: names must exist and agree with ids; a user alone brings its
    /// primary group; a group alone is an error. Returns null when nothing is asked for.
    /// </summary>
    public Ownership? Normalize(int? userId, string? user, int? groupId, string? group, out string? error)
    {
        error = null;
        user = string.IsNullOrEmpty(user) ? null : user;
        group = string.IsNullOrEmpty(group) ? null : group;
        if (userId is null && user is null && groupId is null && group is null)
        {
            return null;
        }

        if (user is not null)
        {
            var entry = UserByName(user);
            if (entry is null)
            {
                error = $"user: unknown user {user}";
                return null;
            }

            if (userId is { } uid && uid != entry.Id)
            {
                error = $"user {PebbleJson.Quote(user)} UID ({entry.Id}) does not match user-id ({uid})";
                return null;
            }

            userId = entry.Id;
        }

        if (group is not null)
        {
            var gid = GroupId(group);
            if (gid is null)
            {
                error = $"group: unknown group {group}";
                return null;
            }

            if (groupId is { } requested && requested != gid)
            {
                error = $"group {PebbleJson.Quote(group)} GID ({gid}) does not match group-id ({requested})";
                return null;
            }

            groupId = gid;
        }

        if (groupId is null)
        {
            var entry = UserById(userId!.Value);
            if (entry is null)
            {
                error = $"user: unknown userid {userId.Value.ToString(CultureInfo.InvariantCulture)}";
                return null;
            }

            groupId = entry.GroupId;
        }

        if (userId is null)
        {
            error = "must specify user, not just group";
            return null;
        }

        var userName = UserById(userId.Value)?.Name ?? userId.Value.ToString(CultureInfo.InvariantCulture);
        var groupName = GroupName(groupId.Value) ?? groupId.Value.ToString(CultureInfo.InvariantCulture);
        return new Ownership(userId.Value, userName, groupId.Value, groupName);
    }

    private IEnumerable<UserEntry> Users()
    {
        var found = false;
        foreach (var fields in Read("etc/passwd"))
        {
            if (fields.Length >= 6
                && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                found |= uid == 0;
                yield return new UserEntry(fields[0], uid, gid, fields[5]);
            }
        }

        if (!found)
        {
            yield return new UserEntry("root", 0, 0, "/root");
        }
    }

    private IEnumerable<(string Name, int Id)> Groups()
    {
        var found = false;
        foreach (var fields in Read("etc/group"))
        {
            if (fields.Length >= 3 && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                found |= gid == 0;
                yield return (fields[0], gid);
            }
        }

        if (!found)
        {
            yield return ("root", 0);
        }
    }

    private IEnumerable<string[]> Read(string relative)
    {
        var path = Path.Combine(_root, relative);
        if (!File.Exists(path))
        {
            return [];
        }

        return File.ReadAllLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(':'));
    }
}
