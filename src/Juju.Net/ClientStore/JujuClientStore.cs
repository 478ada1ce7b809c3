// JujuClientStore: the Juju CLI's client store (jujuclient/): controllers.yaml (addresses, CA), accounts.yaml
// (user, password) and models.yaml (model UUIDs, current model) under the Juju data directory, so a program
// connects to what `juju status` would, and says what to run when something is missing.
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Juju.Net;

/// <summary>A controller of controllers.yaml.</summary>
/// <param name="Name">The controller's name in the client store.</param>
/// <param name="Uuid">Its <c>uuid</c>.</param>
/// <param name="ApiEndpoints">Its <c>api-endpoints</c> (<c>host:port</c>).</param>
/// <param name="CaCert">Its <c>ca-cert</c> (PEM).</param>
/// <param name="AgentVersion">Its <c>agent-version</c>, or <see langword="null"/>.</param>
public sealed record JujuControllerInfo(string Name, string Uuid, IReadOnlyList<string> ApiEndpoints, string CaCert, string? AgentVersion);

/// <summary>An account of accounts.yaml.</summary>
/// <param name="User">The Juju user name (<c>user</c>).</param>
/// <param name="Password">The <c>password</c>, or <see langword="null"/> when the login is by macaroon.</param>
/// <param name="LastKnownAccess">The <c>last-known-access</c>, e.g. <c>superuser</c>, or <see langword="null"/>.</param>
public sealed record JujuAccount(string User, string? Password, string? LastKnownAccess);

/// <summary>A model of models.yaml.</summary>
/// <param name="Controller">The controller's name.</param>
/// <param name="QualifiedName">The model's <c>owner/name</c>.</param>
/// <param name="Uuid">Its <c>uuid</c>.</param>
/// <param name="Type">Its <c>type</c> (<c>iaas</c> or <c>caas</c>), or <see langword="null"/>.</param>
public sealed record JujuModelInfo(string Controller, string QualifiedName, string Uuid, string? Type);

/// <summary>The client store is missing, broken, or lacks what was asked; the message names the file and the <c>juju</c> command that fixes it.</summary>
public sealed class JujuClientStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, in which file, and what to run.</param>
    public JujuClientStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What is wrong, in which file, and what to run.</param>
    /// <param name="innerException">The cause.</param>
    public JujuClientStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public JujuClientStoreException()
    {
    }
}

/// <summary>The Juju CLI's controllers, accounts and models, read from its data directory.</summary>
public sealed class JujuClientStore
{
    private readonly Dictionary<string, JujuControllerInfo> _controllers;
    private readonly Dictionary<string, JujuAccount> _accounts;
    private readonly Dictionary<string, Dictionary<string, JujuModelInfo>> _models;
    private readonly Dictionary<string, string> _currentModels;
    private readonly string? _modelOverride;

    private JujuClientStore(
        string directory,
        Dictionary<string, JujuControllerInfo> controllers,
        string? currentController,
        Dictionary<string, JujuAccount> accounts,
        Dictionary<string, Dictionary<string, JujuModelInfo>> models,
        Dictionary<string, string> currentModels,
        string? modelOverride)
    {
        Directory = directory;
        _controllers = controllers;
        CurrentController = currentController;
        _accounts = accounts;
        _models = models;
        _currentModels = currentModels;
        _modelOverride = modelOverride;
    }

    /// <summary>The data directory the files were read from.</summary>
    public string Directory { get; }

    /// <summary>The controllers by name.</summary>
    public IReadOnlyDictionary<string, JujuControllerInfo> Controllers => _controllers;

    /// <summary>The current controller (<c>current-controller</c>, or <c>JUJU_CONTROLLER</c>), or <see langword="null"/>.</summary>
    public string? CurrentController { get; }

    private string ControllersPath => Path.Combine(Directory, "controllers.yaml");

    private string AccountsPath => Path.Combine(Directory, "accounts.yaml");

    private string ModelsPath => Path.Combine(Directory, "models.yaml");

    /// <summary>The Juju data directory: <c>JUJU_DATA</c>, else <c>$XDG_DATA_HOME/juju</c>, else <c>~/.local/share/juju</c>, as the Juju CLI.</summary>
    /// <param name="environment">Reads an environment variable; <see langword="null"/> reads the process environment.</param>
    public static string DataDirectory(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment("JUJU_DATA") is { Length: > 0 } data)
        {
            return data;
        }

