// JujuConnectionException: the connection itself failed (TLS, login flow, socket closed, redirect loop),
// as opposed to JujuApiException, which is an answer of the server.
namespace Juju.Net;

/// <summary>The connection to a Juju controller could not be made or was lost; the message says why and what to check.</summary>
public sealed class JujuConnectionException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed, where and what to check.</param>
    public JujuConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What failed, where and what to check.</param>
    /// <param name="innerException">The underlying error.</param>
    public JujuConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message (for serialisation and tooling).</summary>
    public JujuConnectionException()
    {
    }
}
