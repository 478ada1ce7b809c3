// CharmConfigTests: config-get values are checked against the declared options, defaults fill
// the gaps, and the typed getters refuse undeclared keys and the wrong type.
using System.Text.Json;
using MlObs.Ops.Metadata;

namespace MlObs.Ops.Tests.Metadata;

public sealed class CharmConfigTests
{
    internal static readonly IReadOnlyDictionary<string, ConfigOptionMeta> Options =
        CharmMeta.FromCharmcraftYaml(MetadataFixtures.CharmcraftYaml).Config;

    internal static Dictionary<string, JsonElement> Values(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    [Fact]
    public void Create_ValuesOfEachType_GettersReturnThem()
    {
        var config = CharmConfig.Create(Options, Values("""
            {"log-level": "debug", "port": 9000, "threshold": 0.5, "warmup": 10,
             "enable-alerts": false, "api-token": "secret:d0erdn5mp25c7a5ksvtg"}
            """));

        Assert.Equal("debug", config.GetString("log-level"));
        Assert.Equal(9000, config.GetInt("port"));
        Assert.Equal(0.5, config.GetFloat("threshold"));
        Assert.Equal(10.0, config.GetFloat("warmup"));
        Assert.False(config.GetBoolean("enable-alerts"));
        Assert.Equal("secret:d0erdn5mp25c7a5ksvtg", config.GetSecretId("api-token"));
    }

    [Fact]
    public void Create_NoValues_FillsDeclaredDefaultsAndLeavesTheRestUnset()
    {
        var config = CharmConfig.Create(Options, new Dictionary<string, JsonElement>());

        Assert.Equal(
            ["enable-alerts", "log-level", "port", "threshold", "warmup"],
            config.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("info", config.GetString("log-level"));
        Assert.Equal(8080, config.GetInt("port"));
        Assert.True(config.GetBoolean("enable-alerts"));
        Assert.Null(config.GetSecretId("api-token"));
        Assert.False(config.ContainsKey("api-token"));
    }

    [Fact]
    public void Create_JsonNull_MeansUnsetSoTheDefaultApplies()
    {
        var config = CharmConfig.Create(Options, Values("""{"port": null, "api-token": null}"""));

        Assert.Equal(8080, config.GetInt("port"));
        Assert.Null(config.GetSecretId("api-token"));
    }

    [Fact]
    public void Create_UndeclaredKey_Throws()
    {
        var ex = Assert.Throws<InvalidConfigException>(() => CharmConfig.Create(Options, Values("""{"prot": 80}""")));

        Assert.Equal("config-get returned undeclared option 'prot'", ex.Message);
        Assert.Equal("prot", ex.OptionName);
    }

    [Theory]
    [InlineData("port", "\"8080\"", "config option 'port' is declared int but config-get returned \"8080\"")]
    [InlineData("port", "80.5", "config option 'port' is declared int but config-get returned 80.5")]
    [InlineData("threshold", "\"0.5\"", "config option 'threshold' is declared float but config-get returned \"0.5\"")]
    [InlineData("log-level", "3", "config option 'log-level' is declared string but config-get returned 3")]
    [InlineData("enable-alerts", "\"true\"", "config option 'enable-alerts' is declared boolean but config-get returned \"true\"")]
    [InlineData("enable-alerts", "1", "config option 'enable-alerts' is declared boolean but config-get returned 1")]
    [InlineData("api-token", "\"hunter2\"", "config option 'api-token' is declared secret but config-get returned \"hunter2\", which is not a secret URI")]
    [InlineData("api-token", "[]", "config option 'api-token' is declared secret but config-get returned []")]
    public void Create_ValueOfWrongKind_NamesOptionTypeAndValue(string key, string json, string expected)
    {
        var ex = Assert.Throws<InvalidConfigException>(() => CharmConfig.Create(Options, Values($$"""{"{{key}}": {{json}}}""")));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(key, ex.OptionName);
    }

    [Fact]
    public void Create_IntegralFloatForIntOption_IsNormalisedToAnInteger()
    {
        var config = CharmConfig.Create(Options, Values("""{"port": 9000.0}"""));

        Assert.Equal(9000, config.GetInt("port"));
        Assert.Equal("9000", config["port"].GetRawText());
    }

    [Fact]
    public void Create_DefaultOfWrongKindInHandBuiltOptions_Throws()
    {
        var options = new Dictionary<string, ConfigOptionMeta>
        {
            ["port"] = new("port", ConfigOptionType.Int, JsonValues("\"eighty\""), null),
        };

        var ex = Assert.Throws<InvalidConfigException>(() => CharmConfig.Create(options, new Dictionary<string, JsonElement>()));

        Assert.Equal("config option 'port' is declared int but its declared default is \"eighty\"", ex.Message);
    }

    [Fact]
    public void GetString_UndeclaredKey_ThrowsListingDeclaredOptions()
    {
        var config = CharmConfig.Create(Options, new Dictionary<string, JsonElement>());

        var ex = Assert.Throws<ArgumentException>(() => config.GetString("loglevel"));

        Assert.StartsWith("no config option 'loglevel'; declared options: log-level, port, threshold, warmup, enable-alerts, api-token", ex.Message, StringComparison.Ordinal);
        Assert.Equal("key", ex.ParamName);
    }

    [Theory]
    [InlineData("port", "GetString", "config option 'port' is declared int, not string; read it with GetInt")]
    [InlineData("threshold", "GetInt", "config option 'threshold' is declared float, not int; read it with GetFloat")]
    [InlineData("api-token", "GetString", "config option 'api-token' is declared secret, not string; read it with GetSecretId")]
    [InlineData("log-level", "GetBoolean", "config option 'log-level' is declared string, not boolean; read it with GetString")]
    [InlineData("enable-alerts", "GetSecretId", "config option 'enable-alerts' is declared boolean, not secret; read it with GetBoolean")]
    public void Getter_WrongDeclaredType_ThrowsInvalidOperation(string key, string getter, string expected)
    {
        var config = CharmConfig.Create(Options, new Dictionary<string, JsonElement>());
        Action read = getter switch
        {
            "GetString" => () => config.GetString(key),
            "GetInt" => () => config.GetInt(key),
            "GetBoolean" => () => config.GetBoolean(key),
            _ => () => config.GetSecretId(key),
        };

        var ex = Assert.Throws<InvalidOperationException>(read);

        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void Dictionary_View_ExposesCheckedValues()
    {
        var config = CharmConfig.Create(Options, Values("""{"log-level": "warning"}"""));

        Assert.Equal(5, config.Count);
        Assert.Equal("warning", config["log-level"].GetString());
        Assert.True(config.TryGetValue("port", out var port));
        Assert.Equal(8080, port.GetInt32());
        Assert.Throws<KeyNotFoundException>(() => config["api-token"]);
        Assert.Same(Options, config.Options);
    }

    private static JsonElement JsonValues(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
