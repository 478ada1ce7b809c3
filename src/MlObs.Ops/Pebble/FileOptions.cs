// PushOptions and MakeDirOptions: permissions and ownership for files and directories Pebble creates.
namespace MlObs.Ops.Pebble;

/// <summary>Options of <see cref="PebbleClient.PushAsync(string, Stream, PushOptions?, CancellationToken)"/>.</summary>
public sealed record PushOptions
{
    /// <summary>Create missing parent directories (mode 755).</summary>
    public bool MakeDirs { get; init; }

    /// <summary>The file mode as three octal digits, e.g. <c>"600"</c> (Pebble: <c>"644"</c>).</summary>
    public string? Permissions { get; init; }

    /// <summary>The owner, by name.</summary>
    public string? User { get; init; }

    /// <summary>The owner, by id.</summary>
    public int? UserId { get; init; }

    /// <summary>The group, by name (only with a user).</summary>
    public string? Group { get; init; }

    /// <summary>The group, by id (only with a user).</summary>
    public int? GroupId { get; init; }
}

/// <summary>Options of <see cref="PebbleClient.MakeDirAsync"/>.</summary>
public sealed record MakeDirOptions
{
    /// <summary>Create missing parent directories too, and succeed if the directory exists.</summary>
    public bool MakeParents { get; init; }

    /// <summary>The directory mode as three octal digits, e.g. <c>"750"</c> (Pebble: <c>"755"</c>).</summary>
    public string? Permissions { get; init; }

    /// <summary>The owner, by name.</summary>
    public string? User { get; init; }

    /// <summary>The owner, by id.</summary>
    public int? UserId { get; init; }

    /// <summary>The group, by name (only with a user).</summary>
    public string? Group { get; init; }

    /// <summary>The group, by id (only with a user).</summary>
    public int? GroupId { get; init; }
}
