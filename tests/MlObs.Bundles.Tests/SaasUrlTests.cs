// Offer URLs of saas entries: the forms Juju accepts, with and without another controller in front.
using MlObs.Bundles.Checking;

namespace MlObs.Bundles.Tests;

public sealed class SaasUrlTests
{
    [Theory]
    [InlineData("cos.loki-logging", null, null, "cos", "loki-logging")]
    [InlineData("admin/cos.loki-logging", null, "admin", "cos", "loki-logging")]
    [InlineData("cos-controller:admin/cos.prometheus-receive-remote-write", "cos-controller", "admin", "cos", "prometheus-receive-remote-write")]
    [InlineData("cos-controller:cos.grafana-dashboards", "cos-controller", null, "cos", "grafana-dashboards")]
    [InlineData("admin/cos.loki-logging:logging", null, "admin", "cos", "loki-logging")]
    public void Parse_ValidUrl_SplitsItsParts(string url, string? controller, string? qualifier, string model, string offer)
    {
        var parsed = SaasUrl.Parse(url, out var error);

        Assert.Null(error);
        Assert.Equal(new SaasUrl(controller, qualifier, model, offer), parsed);
    }

    [Theory]
    [InlineData("loki-logging", "MODEL.OFFER")]
    [InlineData(":admin/cos.loki", "controller")]
    [InlineData("admin/Cos.loki", "model name")]
    [InlineData("admin/cos.Loki", "offer name")]
    [InlineData("a/b/cos.loki", "MODEL.OFFER")]
    public void Parse_InvalidUrl_SaysWhy(string url, string reason)
    {
        Assert.Null(SaasUrl.Parse(url, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
