// ConfigRecords: config records a charm would bind its config to, and the source-generated
// JsonSerializerContext that makes CharmConfig.Bind AOT-safe.
using System.Text.Json.Serialization;

namespace MlObs.Ops.Tests.Metadata;

internal sealed record DriftConfig(
    [property: JsonPropertyName("log-level")] string LogLevel,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("enable-alerts")] bool EnableAlerts,
    [property: JsonPropertyName("api-token")] string? ApiToken)
{
    // Computed members are serialised but never bound, so they need no option.
    public string ListenAddress => $"0.0.0.0:{Port}";
}

// Names follow the context's kebab-case policy instead of attributes.
internal sealed record KebabConfig(string LogLevel, long Port, decimal Warmup);

internal sealed record TypoConfig([property: JsonPropertyName("prot")] int Port);

internal sealed record WrongTypeConfig([property: JsonPropertyName("port")] string Port);

internal sealed record NarrowConfig([property: JsonPropertyName("port")] byte Port);

internal sealed record TokenConfig([property: JsonPropertyName("api-token")] string ApiToken);

internal sealed record OptionalTokenConfig([property: JsonPropertyName("api-token")] string? ApiToken = null);

internal sealed class RequiredTokenConfig
{
    [JsonPropertyName("api-token")]
    public required string? ApiToken { get; init; }
}

internal sealed class InitOnlyConfig
{
    [JsonPropertyName("api-token")]
    public string ApiToken { get; init; } = "secret:none";
}

internal sealed class NullableInitOnlyConfig
{
    [JsonPropertyName("api-token")]
    public string? ApiToken { get; init; }

    [JsonPropertyName("port")]
    public int? Port { get; init; }
}

[JsonSerializable(typeof(DriftConfig))]
[JsonSerializable(typeof(TypoConfig))]
[JsonSerializable(typeof(WrongTypeConfig))]
[JsonSerializable(typeof(NarrowConfig))]
[JsonSerializable(typeof(TokenConfig))]
[JsonSerializable(typeof(OptionalTokenConfig))]
[JsonSerializable(typeof(RequiredTokenConfig))]
[JsonSerializable(typeof(InitOnlyConfig))]
[JsonSerializable(typeof(NullableInitOnlyConfig))]
[JsonSerializable(typeof(int[]))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseLower)]
[JsonSerializable(typeof(KebabConfig))]
internal sealed partial class KebabConfigJsonContext : JsonSerializerContext;
