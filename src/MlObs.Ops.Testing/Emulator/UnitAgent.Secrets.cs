// UnitAgent secret tools: secret-add, secret-get, secret-info-get, secret-set, secret-remove,
// secret-grant, secret-revoke and secret-ids (spec §3.2), over a working copy of the state's
// secrets that becomes the committed list when the hook succeeds.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Emulator;

public sealed partial class UnitAgent
{
    // XIDs are written in base32hex, lower case.
    private const string XidAlphabet = "0123456789abcdefghijklmnopqrstuv";

    private static readonly Dictionary<string, SecretRotatePolicy> RotatePolicies =
        Enum.GetValues<SecretRotatePolicy>().ToDictionary(p => p.ToString().ToLowerInvariant(), StringComparer.Ordinal);

    // The secrets as they will be if the hook succeeds (creates, updates, removals, grants, pins).
    private readonly List<SecretState> _secrets;

    // Secrets given new content in this hook: Juju 3.6 coalesces a hook's updates into one revision.
    private readonly HashSet<string> _revisedSecrets = new(StringComparer.Ordinal);

    private int _minted;

    private static void AddSecretTools(Dictionary<string, ToolDef> tools)
    {
        tools["secret-add"] = new("[key[#base64|#file]=value...]", "add a new secret", _ => SecretWriteFlags(), (a, args, call) => a.SecretAdd(args, call));
        tools["secret-set"] = new("<ID> [key[#base64|#file]=value...]", "update an existing secret", _ => SecretWriteFlags(), (a, args, call) => a.SecretSet(args, call));
        tools["secret-get"] = new("<ID> [key[#base64]]", "get the content of a secret", _ =>
            [
                FlagDef.String("a label used to identify the secret in hooks", "label"),
                FlagDef.Bool("get the latest revision just this time", "peek"),
                FlagDef.Bool("get the latest revision and also get this same revision for subsequent calls", "refresh"),
                .. OutputFlags("yaml", "json", "yaml"),
            ],
            (a, args, call) => a.SecretGet(args, call));
        tools["secret-info-get"] = new("<ID>", "get a secret's metadata info", _ => [FlagDef.String("a label used to identify the secret", "label"), .. OutputFlags("yaml", "json", "yaml")], (a, args, call) => a.SecretInfoGet(args, call));
        tools["secret-remove"] = new("<ID>", "remove an existing secret", _ =>
            [
                new FlagDef(["revision"], false, "remove the specified revision", "0", QuoteDefault: false) { Validate = GoInt },
            ],
            (a, args, call) => a.SecretRemove(args));
        tools["secret-grant"] = new("<ID>", "grant access to a secret", a => [a.RelationFlag(), FlagDef.String("the unit to grant access", "unit")], (a, args, call) => a.SecretGrant(args));
        tools["secret-revoke"] = new("<ID>", "revoke access to a secret", a => [a.RelationFlag(), FlagDef.String("the application to revoke access", "app", "application"), FlagDef.String("the unit to revoke access", "unit")], (a, args, call) => a.SecretRevoke(args));
        tools["secret-ids"] = new(string.Empty, "print secret ids", _ => OutputFlags(), (a, args, call) => a.SecretIds(args, call));
    }

    private static FlagDef[] SecretWriteFlags() =>
    [
        FlagDef.String("a label used to identify the secret in hooks", "label"),
        FlagDef.String("the secret description", "description"),
        FlagDef.String("either a duration or time when the secret should expire", "expire"),
        FlagDef.String("the secret rotation policy", "rotate"),
        new FlagDef(["owner"], false, "the owner of the secret, either the application or unit", "application"),
        FlagDef.String("a YAML file containing secret key values", "file"),
    ];

