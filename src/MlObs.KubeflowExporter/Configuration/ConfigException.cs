namespace MlObs.KubeflowExporter.Configuration;

/// <summary>A configuration file that cannot be used; the message names the file, line and key.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfigException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ConfigException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ConfigException(string message, Exception inner) : base(message, inner)
    {
    }
}