        if (environment("XDG_DATA_HOME") is { Length: > 0 } xdg)
        {
            return Path.Combine(xdg, "juju");
        }

        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "share", "juju");
    }

    /// <summary>Reads the store of the Juju CLI: <see cref="DataDirectory"/>, with <c>JUJU_CONTROLLER</c> and <c>JUJU_MODEL</c> overriding the current controller and model.</summary>
    /// <param name="environment">Reads an environment variable; <see langword="null"/> reads the process environment.</param>
    /// <exception cref="JujuClientStoreException">controllers.yaml is missing, or a file is not the client store's YAML.</exception>
    public static JujuClientStore Load(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return Load(DataDirectory(environment), environment("JUJU_CONTROLLER"), environment("JUJU_MODEL"));
    }

    /// <summary>Reads controllers.yaml, accounts.yaml and models.yaml from <paramref name="directory"/> (the last two may be absent).</summary>
    /// <param name="directory">The Juju data directory.</param>
    /// <param name="controllerOverride">Replaces <c>current-controller</c> when set (as <c>JUJU_CONTROLLER</c>).</param>
    /// <param name="modelOverride">Replaces the current model when set, as <c>JUJU_MODEL</c> (<c>[controller:]model</c>).</param>
    /// <exception cref="JujuClientStoreException">controllers.yaml is missing, or a file is not the client store's YAML.</exception>
    public static JujuClientStore Load(string directory, string? controllerOverride = null, string? modelOverride = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var controllersPath = Path.Combine(directory, "controllers.yaml");
        if (!File.Exists(controllersPath))
        {
            throw new JujuClientStoreException($"No Juju controllers: {controllersPath} does not exist. Bootstrap or register a controller (juju bootstrap, juju register), or set JUJU_DATA to the Juju data directory.");
        }

        var controllersRoot = ReadRoot(controllersPath);
        var controllers = new Dictionary<string, JujuControllerInfo>(StringComparer.Ordinal);
        foreach (var (name, node) in Entries(controllersRoot, "controllers", controllersPath))
        {
            var map = AsMap(node, controllersPath, $"controllers.{name}");
            var endpoints = Sequence(map, "api-endpoints", controllersPath, $"controllers.{name}");
            controllers[name] = new JujuControllerInfo(
                name,
                Scalar(map, "uuid") ?? "",
                endpoints.Count > 0 ? endpoints : throw Broken(controllersPath, node, $"controller {name} has no api-endpoints; run `juju show-controller {name}` to refresh it"),
                Scalar(map, "ca-cert") is { Length: > 0 } ca ? ca : throw Broken(controllersPath, node, $"controller {name} has no ca-cert; log in again with `juju login -c {name}`"),
                Scalar(map, "agent-version"));
        }

        var current = controllerOverride is { Length: > 0 } ? controllerOverride : Scalar(controllersRoot, "current-controller");

        var accounts = new Dictionary<string, JujuAccount>(StringComparer.Ordinal);
        var accountsPath = Path.Combine(directory, "accounts.yaml");
        if (File.Exists(accountsPath))
        {
            foreach (var (name, node) in Entries(ReadRoot(accountsPath), "controllers", accountsPath))
            {
                var map = AsMap(node, accountsPath, $"controllers.{name}");
                accounts[name] = new JujuAccount(
                    Scalar(map, "user") is { Length: > 0 } user ? user : throw Broken(accountsPath, node, $"the account of controller {name} has no user; run `juju login -c {name}`"),
                    Scalar(map, "password"),
                    Scalar(map, "last-known-access"));
            }
        }

        var models = new Dictionary<string, Dictionary<string, JujuModelInfo>>(StringComparer.Ordinal);
        var currentModels = new Dictionary<string, string>(StringComparer.Ordinal);
        var modelsPath = Path.Combine(directory, "models.yaml");
        if (File.Exists(modelsPath))
        {
            foreach (var (controller, node) in Entries(ReadRoot(modelsPath), "controllers", modelsPath))
            {
                var map = AsMap(node, modelsPath, $"controllers.{controller}");
                var byName = new Dictionary<string, JujuModelInfo>(StringComparer.Ordinal);
                foreach (var (model, modelNode) in Entries(map, "models", modelsPath))
                {
                    var modelMap = AsMap(modelNode, modelsPath, $"controllers.{controller}.models.{model}");
                    byName[model] = new JujuModelInfo(
                        controller,
                        model,
                        Scalar(modelMap, "uuid") is { Length: > 0 } uuid ? uuid : throw Broken(modelsPath, modelNode, $"model {model} of controller {controller} has no uuid; run `juju models -c {controller}` to refresh the list"),
                        Scalar(modelMap, "type"));
                }

                models[controller] = byName;
                if (Scalar(map, "current-model") is { Length: > 0 } currentModel)
                {
                    currentModels[controller] = currentModel;
                }
            }
        }

        return new JujuClientStore(directory, controllers, current, accounts, models, currentModels, modelOverride is { Length: > 0 } ? modelOverride : null);
    }

    /// <summary>The controller named <paramref name="name"/>, or the current one.</summary>
    /// <param name="name">A controller name, or <see langword="null"/> for the current controller.</param>
    /// <exception cref="JujuClientStoreException">It is not in controllers.yaml (the message lists the known ones), or there is no current controller.</exception>
    public JujuControllerInfo Controller(string? name = null)
    {
        name ??= ModelOverrideController() ?? CurrentController;
        if (name is null)
        {
            throw new JujuClientStoreException($"No current controller in {ControllersPath}; name one ({KnownControllers()}) or run `juju switch <controller>`.");
        }

        return _controllers.TryGetValue(name, out var controller)
            ? controller
            : throw new JujuClientStoreException($"Controller \"{name}\" is not in {ControllersPath}; {KnownControllers()}. See `juju controllers`.");
    }

    /// <summary>The account for <paramref name="controller"/>.</summary>
    /// <param name="controller">A controller name.</param>
    /// <exception cref="JujuClientStoreException">There is none: run <c>juju login</c>.</exception>
    public JujuAccount Account(string controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        return _accounts.TryGetValue(controller, out var account)
            ? account
            : throw new JujuClientStoreException($"No account for controller \"{controller}\" in {AccountsPath}; run `juju login -c {controller}`.");
    }

    /// <summary>The current model of <paramref name="controller"/> (<c>owner/name</c>), or <see langword="null"/>.</summary>
    /// <param name="controller">A controller name.</param>
    public string? CurrentModel(string controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        if (_modelOverride is not null)
        {
            var (overrideController, overrideModel) = SplitModel(_modelOverride);
            if (overrideController is null || overrideController == controller)
            {
                return overrideModel;
            }
        }

        return _currentModels.GetValueOrDefault(controller);
    }

    /// <summary>Looks a model up by <c>owner/name</c>, by short name (qualified with the account's user, as the Juju CLI does), or as <c>controller:model</c>.</summary>
    /// <param name="model">The model, or <see langword="null"/> for the current model.</param>
    /// <param name="controller">The controller, or <see langword="null"/> for the one in <paramref name="model"/> or the current one.</param>
    /// <exception cref="JujuClientStoreException">The controller or model is unknown (run <c>juju models</c> to refresh models.yaml), or there is no current model.</exception>
    public JujuModelInfo Model(string? model = null, string? controller = null)
    {
        if (model is not null)
        {
            var (named, rest) = SplitModel(model);
            controller ??= named;
            model = rest;
        }

        var info = Controller(controller);
        model ??= CurrentModel(info.Name)
            ?? throw new JujuClientStoreException($"No current model for controller \"{info.Name}\" in {ModelsPath}; name one or run `juju switch {info.Name}:<model>`.");
        var models = _models.GetValueOrDefault(info.Name) ?? [];
        if (models.TryGetValue(model, out var found))
        {
            return found;
        }

        if (!model.Contains('/', StringComparison.Ordinal))
        {
            if (_accounts.TryGetValue(info.Name, out var account) && models.TryGetValue($"{account.User}/{model}", out found))
            {
                return found;
            }

            var matches = models.Values.Where(m => m.QualifiedName.EndsWith("/" + model, StringComparison.Ordinal)).ToList();
            if (matches.Count == 1)
            {
                return matches[0];
            }

            if (matches.Count > 1)
            {
                throw new JujuClientStoreException($"Model \"{model}\" of controller \"{info.Name}\" is ambiguous in {ModelsPath}: {string.Join(", ", matches.Select(m => m.QualifiedName))}; name it as owner/name.");
            }
        }

        var known = models.Count == 0 ? "it lists no models for this controller" : "known: " + string.Join(", ", models.Keys.Order(StringComparer.Ordinal));
        throw new JujuClientStoreException($"Model \"{model}\" of controller \"{info.Name}\" is not in {ModelsPath} ({known}); run `juju models -c {info.Name}` to refresh the list, or `juju add-model` to create it.");
    }

    /// <summary>Connection options for a model connection (default) or a controller connection, with the account's password.</summary>
    /// <param name="model">The model (<c>owner/name</c>, short name or <c>controller:model</c>), or <see langword="null"/> for the current model.</param>
    /// <param name="controller">The controller, or <see langword="null"/> for the current one.</param>
    /// <param name="controllerOnly">Connect to the controller (<c>/api</c>) rather than a model, for ApplicationOffers and ModelManager.</param>
    /// <exception cref="JujuClientStoreException">Something is missing; the message says what to run.</exception>
    public JujuConnectionOptions ConnectionOptions(string? model = null, string? controller = null, bool controllerOnly = false)
    {
        string? modelUuid = null;
        if (!controllerOnly)
        {
            var modelInfo = Model(model, controller);
            controller = modelInfo.Controller;
            modelUuid = modelInfo.Uuid;
        }

        var info = Controller(controller);
        var account = Account(info.Name);
        if (string.IsNullOrEmpty(account.Password))
        {
            throw new JujuClientStoreException($"The account {account.User} of controller \"{info.Name}\" has no password in {AccountsPath} (a macaroon login); Juju.Net logs in with a password: run `juju logout -c {info.Name}` and `juju login -c {info.Name} -u {account.User}` with the password.");
        }

        return new JujuConnectionOptions
        {
            Addresses = info.ApiEndpoints,
            CaCert = info.CaCert,
            User = account.User,
            Password = account.Password,
            ModelUuid = modelUuid,
        };
    }

    private string? ModelOverrideController() => _modelOverride is null ? null : SplitModel(_modelOverride).Controller;

    private static (string? Controller, string Model) SplitModel(string model)
    {
        var colon = model.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? (model[..colon], model[(colon + 1)..]) : (null, model);
    }

    private string KnownControllers() =>
        _controllers.Count == 0 ? "it lists no controllers" : "known controllers: " + string.Join(", ", _controllers.Keys.Order(StringComparer.Ordinal));

    private static YamlMappingNode ReadRoot(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new JujuClientStoreException($"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.InnerException?.Message ?? e.Message}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return [];
        }

        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw Broken(path, stream.Documents[0].RootNode, "expected a map with a \"controllers\" key");
    }

    private static IEnumerable<(string Name, YamlNode Node)> Entries(YamlMappingNode map, string key, string path)
    {
        if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node) || node is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            yield break;
        }

        var entries = AsMap(node, path, key);
        foreach (var (name, value) in entries.Children)
        {
            yield return (name is YamlScalarNode { Value: { Length: > 0 } s } ? s : throw Broken(path, name, $"a key of \"{key}\" is not a name"), value);
        }
    }

    private static YamlMappingNode AsMap(YamlNode node, string path, string where) =>
        node as YamlMappingNode ?? throw Broken(path, node, $"{where} is not a map");

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { } value } && value is not ("~" or "null")
            ? value
            : null;

    private static List<string> Sequence(YamlMappingNode map, string key, string path, string where)
    {
        if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
        {
            return [];
        }

        return node is YamlSequenceNode sequence
            ? sequence.Children.Select(c => c is YamlScalarNode { Value: { } v } ? v : throw Broken(path, c, $"{where}.{key} holds a non-string")).ToList()
            : throw Broken(path, node, $"{where}.{key} is not a list");
    }

    private static JujuClientStoreException Broken(string path, YamlNode node, string what) =>
        new($"{path}:{node.Start.Line}:{node.Start.Column}: {what}.");
}