    /// <summary>Go's <c>intValue.Set</c> (<c>strconv.ParseInt(s, 0, 64)</c>) for decimal input.</summary>
    private static string? GoInt(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? null
            : $"strconv.ParseInt: parsing {ToolArguments.Quote(value)}: invalid syntax";

    private static string ShortId(string id)
    {
        if (id.StartsWith("secret://", StringComparison.Ordinal))
        {
            return id[(id.LastIndexOf('/') + 1)..];
        }

        return id.StartsWith("secret:", StringComparison.Ordinal) ? id["secret:".Length..] : id;
    }

    /// <summary>Juju's <c>secrets.ParseURI</c>: <c>secret:ID</c>, <c>secret://model-uuid/ID</c> or a bare ID; returns the ID.</summary>
    private static string ParseSecretUri(string text)
    {
        string id;
        if (text.StartsWith("secret://", StringComparison.Ordinal))
        {
            var rest = text["secret://".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            id = slash < 0 ? string.Empty : rest[(slash + 1)..];
        }
        else if (text.StartsWith("secret:", StringComparison.Ordinal))
        {
            id = text["secret:".Length..];
        }
        else
        {
            id = text;
        }

        return SecretPatterns.Id().IsMatch(id) ? id : throw ToolException.Usage($"secret URI {ToolArguments.Quote(text)} not valid");
    }

    private int FindSecretIndex(string? id, string? label)
    {
        if (id is not null)
        {
            return _secrets.FindIndex(s => ShortId(s.Id) == id);
        }

        return _secrets.FindIndex(s => s.Label == label);
    }

    private bool OwnsForManagement(SecretState secret) =>
        secret.Owner == SecretOwner.Unit || (secret.Owner == SecretOwner.App && _state.Leader);

    /// <summary>The secret an owner operation names; not found (exit 1) or <c>permission denied</c> for a secret the unit may not manage.</summary>
    private int ManagedSecret(string id)
    {
        var index = FindSecretIndex(id, null);
        if (index < 0)
        {
            throw new ToolException($"secret {ToolArguments.Quote(id)} not found");
        }

        if (!OwnsForManagement(_secrets[index]))
        {
            throw new ToolException("permission denied");
        }

        return index;
    }

    /// <summary>The metadata options of secret-add and secret-set, checked as their <c>Init</c> checks them (exit 2).</summary>
    private (DateTimeOffset? Expire, SecretRotatePolicy? Rotate, SecretOwner Owner) SecretOptions(ToolArguments args)
    {
        var owner = args.Value("owner") ?? "application";
        var parsedOwner = owner switch
        {
            "application" => SecretOwner.App,
            "unit" => SecretOwner.Unit,
            _ => throw ToolException.Usage($"secret owner {ToolArguments.Quote(owner)} not valid"),
        };

        SecretRotatePolicy? rotate = null;
        if (args.Value("rotate") is { } rotateText)
        {
            rotate = RotatePolicies.TryGetValue(rotateText, out var policy)
                ? policy
                : throw ToolException.Usage($"rotate policy {ToolArguments.Quote(rotateText)} not valid");
        }

        DateTimeOffset? expire = null;
        if (args.Value("expire") is { } expireText)
        {
            expire = ParseExpire(expireText);
        }

        return (expire, rotate, parsedOwner);
    }

    /// <summary>RFC 3339, <c>2006-01-02T15:04:05</c> (UTC) or a Go duration from now, as secret-add reads <c>--expire</c>.</summary>
    private DateTimeOffset ParseExpire(string text)
    {
        if (SecretPatterns.Rfc3339().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
        {
            return when;
        }

        if (GoDuration(text) is not { } duration)
        {
            throw ToolException.Usage($"expire time or duration {ToolArguments.Quote(text)} not valid");
        }

        if (duration <= TimeSpan.Zero)
        {
            throw ToolException.Usage($"negative expire duration {ToolArguments.Quote(text)} not valid");
        }

        return _options.TimeProvider.GetUtcNow() + duration;
    }

    /// <summary>Go's <c>time.ParseDuration</c>, or null when <paramref name="text"/> is not a duration.</summary>
    private static TimeSpan? GoDuration(string text)
    {
        var match = SecretPatterns.Duration().Match(text);
        if (!match.Success)
        {
            return null;
        }

        if (text.TrimStart('+', '-') == "0")
        {
            return TimeSpan.Zero;
        }

        double ticks = 0;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = SecretPatterns.Unit().Match(part.Value);
            var number = double.Parse(part.Value[..unit.Index], CultureInfo.InvariantCulture);
            ticks += number * unit.Value switch
            {
                "ns" => 0.01,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }

        return TimeSpan.FromTicks((long)(text.StartsWith('-') ? -ticks : ticks));
    }

    /// <summary>
    /// Juju's <c>CreateSecretData</c> over the positional arguments and the <c>--file</c> map: padding
    /// stripped before the first <c>=</c> is found, <c>#base64</c> values decoded, <c>#file</c> read.
    /// </summary>
    private static Dictionary<string, string> SecretContent(IEnumerable<string> pairs, Invocation call, string? file)
    {
        var content = new Dictionary<string, string>(StringComparer.Ordinal);
        if (file is not null)
        {
            Dictionary<string, string> fromFile;
            try
            {
                fromFile = GoYaml.ReadStringMap(call.ReadInput(file));
            }
            catch (FormatException ex)
            {
                throw ToolException.Usage(ex.Message);
            }
            catch (ToolException ex)
            {
                throw ToolException.Usage(ex.Message);
            }

            foreach (var (key, value) in fromFile)
            {
                AddSecretValue(content, key, value, $"{key}={value}");
            }
        }

        foreach (var pair in pairs)
        {
            var stripped = pair.TrimEnd('=');
            var eq = stripped.IndexOf('=', StringComparison.Ordinal);
            if (eq < 1)
            {
                throw ToolException.Usage($"key value {ToolArguments.Quote(pair)} not valid");
            }

            var key = stripped[..eq];
            var value = pair[(eq + 1)..];
            if (key.EndsWith("#file", StringComparison.Ordinal))
            {
                key = key[..^"#file".Length];

                // The agent reads the file itself (§3.2 secret-add): a relative path is relative
                // to the agent's working directory, not the hook's — hence ops' absolute temp paths.
                var path = Path.GetFullPath(value);
                try
                {
                    value = File.ReadAllText(path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw ToolException.Usage($"reading content for secret key {ToolArguments.Quote(key)}: {GoOpenError(value, ex)}");
                }
            }

            AddSecretValue(content, key, value, pair);
        }

        return content;
    }

    private static void AddSecretValue(Dictionary<string, string> content, string key, string value, string argument)
    {
        if (key.EndsWith("#base64", StringComparison.Ordinal))
        {
            key = key[..^"#base64".Length];
            try
            {
                value = Encoding.UTF8.GetString(Convert.FromBase64String(value));
            }
            catch (FormatException)
            {
                throw ToolException.Usage($"key value {ToolArguments.Quote(argument)} not valid");
            }
        }

        if (!SecretPatterns.Key().IsMatch(key))
        {
            throw ToolException.Usage($"key {ToolArguments.Quote(key)} not valid");
        }

        content[key] = value;
    }

    private string MintSecretUri()
    {
        // Deterministic for a given agent (model, unit, event, count), unique within the state.
        while (true)
        {
            var seed = $"{_state.Model.Uuid}|{UnitName}|{_event.Kind}|{_event.Owner}|{_state.Secrets.Count.ToString(CultureInfo.InvariantCulture)}|{_minted++.ToString(CultureInfo.InvariantCulture)}";
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
            var id = new string([.. hash.Take(20).Select(b => XidAlphabet[b % 32])]);
            if (_secrets.TrueForAll(s => ShortId(s.Id) != id))
            {
                return $"secret://{_state.Model.Uuid}/{id}";
            }
        }
    }

    private void SecretAdd(ToolArguments args, Invocation call)
    {
        var (expire, rotate, owner) = SecretOptions(args);
        var file = args.Value("file");
        if (args.Positionals.Count == 0 && file is null)
        {
            throw ToolException.Usage("missing secret value or filename");
        }

        var content = SecretContent(args.Positionals, call, file);
        if (content.Count == 0)
        {
            throw new ToolException("empty secret value not valid");
        }

        if (owner == SecretOwner.App && !_state.Leader)
        {
            throw new ToolException("this unit is not the leader");
        }

        var label = args.Value("label");
        if (label is not null && _secrets.Exists(s => s.Label == label && s.Owner == owner))
        {
            throw new ToolException($"secret with label {ToolArguments.Quote(label)} already exists");
        }

        var uri = MintSecretUri();
        _secrets.Add(new SecretState
        {
            Id = uri,
            Owner = owner,
            Label = label,
            Description = args.Value("description"),
            TrackedContent = content,
            Expire = expire,
            Rotate = rotate,
        });
        call.Stdout.Append(uri).Append('\n');
    }

    private void SecretGet(ToolArguments args, Invocation call)
    {
        var id = args.Positionals.Count > 0 ? ParseSecretUri(args.Positionals[0]) : null;
        var key = args.Positionals.Count > 1 ? args.Positionals[1] : null;
        args.CheckMaxPositionals(2);
        var label = args.Value("label");
        if (id is null && label is null)
        {
            throw ToolException.Usage("require either a secret URI or label");
        }

        var peek = args.Bool("peek");
        var refresh = args.Bool("refresh");
        if (peek && refresh)
        {
            throw ToolException.Usage("specify one of --peek or --refresh but not both");
        }

        var index = FindSecretIndex(id, label);
        if (index < 0)
        {
            throw new ToolException($"secret {ToolArguments.Quote(id ?? label!)} not found");
        }

        var secret = _secrets[index];
        if (id is not null && label is not null)
        {
            // Naming both sets the label (§3.2 secret-get).
            secret = secret with { Label = label };
        }

        // Scenario's rule for Juju ≥ 3.3.1: the tracked revision unless --peek or --refresh, and
        // --refresh moves the tracked revision to the latest.
        IReadOnlyDictionary<string, string> content = secret.TrackedContent;
        if (peek || refresh)
        {
            content = secret.LatestContent ?? secret.TrackedContent;
        }

        if (refresh)
        {
            secret = secret with { TrackedContent = content, TrackedRevision = secret.LatestRevision, LatestContent = null };
        }

        _secrets[index] = secret;
        if (key is null)
        {
            Write(args, call, new Dictionary<string, string>(content, StringComparer.Ordinal), "yaml");
            return;
        }

        var base64 = key.EndsWith("#base64", StringComparison.Ordinal);
        var name = base64 ? key[..^"#base64".Length] : key;
        if (!content.TryGetValue(name, out var value))
        {
            throw new ToolException($"secret key {ToolArguments.Quote(name)} not found");
        }

        Write(args, call, base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) : value, "yaml");
    }

    private void SecretInfoGet(ToolArguments args, Invocation call)
    {
        var idText = args.Positionals.Count > 0 ? args.Positionals[0] : null;
        args.CheckMaxPositionals(1);
        var label = args.Value("label");
        if (idText is not null && label is not null)
        {
            throw ToolException.Usage("specify either a secret URI or label but not both");
        }

        if (idText is null && label is null)
        {
            throw ToolException.Usage("require either a secret URI or label");
        }

        var id = idText is null ? null : ParseSecretUri(idText);

        // Only owned secrets have metadata here, app-owned ones for the leader only.
        var index = FindSecretIndex(id, label);
        if (index < 0 || !OwnsForManagement(_secrets[index]))
        {
            throw new ToolException($"secret {ToolArguments.Quote(id ?? label!)} not found");
        }

        var secret = _secrets[index];
        var info = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["revision"] = secret.LatestRevision,
            ["label"] = secret.Label ?? string.Empty,
            ["owner"] = secret.Owner == SecretOwner.App ? "application" : "unit",
        };
        if (!string.IsNullOrEmpty(secret.Description))
        {
            info["description"] = secret.Description;
        }

        if (secret.Rotate is { } rotate)
        {
            info["rotation"] = rotate.ToString().ToLowerInvariant();
        }

        if (secret.Expire is { } expire)
        {
            info["expiry"] = expire.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        }

        Write(args, call, new Dictionary<string, object?> { [ShortId(secret.Id)] = info }, "yaml");
    }

    private void SecretSet(ToolArguments args, Invocation call)
    {
        if (args.Positionals.Count == 0)
        {
            throw ToolException.Usage("missing secret URI");
        }

        var id = ParseSecretUri(args.Positionals[0]);

        // --owner is validated but ignored for an update (§3.2 secret-set).
        var (expire, rotate, _) = SecretOptions(args);
        var content = SecretContent(args.Positionals.Skip(1), call, args.Value("file"));
        var index = ManagedSecret(id);
        var secret = _secrets[index];
        secret = secret with
        {
            Label = args.Value("label") ?? secret.Label,
            Description = args.Value("description") ?? secret.Description,
            Expire = expire ?? secret.Expire,
            Rotate = rotate ?? secret.Rotate,
        };
        if (content.Count > 0)
        {
            var revision = _revisedSecrets.Add(id) ? secret.LatestRevision + 1 : secret.LatestRevision;
            secret = secret with { LatestContent = content, LatestRevision = revision };
        }

        _secrets[index] = secret;
    }

    private void SecretRemove(ToolArguments args)
    {
        if (args.Positionals.Count == 0)
        {
            throw ToolException.Usage("missing secret URI");
        }

        var id = ParseSecretUri(args.Positionals[0]);
        args.CheckMaxPositionals(1);
        var index = ManagedSecret(id);
        var secret = _secrets[index];
        if (args.Value("revision") is { } revisionText)
        {
            var revision = (int)long.Parse(revisionText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            _removedSecretRevisions.Add(new RemovedSecretRevision(secret.Id, revision));
            return;
        }

        // Without --revision the whole secret goes.
        _secrets.RemoveAt(index);
    }

    private void SecretGrant(ToolArguments args)
    {
        if (args.Positionals.Count == 0)
        {
            throw ToolException.Usage("missing secret URI");
        }

        var id = ParseSecretUri(args.Positionals[0]);
        args.CheckMaxPositionals(1);
        var relation = RequireRelation(args);
        var app = RemoteApp(relation);
        var unit = args.Value("unit");
        if (unit is not null && (!Names.ValidUnit().IsMatch(unit) || unit[..unit.IndexOf('/', StringComparison.Ordinal)] != app))
        {
            throw ToolException.Usage($"cannot specify unit {ToolArguments.Quote(unit)} in relation to application {ToolArguments.Quote(app)}");
        }

        var index = ManagedSecret(id);
        var secret = _secrets[index];
        var grants = secret.RemoteGrants.ToDictionary(g => g.Key, g => g.Value.ToList());
        var list = grants.TryGetValue(relation.Id, out var existing) ? existing : grants[relation.Id] = [];
        var grantee = unit ?? app;
        if (!list.Contains(grantee))
        {
            list.Add(grantee);
        }

        _secrets[index] = secret with { RemoteGrants = grants.ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Value) };
    }

    private void SecretRevoke(ToolArguments args)
    {
        if (args.Positionals.Count == 0)
        {
            throw ToolException.Usage("missing secret URI");
        }

        var id = ParseSecretUri(args.Positionals[0]);
        args.CheckMaxPositionals(1);
        var app = args.Value("application");
        var unit = args.Value("unit");
        var relation = args.Value("relation") is not null ? RequireRelation(args) : CurrentRelation;
        if (app is not null && unit is not null)
        {
            throw ToolException.Usage("specify only one of application or unit");
        }

        if (relation is not null && app is not null)
        {
            throw ToolException.Usage("do not specify both relation and app");
        }

        if (relation is null && app is null && unit is null)
        {
            throw ToolException.Usage("missing relation or application or unit");
        }

        var index = ManagedSecret(id);
        var secret = _secrets[index];

        // A relation stands for its remote application; a unit narrows it.
        var grantee = unit ?? app ?? RemoteApp(relation!);
        var grants = new Dictionary<int, IReadOnlyList<string>>();
        foreach (var (relationId, granted) in secret.RemoteGrants)
        {
            var kept = relation is null || relationId == relation.Id ? granted.Where(g => g != grantee).ToList() : [.. granted];
            if (kept.Count > 0)
            {
                grants[relationId] = kept;
            }
        }

        _secrets[index] = secret with { RemoteGrants = grants };
    }

    private void SecretIds(ToolArguments args, Invocation call)
    {
        args.CheckMaxPositionals(0);

        // Bare ids of the owned secrets; Go's nil slice prints null when there are none (§3.2).
        List<string> ids = [.. _secrets.Where(OwnsForManagement).Select(s => ShortId(s.Id))];
        Write(args, call, ids.Count == 0 ? null : ids);
    }

    private static partial class SecretPatterns
    {
        [GeneratedRegex("^[0-9a-z]{20}\\z", RegexOptions.CultureInvariant)]
        public static partial Regex Id();

        /// <summary>Juju's content key rule (<c>keyRegExp</c>).</summary>
        [GeneratedRegex("^([a-z](?:-?[a-z0-9]){2,})\\z", RegexOptions.CultureInvariant)]
        public static partial Regex Key();

        [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?\z", RegexOptions.CultureInvariant)]
        public static partial Regex Rfc3339();

        [GeneratedRegex(@"^[-+]?(?<part>([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))+\z|^[-+]?0\z", RegexOptions.CultureInvariant)]
        public static partial Regex Duration();

        [GeneratedRegex("(ns|us|µs|ms|s|m|h)\\z", RegexOptions.CultureInvariant)]
        public static partial Regex Unit();
    }
}
