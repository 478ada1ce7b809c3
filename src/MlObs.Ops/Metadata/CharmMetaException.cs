// CharmMetaException: the error for charm metadata (metadata.yaml, config.yaml, actions.yaml,
// charmcraft.yaml) that cannot be read or breaks Juju's rules.
namespace MlObs.Ops.Metadata;

/// <summary>
/// Thrown when a charm's metadata is missing, is not valid YAML, or declares something Juju would
/// reject. The message names the file and, where it can, the line, column and field.
/// </summary>
public sealed class CharmMetaException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public CharmMetaException()
        : base("invalid charm metadata")
    {
    }

    /// <summary>Creates the exception with a message that names the file and the field.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public CharmMetaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The underlying error, for example YamlDotNet's parse error.</param>
    public CharmMetaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
