// Test charms wiring the COS components the way a real charm does: one line in the constructor.
using System.Text.Json.Nodes;
using MlObs.Cos;
using MlObs.Cos.LokiPushApi;
using MlObs.Cos.PrometheusScrape;
using MlObs.Ops;

namespace MlObs.Cos.Tests;

internal sealed class MetricsCharm : CharmBase
{
    public MetricsCharm(Framework framework, IReadOnlyList<JsonObject> jobs, Func<string?>? externalUrl = null)
        : base(framework)
    {
        Metrics = new MetricsEndpointProvider(this, new MetricsEndpointOptions
        {
            Jobs = jobs,
            Fqdn = () => "myapp-1.myapp-endpoints.dev-model.svc.cluster.local",
            ExternalUrl = externalUrl,
        });
    }

    public MetricsEndpointProvider Metrics { get; }
}

internal sealed class ForwarderCharm : CharmBase
{
    public ForwarderCharm(Framework framework)
        : base(framework)
    {
        _ = new LogForwarder(this);
    }
}

internal sealed class LokiConsumerCharm : CharmBase
{
    public LokiConsumerCharm(Framework framework, Action<IReadOnlyList<LokiEndpoint>> seen)
        : base(framework)
    {
        var loki = new LokiPushApiConsumer(this);
        On.Relation("logging").Changed.Observe(async (e, ct) => seen(await loki.GetEndpointsAsync(ct)));
    }
}

internal sealed class RulesOnlyCharm : CharmBase
{
    public RulesOnlyCharm(Framework framework)
        : base(framework)
    {
        _ = new PrometheusRulesProvider(this);
    }
}
