// PebbleLayerException: a layer or plan that is not valid YAML or breaks Pebble's layer rules.
namespace MlObs.Ops.Pebble;

/// <summary>
/// A layer or plan Pebble would refuse: bad YAML, an unknown field or value, a missing <c>override</c>,
/// or a combined plan that breaks Pebble's rules. <see cref="Line"/> and <see cref="Column"/> point into
/// the YAML when the error came from parsing.
/// </summary>
public sealed class PebbleLayerException : PebbleException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public PebbleLayerException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What is wrong with the layer.</param>
    public PebbleLayerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What is wrong with the layer.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PebbleLayerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a problem at a position in the YAML; the message ends with the position.</summary>
    /// <param name="message">What is wrong with the layer.</param>
    /// <param name="line">The 1-based line.</param>
    /// <param name="column">The 1-based column.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public PebbleLayerException(string message, long line, long column, Exception? innerException = null)
        : base($"{message} (line {line}, column {column})", innerException)
    {
        Line = line;
        Column = column;
    }

    /// <summary>The 1-based line of the problem in the YAML, or <see langword="null"/> when it is not about a position.</summary>
    public long? Line { get; }

    /// <summary>The 1-based column of the problem in the YAML, or <see langword="null"/> when it is not about a position.</summary>
    public long? Column { get; }
}
