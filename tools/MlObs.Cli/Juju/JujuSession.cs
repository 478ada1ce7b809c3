// JujuSession: what one `mlobs juju` command needs: the model connection, a controller connection opened
// only when a call needs it (offers, consume), and JujuOperations over them with the negotiated facade
// versions. Connection failures become one actionable line (JujuSessionException).
using System.Text.Json.Serialization.Metadata;
using Juju.Net;

namespace MlObs.Cli.Commands;

/// <summary>A logged-in model (and, on demand, controller) connection with the operations over it.</summary>
internal sealed class JujuSession : IAsyncDisposable
{
    private readonly JujuConnection _model;
    private readonly LazyControllerCaller _controller;
    private readonly JujuHttpUploader _uploader;
    private readonly JujuOperationsOptions _options;

    private JujuSession(JujuConnection model, LazyControllerCaller controller, JujuHttpUploader uploader, JujuModelInfo info, JujuOperationsOptions options, JujuFacadeVersions versions)
    {
        _model = model;
        _controller = controller;
        _uploader = uploader;
        _options = options;
        ModelName = $"{info.Controller}:{info.QualifiedName}";
        Operations = new JujuOperations(model, versions, options);
    }

    /// <summary>The model as <c>controller:owner/name</c>.</summary>
    public string ModelName { get; }

    /// <summary>The operations with the default options.</summary>
    public JujuOperations Operations { get; }

    /// <summary>Finds the controller, account and model in the Juju CLI's files and logs in to the model.</summary>
    /// <param name="controller">The controller name, or <see langword="null"/> for the current one.</param>
    /// <param name="model">The model, or <see langword="null"/> for the current one.</param>
    /// <param name="progress">Told where the connection goes.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <exception cref="JujuClientStoreException">The Juju CLI's files do not name a usable controller, account or model.</exception>
    /// <exception cref="JujuSessionException">The controller cannot be reached, refuses the login or does not know the model.</exception>
    public static async Task<JujuSession> OpenAsync(string? controller, string? model, TextWriter progress, CancellationToken cancellationToken)
    {
        var store = JujuClientStore.Load();
        var info = store.Model(model, controller);
        var modelOptions = store.ConnectionOptions(info.QualifiedName, info.Controller);
        var controllerOptions = store.ConnectionOptions(controller: info.Controller, controllerOnly: true);
        await progress.WriteLineAsync($"Connecting to {info.Controller}:{info.QualifiedName} ({string.Join(", ", modelOptions.Addresses)}) as {modelOptions.User} ...").ConfigureAwait(false);
        var connection = await ConnectAsync(modelOptions, info.Controller, info.QualifiedName, cancellationToken).ConfigureAwait(false);
        var lazyController = new LazyControllerCaller(() => ConnectAsync(controllerOptions, info.Controller, null, CancellationToken.None));
        var owner = info.QualifiedName.Split('/') is [var o, _] ? o : modelOptions.User;
        var versions = Versions(connection);
        var uploader = new JujuHttpUploader(modelOptions, connection, versions);
        var options = new JujuOperationsOptions
        {
            Controller = lazyController,
            ModelTag = $"model-{info.Uuid}",
            ModelOwner = owner,
            Uploader = uploader,
        };
        return new JujuSession(connection, lazyController, uploader, info, options, versions);
    }

    /// <summary>Operations over the same connections with some options changed (poll and idle periods, blocked handling).</summary>
    /// <param name="changes">The options whose <see cref="JujuOperationsOptions.IdlePeriod"/>, <see cref="JujuOperationsOptions.PollInterval"/> and <see cref="JujuOperationsOptions.FailOnBlocked"/> apply.</param>
    public JujuOperations OperationsWith(JujuOperationsOptions changes) =>
        new(_model, Operations.Versions, _options with
        {
            IdlePeriod = changes.IdlePeriod,
            PollInterval = changes.PollInterval,
            FailOnBlocked = changes.FailOnBlocked,
        });

    public async ValueTask DisposeAsync()
    {
        _uploader.Dispose();
        await _controller.DisposeAsync().ConfigureAwait(false);
        await _model.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<JujuConnection> ConnectAsync(JujuConnectionOptions options, string controller, string? model, CancellationToken cancellationToken)
    {
        try
        {
            return await JujuConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (JujuApiException e) when (e.Is(JujuErrorCodes.Unauthorized) || e.Is(JujuErrorCodes.NoCredentials))
        {
            throw new JujuSessionException($"controller {controller} refused the login of {options.User}: {e.ServerMessage}; run `juju login -c {controller}` to store a valid password", JujuCommand.Failed, e);
        }
        catch (JujuApiException e) when (e.Is(JujuErrorCodes.NotFound) && model is not null)
        {
            throw new JujuSessionException($"controller {controller} has no model {model} (models.yaml is out of date?): {e.ServerMessage}; `juju models -c {controller}` lists them", JujuCommand.UsageError, e);
        }
        catch (JujuConnectionException e)
        {
            throw new JujuSessionException($"cannot connect to controller {controller}: {e.Message}; check that it is up with `juju show-controller {controller}`", JujuCommand.Failed, e);
        }
    }

    /// <summary>The facade versions both this client and the controller know; a facade the controller lacks keeps the client's version, and its calls fail with the controller's message.</summary>
    private static JujuFacadeVersions Versions(JujuConnection connection)
    {
        var defaults = JujuFacadeVersions.Default;
        int Pick(string facade, int fallback) => connection.TryGetVersion(facade, out var version) ? version : fallback;
        return new JujuFacadeVersions
        {
            Action = Pick(ActionClient.FacadeName, defaults.Action),
            Annotations = Pick(AnnotationsClient.FacadeName, defaults.Annotations),
            Application = Pick(ApplicationClient.FacadeName, defaults.Application),
            ApplicationOffers = Pick(ApplicationOffersClient.FacadeName, defaults.ApplicationOffers),
            Bundle = Pick(BundleClient.FacadeName, defaults.Bundle),
            Charms = Pick(CharmsClient.FacadeName, defaults.Charms),
            Client = Pick(ClientClient.FacadeName, defaults.Client),
            MachineManager = Pick(MachineManagerClient.FacadeName, defaults.MachineManager),
            Resources = Pick(ResourcesClient.FacadeName, defaults.Resources),
        };
    }

    /// <summary>The controller connection, opened on the first call (only offers and consume need it).</summary>
    private sealed class LazyControllerCaller(Func<Task<JujuConnection>> connect) : IRpcCaller, IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private JujuConnection? _connection;

        public async Task<TResult> CallAsync<TParams, TResult>(RpcRequest request, TParams? parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
            where TParams : class
            where TResult : class
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                _connection ??= await connect().ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }

            return await _connection.CallAsync(request, parameters, paramsType, resultType, cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
            }

            _gate.Dispose();
        }
    }
}

/// <summary>A connection failure of <c>mlobs juju</c>, with the exit code it maps to.</summary>
internal sealed class JujuSessionException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
