// BulkResultsTests: a bulk call's per-item errors become JujuApiException (one) or AggregateException (several).
using System.Text.Json;

namespace Juju.Net.Tests;

public sealed class BulkResultsTests
{
    [Fact]
    public void EnsureSuccess_NoItemErrors_ReturnsTheItems()
    {
        var results = new ErrorResults { Results = [new ErrorResult(), new ErrorResult { Error = new Error() }] };

        results.EnsureSuccess("Application.SetConfigs (v22)");

        Assert.Empty(BulkResults.EnsureSuccess<ErrorResult>(null, r => r.Error, "x"));
    }

    [Fact]
    public void EnsureSuccess_OneItemError_ThrowsItsCodeMessageInfoAndIndex()
    {
        var info = JsonDocument.Parse("\"pg\"").RootElement;
        var results = new ErrorResults { Results = [new ErrorResult(), new ErrorResult { Error = new Error { Code = "not found", Message = "application \"pg\" not found", Info = new Dictionary<string, JsonElement> { ["name"] = info } } }] };

        var e = Assert.Throws<JujuApiException>(() => results.EnsureSuccess("Application.SetConfigs (v22)"));

        Assert.Equal(("Application.SetConfigs (v22) item 1", JujuErrorCodes.NotFound, "application \"pg\" not found"), (e.Call, e.Code, e.ServerMessage));
        Assert.Equal("pg", e.Info!.Value.GetProperty("name").GetString());
    }

    [Fact]
    public void EnsureSuccess_SeveralItemErrors_ThrowsOneExceptionPerItem()
    {
        var results = new ErrorResults { Results = [new ErrorResult { Error = new Error { Message = "a" } }, new ErrorResult(), new ErrorResult { Error = new Error { Message = "c", Code = "forbidden" } }] };

        var e = Assert.Throws<AggregateException>(() => results.EnsureSuccess("Annotations.Set (v2)"));

        Assert.Equal(["Annotations.Set (v2) item 0", "Annotations.Set (v2) item 2"], e.InnerExceptions.Cast<JujuApiException>().Select(x => x.Call));
        Assert.StartsWith("Annotations.Set (v2): 2 of 3 items failed", e.Message, StringComparison.Ordinal);
    }
}
