// Tests of action result flattening and key validation (Juju's action-set rules).
namespace MlObs.Ops.Tests.Dispatching;

public sealed class ActionResultsTests
{
    [Fact]
    public void Flatten_Nested_GivesDottedKeys()
    {
        var flat = ActionResults.Flatten(new Dictionary<string, object?>
        {
            ["a"] = new Dictionary<string, object?> { ["b"] = 1, ["c-d"] = true },
            ["x"] = 2.5,
            ["y"] = "text",
        });

        Assert.Equal("1", flat["a.b"]);
        Assert.Equal("True", flat["a.c-d"]);
        Assert.Equal("2.5", flat["x"]);
        Assert.Equal("text", flat["y"]);
    }

    [Theory]
    [InlineData("stdout")]
    [InlineData("stderr")]
    [InlineData("stdout-encoding")]
    [InlineData("stderr-encoding")]
    public void Flatten_ReservedKey_Throws(string key)
    {
        var error = Assert.Throws<ArgumentException>(() => ActionResults.Flatten(new Dictionary<string, object?> { [key] = "x" }));

        Assert.Contains("reserved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flatten_ReservedNestedKey_Throws() =>
        Assert.Throws<ArgumentException>(() => ActionResults.Flatten(new Dictionary<string, object?>
        {
            ["foo"] = new Dictionary<string, object?> { ["stdout"] = "x" },
        }));

    [Theory]
    [InlineData("Upper")]
    [InlineData("-lead")]
    [InlineData("trail-")]
    [InlineData("under_score")]
    [InlineData("")]
    public void Flatten_InvalidKey_Throws(string key) =>
        Assert.Throws<ArgumentException>(() => ActionResults.Flatten(new Dictionary<string, object?> { [key] = "x" }));

    [Fact]
    public void Flatten_DuplicateAfterFlattening_Throws()
    {
        // "a.b" is not a valid key part, so the duplicate can only come from nesting twice.
        var error = Assert.Throws<ArgumentException>(() => ActionResults.Flatten(new Dictionary<string, object?>
        {
            ["a"] = new Dictionary<string, object?> { ["b"] = "1" },
            ["a.b"] = "2",
        }));

        Assert.Contains("a.b", error.Message, StringComparison.Ordinal);
    }
}
