// Secret: Juju secrets, owned or consumed, with tracked and latest revisions.
using MlObs.Ops.HookTools;

namespace MlObs.Ops;

/// <summary>How often Juju asks the owner to rotate a secret.</summary>
public enum SecretRotate
{
    /// <summary>Never.</summary>
    Never,

    /// <summary>Every hour.</summary>
    Hourly,

    /// <summary>Every day.</summary>
    Daily,

    /// <summary>Every week.</summary>
    Weekly,

    /// <summary>Every month.</summary>
    Monthly,

    /// <summary>Every quarter.</summary>
    Quarterly,

    /// <summary>Every year.</summary>
    Yearly,
}

/// <summary>Metadata of a new or updated secret.</summary>
/// <param name="Label">A label unique to the owner, to find the secret again.</param>
/// <param name="Description">A description for the operator.</param>
/// <param name="Expire">When the secret expires.</param>
/// <param name="Rotate">How often to rotate it.</param>
public sealed record SecretOptions(string? Label = null, string? Description = null, DateTimeOffset? Expire = null, SecretRotate? Rotate = null)
{
    internal string? RotateText => Rotate?.ToString().ToLowerInvariant();
}

/// <summary>
/// A Juju secret. The consumer reads the revision it tracks (<see cref="GetContentAsync"/>),
/// moves to the latest with <c>refresh: true</c>, or looks at the latest without moving
/// (<see cref="PeekContentAsync"/>). The owner sets content and metadata, grants and revokes.
/// </summary>
public sealed class Secret
{
    private readonly Model _model;
    private IReadOnlyDictionary<string, string>? _tracked;

    internal Secret(Model model, string? id, string? label)
    {
        _model = model;
        Id = id;
        Label = label;
    }

    /// <summary>The secret URI, when known.</summary>
    public string? Id { get; private set; }

    /// <summary>The label this unit or application gave the secret, when known.</summary>
    public string? Label { get; private set; }

    internal static async Task<Secret> AddAsync(Model model, IReadOnlyDictionary<string, string> content, SecretOptions options, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var id = await model.Commands.SecretAddAsync(
            content,
            new SecretAddOptions(owner, options.Label, options.Description, options.Expire, options.RotateText),
            cancellationToken).ConfigureAwait(false);
        return new Secret(model, id, options.Label) { _tracked = content };
    }

    /// <summary>The content of the tracked revision, or of the latest with <paramref name="refresh"/> (which then becomes tracked).</summary>
    /// <param name="refresh">Move to the latest revision.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Keys to values.</returns>
    /// <exception cref="SecretNotFoundException">No such secret, or no access.</exception>
    public async Task<IReadOnlyDictionary<string, string>> GetContentAsync(bool refresh = false, CancellationToken cancellationToken = default)
    {
        if (_tracked is null || refresh)
        {
            _tracked = await _model.Commands.SecretGetAsync(Id, Label, refresh, peek: false, cancellationToken).ConfigureAwait(false);
        }

        return _tracked;
    }

    /// <summary>The content of the latest revision, without tracking it.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Keys to values.</returns>
    public Task<IReadOnlyDictionary<string, string>> PeekContentAsync(CancellationToken cancellationToken = default) =>
        _model.Commands.SecretGetAsync(Id, Label, refresh: false, peek: true, cancellationToken);

    /// <summary>The secret's metadata (owner only).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Revision, label, owner, expiry and rotation.</returns>
    public async Task<SecretInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var info = await _model.Commands.SecretInfoGetAsync(Id is null ? null : Id, Id is null ? Label : null, cancellationToken).ConfigureAwait(false);
        Id ??= info.Id;
        return info;
    }

    /// <summary>Publishes a new revision with this content (owner only).</summary>
    /// <param name="content">Keys to values.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the content.</returns>
    public async Task SetContentAsync(IReadOnlyDictionary<string, string> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await _model.Commands.SecretSetAsync(await RequireIdAsync(cancellationToken).ConfigureAwait(false), content, new SecretSetOptions(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Changes the secret's metadata (owner only).</summary>
    /// <param name="options">The new label, description, expiry or rotation; null fields stay as they are.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the change.</returns>
    public async Task SetInfoAsync(SecretOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var id = await RequireIdAsync(cancellationToken).ConfigureAwait(false);
        await _model.Commands.SecretSetAsync(id, null, new SecretSetOptions(options.Label, options.Description, options.Expire, options.RotateText), cancellationToken).ConfigureAwait(false);
        if (options.Label is not null)
        {
            Label = options.Label;
        }
    }

    /// <summary>Lets the remote application of a relation (or one of its units) read the secret.</summary>
    /// <param name="relation">The relation.</param>
    /// <param name="unit">A single remote unit, or null for the whole application.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the grant.</returns>
    public async Task GrantAsync(Relation relation, Unit? unit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relation);
        await _model.Commands.SecretGrantAsync(await RequireIdAsync(cancellationToken).ConfigureAwait(false), relation.Id, unit?.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes back a grant.</summary>
    /// <param name="relation">The relation.</param>
    /// <param name="unit">A single remote unit, or null for the whole application.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the change.</returns>
    public async Task RevokeAsync(Relation relation, Unit? unit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relation);
        await _model.Commands.SecretRevokeAsync(await RequireIdAsync(cancellationToken).ConfigureAwait(false), relation.Id, unit?.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes one revision (typically in secret-remove, once no consumer tracks it).</summary>
    /// <param name="revision">The revision.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the change.</returns>
    public async Task RemoveRevisionAsync(int revision, CancellationToken cancellationToken = default) =>
        await _model.Commands.SecretRemoveAsync(await RequireIdAsync(cancellationToken).ConfigureAwait(false), revision, cancellationToken).ConfigureAwait(false);

    /// <summary>Removes the secret and all its revisions.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the change.</returns>
    public async Task RemoveAllRevisionsAsync(CancellationToken cancellationToken = default) =>
        await _model.Commands.SecretRemoveAsync(await RequireIdAsync(cancellationToken).ConfigureAwait(false), null, cancellationToken).ConfigureAwait(false);

    private async Task<string> RequireIdAsync(CancellationToken cancellationToken)
    {
        if (Id is null)
        {
            // Known by label only: secret-info-get resolves the id (owner only, as in ops).
            await GetInfoAsync(cancellationToken).ConfigureAwait(false);
        }

        return Id ?? throw new InvalidOperationException($"Secret '{Label}' has no id.");
    }
}
