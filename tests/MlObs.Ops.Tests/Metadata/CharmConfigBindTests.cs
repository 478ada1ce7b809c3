// CharmConfigBindTests: binding the config to a record through a source-generated context, and
// every way a record and the declared options can disagree.
using System.Text.Json;
using MlObs.Ops.Metadata;
using static MlObs.Ops.Tests.Metadata.CharmConfigTests;

namespace MlObs.Ops.Tests.Metadata;

public sealed class CharmConfigBindTests
{
    [Fact]
    public void Bind_ValuesAndDefaults_FillsTheRecord()
    {
        var config = CharmConfig.Create(Options, Values("""{"port": 9000, "api-token": "secret:d0erdn5mp25c7a5ksvtg"}"""));

        var bound = config.Bind(ConfigJsonContext.Default.DriftConfig);

        Assert.Equal(new DriftConfig("info", 9000, 0.25, true, "secret:d0erdn5mp25c7a5ksvtg"), bound);
    }

    [Fact]
    public void Bind_UnsetNullableMember_IsNull()
    {
        var config = CharmConfig.Create(Options, new Dictionary<string, JsonElement>());

        Assert.Null(config.Bind(ConfigJsonContext.Default.DriftConfig).ApiToken);
    }

    [Fact]
    public void Bind_NamingPolicyOfTheContext_MapsPropertiesToOptions()
    {
        var config = CharmConfig.Create(Options, Values("""{"warmup": 2.5}"""));

        var bound = config.Bind(KebabConfigJsonContext.Default.KebabConfig);

        Assert.Equal(new KebabConfig("info", 8080, 2.5m), bound);
    }

    [Fact]
    public void Bind_PropertyWithoutOption_ThrowsNamingRecordAndProperty()
    {
        var config = CharmConfig.Create(Options, new Dictionary<string, JsonElement>());

        var ex = Assert.Throws<InvalidOperationException>(() => config.Bind(ConfigJsonContext.Default.TypoConfig));

        Assert.Equal("config record TypoConfig has property 'prot' but charmcraft.yaml declares no option 'prot'", ex.Message);
    }

    [Fact]
    public void Bind_ClrTypeNotFittingOptionType_Throws()
    {
        var config = CharmConfig.Create(Options, new Dictionary<string, JsonElement>());

        var ex = Assert.Throws<InvalidOperationException>(() => config.Bind(ConfigJsonContext.Default.WrongTypeConfig));

        Assert.Equal("config record WrongTypeConfig maps option 'port' (int) to Port of type String; expected an integer type (long, int, short, ...)", ex.Message);
    }

    [Fact]
    public void Bind_ValueTooLargeForMember_ThrowsInvalidConfigNamingOption()
    {
        var config = CharmConfig.Create(Options, Values("""{"port": 8443}"""));

        var ex = Assert.Throws<InvalidConfigException>(() => config.Bind(ConfigJsonContext.Default.NarrowConfig));

        Assert.Equal("port", ex.OptionName);
        Assert.Equal("config option 'port' (int) value 8443 does not fit NarrowConfig.Port (Byte)", ex.Message);
        Assert.IsType<JsonException>(ex.InnerException, exactMatch: false);
    }

    [Fact]
    public void Bind_NoValueForNonNullableConstructorParameter_ThrowsInvalidConfig()
    {
        var config = CharmConfig.Create(Options, new Dictionary<string, JsonElement>());

        var ex = Assert.Throws<InvalidConfigException>(() => config.Bind(ConfigJsonContext.Default.TokenConfig));

        Assert.Equal("api-token", ex.OptionName);
        Assert.Equal("config option 'api-token' has no value and no default, but TokenConfig.ApiToken (String) needs one", ex.Message);
    }

    [Fact]
    public void Bind_NoValueForParameterWithDefault_KeepsTheParameterDefault()
    {
        var config = CharmConfig.Create(Options, new Dictionary<string, JsonElement>());

        Assert.Null(config.Bind(ConfigJsonContext.Default.OptionalTokenConfig).ApiToken);
    }

    [Fact]
    public void Bind_NoValueForRequiredNullableMember_IsNull()
    {
        var config = CharmConfig.Create(Options, new Dictionary<string, JsonElement>());

        Assert.Null(config.Bind(ConfigJsonContext.Default.RequiredTokenConfig).ApiToken);
    }

    [Fact]
    public void Bind_NoValueForNonNullableInitOnlyMember_ThrowsRatherThanLeaveNull()
    {
        // Source-generated deserialisation sets init-only members through the object initialiser,
        // so the property initialiser is lost and the member would silently be null.
        var config = CharmConfig.Create(Options, new Dictionary<string, JsonElement>());

        var ex = Assert.Throws<InvalidConfigException>(() => config.Bind(ConfigJsonContext.Default.InitOnlyConfig));

        Assert.Equal("api-token", ex.OptionName);
    }

    [Fact]
    public void Bind_NullableInitOnlyMembers_TakeValueDefaultOrNull()
    {
        var config = CharmConfig.Create(Options, Values("""{"port": null}"""));

        var bound = config.Bind(ConfigJsonContext.Default.NullableInitOnlyConfig);

        Assert.Null(bound.ApiToken);
        Assert.Equal(8080, bound.Port);
    }

    [Fact]
    public void Bind_TypeInfoNotAnObject_ThrowsArgumentException()
    {
        var config = CharmConfig.Create(Options, new Dictionary<string, JsonElement>());

        Assert.Throws<ArgumentException>(() => config.Bind(ConfigJsonContext.Default.Int32Array));
    }
}
