// InvalidConfigException: the unit's config does not fit the options the charm declares.
namespace MlObs.Ops.Metadata;

/// <summary>
/// Thrown when a config value does not fit its declared option: an undeclared key, a value of
/// the wrong type, or a value a config record cannot hold. Usually the operator's to fix.
/// </summary>
public sealed class InvalidConfigException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public InvalidConfigException()
        : base("invalid config")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public InvalidConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public InvalidConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one option.</summary>
    /// <param name="optionName">The option at fault.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public InvalidConfigException(string? optionName, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        OptionName = optionName;
    }

    /// <summary>The option at fault, or <see langword="null"/> when the error is not about one option.</summary>
    public string? OptionName { get; }
}
