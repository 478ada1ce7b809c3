// HookCommands: the secret tools (secret-add, -get, -info-get, -set, -grant, -revoke, -remove, -ids).
using System.Globalization;
using System.Text;

namespace MlObs.Ops.HookTools;

public sealed partial class HookCommands
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates a secret (<c>secret-add [--label L] [--description D] [--expire T] [--rotate P] --owner O k#file=... </c>).
    /// The values never appear in argv: each is written to a 0600 file in a fresh temporary directory
    /// that the unit agent reads, and the directory is deleted when the tool returns, even on failure.
    /// </summary>
    /// <param name="content">The secret's keys and values; keys are lowercase letters, digits and hyphens, at least three long.</param>
    /// <param name="options">Owner and metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new secret's URI, for example <c>secret://&lt;model-uuid&gt;/&lt;id&gt;</c>.</returns>
    /// <exception cref="ArgumentException">The content is empty, a key is invalid or a value is null.</exception>
    public async Task<string> SecretAddAsync(
        IReadOnlyDictionary<string, string> content, SecretAddOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        ValidateSecretContent(content, nameof(content));
        if (options.Owner is not ("application" or "unit"))
        {
            throw new ArgumentException($"secret owner \"{options.Owner}\" not valid, expected \"application\" or \"unit\"", nameof(options));
        }

        var args = new List<string>();
        AddSecretMetadata(args, options.Label, options.Description, options.Expire, options.Rotate);
        args.Add("--owner");
        args.Add(options.Owner);

        var directory = WriteSecretFiles(content, args);
        try
        {
            var stdout = await RunAsync("secret-add", args, null, cancellationToken).ConfigureAwait(false);
            var uri = stdout.Trim();
            if (uri.Length == 0)
            {
                throw new HookToolOutputException("secret-add printed no secret URI");
            }

            return uri;
        }
        finally
        {
            DeleteSecretFiles(directory);
        }
    }

    /// <summary>
    /// Reads a secret's content (<c>secret-get --format=json [&lt;id&gt;] [--label L] [--refresh|--peek]</c>).
    /// Passing both an id and a label sets the label.
    /// </summary>
    /// <param name="id">The secret id or URI, or <see langword="null"/> to find it by <paramref name="label"/>.</param>
    /// <param name="label">The label, or <see langword="null"/>.</param>
    /// <param name="refresh">Move this unit's pin to the latest revision and read it.</param>
    /// <param name="peek">Read the latest revision without moving the pin.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The content of the pinned (or latest) revision.</returns>
    /// <exception cref="ArgumentException">Neither id nor label was given, or both refresh and peek were.</exception>
    public Task<IReadOnlyDictionary<string, string>> SecretGetAsync(
        string? id, string? label, bool refresh, bool peek, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(id) && string.IsNullOrEmpty(label))
        {
            throw new ArgumentException("secret-get needs a secret id or a label", nameof(id));
        }

        if (refresh && peek)
        {
            throw new ArgumentException("specify one of peek or refresh, not both", nameof(peek));
        }

        List<string> args = ["--format=json"];
        if (!string.IsNullOrEmpty(id))
        {
            args.Add(id);
        }

        if (!string.IsNullOrEmpty(label))
        {
            args.Add("--label");
            args.Add(label);
        }

        if (refresh)
        {
            args.Add("--refresh");
        }
        else if (peek)
        {
            args.Add("--peek");
        }

        return RunJsonAsync(
            "secret-get",
            args,
            null,
            (root, json) => json.StringMap(root, "the secret content", nullIsEmpty: false),
            cancellationToken);
    }

    /// <summary>
    /// Metadata of a secret this unit or application owns (<c>secret-info-get --format=json &lt;id&gt;</c>,
    /// or <c>--label L</c> when no id is given).
    /// </summary>
    /// <param name="id">The secret id or URI; takes precedence over <paramref name="label"/>.</param>
    /// <param name="label">The label, used when <paramref name="id"/> is <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The secret's metadata.</returns>
    /// <exception cref="ArgumentException">Neither id nor label was given.</exception>
    public Task<SecretInfo> SecretInfoGetAsync(string? id, string? label, CancellationToken cancellationToken = default)
    {
        List<string> args = ["--format=json"];
        if (!string.IsNullOrEmpty(id))
        {
            args.Add(id);
        }
        else if (!string.IsNullOrEmpty(label))
        {
            args.Add("--label");
            args.Add(label);
        }
        else
        {
            throw new ArgumentException("secret-info-get needs a secret id or a label", nameof(id));
        }

        return RunJsonAsync(
            "secret-info-get",
            args,
            null,
            (root, json) =>
            {
                // One entry, keyed by the bare id.
                var entry = json.Object(root, "the secret info").EnumerateObject().FirstOrDefault();
                if (entry.Name is null)
                {
                    throw json.Malformed("expected one secret in the secret info but it was empty");
                }

                const string What = "the secret info";
                var info = json.Object(entry.Value, What);
                return new SecretInfo(
                    entry.Name,
                    json.Int32(json.Required(info, "revision", What), "\"revision\""),
                    json.OptionalString(info, "label", What) ?? string.Empty,
                    json.String(json.Required(info, "owner", What), "\"owner\""),
                    json.OptionalString(info, "description", What),
                    json.OptionalString(info, "rotation", What),
                    json.OptionalTimestamp(info, "expiry", What),
                    json.OptionalTimestamp(info, "rotates", What));
            },
            cancellationToken);
    }

    /// <summary>
    /// Updates a secret this unit or application owns (<c>secret-set [--label L] [--description D] [--expire T]
    /// [--rotate P] --owner application &lt;id&gt; [k#file=...]</c>); <c>--owner application</c> is always passed, as ops main does,
    /// and Juju ignores it for updates. Content travels in temporary files as in <see cref="SecretAddAsync"/>.
    /// </summary>
    /// <param name="id">The secret id or URI.</param>
    /// <param name="content">The new content (a new revision), or <see langword="null"/> to change metadata only.</param>
    /// <param name="options">Metadata to change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    /// <exception cref="ArgumentException">The content is empty (but not null), a key is invalid or a value is null.</exception>
    public async Task SecretSetAsync(
        string id, IReadOnlyDictionary<string, string>? content, SecretSetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(options);
        if (content is not null)
        {
            ValidateSecretContent(content, nameof(content));
        }

        var args = new List<string>();
        AddSecretMetadata(args, options.Label, options.Description, options.Expire, options.Rotate);
        args.Add("--owner");
        args.Add("application");
        args.Add(id);
        if (content is null)
        {
            await RunAsync("secret-set", args, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var directory = WriteSecretFiles(content, args);
        try
        {
            await RunAsync("secret-set", args, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            DeleteSecretFiles(directory);
        }
    }

    /// <summary>Lets the remote application of a relation (or one of its units) read a secret (<c>secret-grant --relation &lt;id&gt; [--unit u] &lt;uri&gt;</c>).</summary>
    /// <param name="id">The secret id or URI.</param>
    /// <param name="relationId">The relation whose remote application gets access.</param>
    /// <param name="unit">Only this remote unit, or <see langword="null"/> for the whole application.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    public Task SecretGrantAsync(string id, int relationId, string? unit, CancellationToken cancellationToken = default) =>
        RunAsync("secret-grant", GrantArguments(id, relationId, unit), null, cancellationToken);

    /// <summary>Takes back access granted with <see cref="SecretGrantAsync"/> (<c>secret-revoke --relation &lt;id&gt; [--unit u] &lt;uri&gt;</c>).</summary>
    /// <param name="id">The secret id or URI.</param>
    /// <param name="relationId">The relation whose remote application loses access.</param>
    /// <param name="unit">Only this remote unit, or <see langword="null"/> for the whole application.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    public Task SecretRevokeAsync(string id, int relationId, string? unit, CancellationToken cancellationToken = default) =>
        RunAsync("secret-revoke", GrantArguments(id, relationId, unit), null, cancellationToken);

    /// <summary>Removes a secret, or one revision of it (<c>secret-remove &lt;uri&gt; [--revision N]</c>).</summary>
    /// <param name="id">The secret id or URI.</param>
    /// <param name="revision">The revision to remove, or <see langword="null"/> for the whole secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    public Task SecretRemoveAsync(string id, int? revision, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        List<string> args = [id];
        if (revision is { } value)
        {
            args.Add("--revision");
            args.Add(Invariant(value));
        }

        return RunAsync("secret-remove", args, null, cancellationToken);
    }

    /// <summary>The ids of the secrets this unit or application owns (<c>secret-ids --format=json</c>), in no particular order.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Bare ids (no <c>secret:</c> prefix); empty when none (Juju prints <c>null</c> then).</returns>
    public Task<IReadOnlyList<string>> SecretIdsAsync(CancellationToken cancellationToken = default) =>
        RunJsonAsync(
            "secret-ids",
            ["--format=json"],
            null,
            (root, json) => json.StringList(root, "the secret id list", nullIsEmpty: true),
            cancellationToken);

    /// <summary>Formats a secret expiry as RFC 3339 in UTC with a <c>Z</c>, fractional seconds only when present.</summary>
    internal static string FormatExpire(DateTimeOffset expire) =>
        expire.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static List<string> GrantArguments(string id, int relationId, string? unit)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        List<string> args = ["--relation", Invariant(relationId)];
        if (!string.IsNullOrEmpty(unit))
        {
            args.Add("--unit");
            args.Add(unit);
        }

        args.Add(id);
        return args;
    }

    private static void AddSecretMetadata(
        List<string> args, string? label, string? description, DateTimeOffset? expire, string? rotate)
    {
        if (label is not null)
        {
            args.Add("--label");
            args.Add(label);
        }

        if (description is not null)
        {
            args.Add("--description");
            args.Add(description);
        }

        if (expire is { } when)
        {
            args.Add("--expire");
            args.Add(FormatExpire(when));
        }

        if (rotate is not null)
        {
            args.Add("--rotate");
            args.Add(rotate);
        }
    }

    private static void ValidateSecretContent(IReadOnlyDictionary<string, string> content, string paramName)
    {
        if (content.Count == 0)
        {
            throw new ArgumentException("secret content must not be empty", paramName);
        }

        foreach (var (key, value) in content)
        {
            if (key is null || !Patterns.SecretKey().IsMatch(key))
            {
                throw new ArgumentException(
                    $"secret content key \"{key}\" not valid: use at least three lowercase letters, digits or single hyphens, starting with a letter",
                    paramName);
            }

            if (value is null)
            {
                throw new ArgumentException($"secret content key \"{key}\" has a null value", paramName);
            }
        }
    }

    /// <summary>
    /// Writes each value to <c>&lt;fresh temp dir&gt;/&lt;key&gt;</c> (mode 0600, directory 0700) and appends
    /// <c>key#file=&lt;path&gt;</c> to <paramref name="args"/>. The agent reads these files itself, so the paths are absolute.
    /// </summary>
    private static string WriteSecretFiles(IReadOnlyDictionary<string, string> content, List<string> args)
    {
        var directory = Directory.CreateTempSubdirectory("mlobs-secret-").FullName;
        try
        {
            foreach (var key in content.Keys.Order(StringComparer.Ordinal))
            {
                var path = Path.Combine(directory, key);
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = OwnerReadWrite;
                }

                using (var stream = new FileStream(path, options))
                {
                    var bytes = Encoding.UTF8.GetBytes(content[key]);
                    stream.Write(bytes);
                }

                args.Add($"{key}#file={path}");
            }

            return directory;
        }
        catch
        {
            DeleteSecretFiles(directory);
            throw;
        }
    }

    private static void DeleteSecretFiles(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Never let cleanup hide the tool's own result or error.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
