// ConfigOptionTypes: the YAML spelling of each ConfigOptionType, for messages.
namespace MlObs.Ops.Metadata;

internal static class ConfigOptionTypes
{
    public static string YamlName(ConfigOptionType type) => type switch
    {
        ConfigOptionType.String => "string",
        ConfigOptionType.Int => "int",
        ConfigOptionType.Float => "float",
        ConfigOptionType.Boolean => "boolean",
        ConfigOptionType.Secret => "secret",
        _ => type.ToString(),
    };
}
