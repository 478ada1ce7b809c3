// JujuApiException and the error codes of Juju's API (rpc/params/apierror.go): what a call-level error
// reply (error, error-code, error-info) or a bulk result's per-item error becomes on the client.
using System.Text.Json;

namespace Juju.Net;

/// <summary>An error the Juju API server answered with: its message, its code and its extra info.</summary>
public sealed class JujuApiException : Exception
{
    /// <summary>Creates the exception for a server error.</summary>
    /// <param name="call">What was called, e.g. <c>Application.Deploy (v22)</c>, put at the start of <see cref="Exception.Message"/>.</param>
    /// <param name="serverMessage">The server's <c>error</c> (or <c>message</c>) text.</param>
    /// <param name="code">The server's <c>error-code</c> (or <c>code</c>); empty when it sent none.</param>
    /// <param name="info">The server's <c>error-info</c> (or <c>info</c>), when it sent one.</param>
    public JujuApiException(string call, string serverMessage, string? code, JsonElement? info)
        : base(Describe(call, serverMessage, code))
    {
        Call = call;
        ServerMessage = serverMessage;
        Code = code ?? "";
        Info = info;
    }

    /// <summary>Creates the exception for a per-item error of a bulk call (<c>{"message", "code", "info"}</c>).</summary>
    /// <param name="call">What was called, with the item, e.g. <c>Application.Deploy (v22) item 2</c>.</param>
    /// <param name="error">The item's <c>error</c> object.</param>
    public JujuApiException(string call, Error error)
        : this(call, (error ?? throw new ArgumentNullException(nameof(error))).Message, error.Code, InfoElement(error))
    {
    }

    /// <summary>What was called, e.g. <c>Admin.Login (v3)</c>.</summary>
    public string Call { get; }

    /// <summary>The server's error text, unchanged.</summary>
    public string ServerMessage { get; }

    /// <summary>The server's error code (one of <see cref="JujuErrorCodes"/> for the common ones), or empty when it sent none.</summary>
    public string Code { get; }

    /// <summary>The server's extra error data (e.g. the redirect target), or <see langword="null"/>.</summary>
    public JsonElement? Info { get; }

    /// <summary>Whether <see cref="Code"/> is <paramref name="code"/>.</summary>
    /// <param name="code">A code such as <see cref="JujuErrorCodes.NotFound"/>.</param>
    public bool Is(string code) => string.Equals(Code, code, StringComparison.Ordinal);

    private static string Describe(string call, string serverMessage, string? code) =>
        string.IsNullOrEmpty(code) || serverMessage.EndsWith($"({code})", StringComparison.Ordinal)
            ? $"{call} failed: {serverMessage}"
            : $"{call} failed: {serverMessage} ({code})";

    private static JsonElement? InfoElement(Error error)
    {
        if (error.Info is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in error.Info)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}

/// <summary>The <c>error-code</c> values Juju's API server uses most (rpc/params/apierror.go).</summary>
public static class JujuErrorCodes
{
    /// <summary><c>not found</c>: the entity, model or application does not exist.</summary>
    public const string NotFound = "not found";

    /// <summary><c>unauthorized access</c>: wrong user or password, or no permission.</summary>
    public const string Unauthorized = "unauthorized access";

    /// <summary><c>no credentials provided</c>.</summary>
    public const string NoCredentials = "no credentials provided";

    /// <summary><c>not implemented</c>: unknown facade, facade version or method.</summary>
    public const string NotImplemented = "not implemented";

    /// <summary><c>already exists</c>: e.g. the relation or application is already there.</summary>
    public const string AlreadyExists = "already exists";

    /// <summary><c>operation is blocked</c>: a <c>juju disable-command</c> block is in force.</summary>
    public const string OperationBlocked = "operation is blocked";

    /// <summary><c>not supported</c>: e.g. an Admin version the server does not know.</summary>
    public const string NotSupported = "not supported";

    /// <summary><c>bad request</c>.</summary>
    public const string BadRequest = "bad request";

    /// <summary><c>forbidden</c>.</summary>
    public const string Forbidden = "forbidden";

    /// <summary><c>macaroon discharge required</c>: the login needs an external identity provider.</summary>
    public const string DischargeRequired = "macaroon discharge required";

    /// <summary><c>redirection required</c>: the model moved to another controller (Admin.Login).</summary>
    public const string RedirectionRequired = "redirection required";

    /// <summary><c>login expired</c>.</summary>
    public const string LoginExpired = "login expired";

    /// <summary><c>try again</c>.</summary>
    public const string TryAgain = "try again";

    /// <summary><c>upgrade in progress</c>.</summary>
    public const string UpgradeInProgress = "upgrade in progress";

    /// <summary><c>model migration in progress</c>.</summary>
    public const string MigrationInProgress = "model migration in progress";

    /// <summary><c>not valid</c>.</summary>
    public const string NotValid = "not valid";

    /// <summary><c>not leader</c>.</summary>
    public const string NotLeader = "not leader";

    /// <summary><c>deadline exceeded</c>.</summary>
    public const string DeadlineExceeded = "deadline exceeded";
}
