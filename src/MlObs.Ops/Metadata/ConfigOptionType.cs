// ConfigOptionType: the five option types Juju accepts in config.yaml / `config: options:`.
using System.Diagnostics.CodeAnalysis;

namespace MlObs.Ops.Metadata;

/// <summary>The declared type of a config option.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members mirror Juju's option type names.")]
public enum ConfigOptionType
{
    /// <summary><c>string</c>: any text.</summary>
    String,

    /// <summary><c>int</c>: a 64-bit integer.</summary>
    Int,

    /// <summary><c>float</c>: a double-precision number.</summary>
    Float,

    /// <summary><c>boolean</c>: true or false.</summary>
    Boolean,

    /// <summary><c>secret</c>: a secret URI (<c>secret:...</c>), Juju 3.4 and later.</summary>
    Secret,
}
