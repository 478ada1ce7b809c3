// JujuConnectionOptions: where and how to connect: the controller's addresses and CA, the model (or none
// for a controller connection), the password login, and the timing of calls and pings.
namespace Juju.Net;

/// <summary>What <see cref="JujuConnection.ConnectAsync"/> needs: addresses, CA, model, user and password; timings have Juju's defaults.</summary>
/// <remarks><see cref="JujuClientStore"/> fills these from the Juju CLI's files.</remarks>
public sealed record JujuConnectionOptions
{
    /// <summary>The controller's API addresses as <c>host:port</c> (the <c>api-endpoints</c> of controllers.yaml), tried in order.</summary>
    public required IReadOnlyList<string> Addresses { get; init; }

    /// <summary>The controller's CA certificate in PEM (the <c>ca-cert</c> of controllers.yaml); the only certificate trusted.</summary>
    public required string CaCert { get; init; }

    /// <summary>The Juju user name (the <c>user</c> of accounts.yaml, e.g. <c>admin</c>); logged in as <c>user-&lt;name&gt;</c>.</summary>
    public required string User { get; init; }

    /// <summary>The user's password (the <c>password</c> of accounts.yaml).</summary>
    public required string Password { get; init; }

    /// <summary>The model UUID for a model connection (<c>/model/&lt;uuid&gt;/api</c>); <see langword="null"/> connects to the controller (<c>/api</c>).</summary>
    /// <remarks>Application, Client, Charms, Action and the other model facades need a model connection; ApplicationOffers and ModelManager need a controller connection.</remarks>
    public string? ModelUuid { get; init; }

    /// <summary>How long a call waits for its reply unless the call says otherwise (<see cref="JujuConnection.WithTimeout"/>); default 2 minutes.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long opening the websocket (TCP and TLS) to one address may take; default 20 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How often <c>Pinger.Ping</c> is sent; default 1 minute, as the Go client (the server drops clients silent for 3 minutes).</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a ping may wait for its reply before the connection is closed as dead; default 30 seconds, as the Go client.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many <c>redirection required</c> answers (a migrated model) are followed; default 3.</summary>
    public int MaxRedirects { get; init; } = 3;

    /// <summary>The name the controller's certificate must carry; default <c>juju-apiserver</c>, as every Juju controller's does.</summary>
    public string ServerName { get; init; } = ControllerCertificateValidator.DefaultServerName;

    /// <summary>The <c>client-version</c> sent at login; default the Juju version of the schema the clients come from.</summary>
    public string ClientVersion { get; init; } = "3.6.27";

    /// <summary>The <c>cli-args</c> sent at login (shown in the controller's audit log), or <see langword="null"/>.</summary>
    public string? CliArgs { get; init; }

    /// <summary>The largest reply accepted, in bytes; default 64 MiB, as python-libjuju (status of big models is large).</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>The clock of timeouts and pings.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
