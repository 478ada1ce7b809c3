// StateFormatException: the error for an emulator state file that is not valid JSON or does not
// follow the schema; the message starts with the JSON path of the offending value.
namespace MlObs.Ops.Testing.State;

/// <summary>
/// Thrown by <see cref="StateJson"/> when a state document is malformed, lacks a required field,
/// holds a value of the wrong type or a field the schema does not know. The message names the
/// JSON path, e.g. <c>relations[1].remote_units_data."0": expected an object of strings, got number</c>.
/// </summary>
public sealed class StateFormatException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public StateFormatException()
        : base("invalid emulator state")
    {
    }

    /// <summary>Creates the exception with a message that names the path.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public StateFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The underlying error, e.g. the JSON parser's or the layer reader's.</param>
    public StateFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the value at <paramref name="path"/>.</summary>
    /// <param name="path">The JSON path, e.g. <c>containers[0].layers."base"</c>; empty for the document itself.</param>
    /// <param name="detail">What is wrong with the value.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public StateFormatException(string path, string detail, Exception? innerException)
        : base($"{(string.IsNullOrEmpty(path) ? "(root)" : path)}: {detail}", innerException)
    {
        Path = path;
    }

    /// <summary>The JSON path of the offending value, when known; empty for the document itself.</summary>
    public string? Path { get; }
}
