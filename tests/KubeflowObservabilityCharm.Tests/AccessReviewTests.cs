using System.Net;
using System.Net.Sockets;
using MlObs.KubeflowExporter.Testing;

namespace KubeflowObservabilityCharm.Tests;

/// <summary>The charm's SelfSubjectAccessReviews against the fake Kubernetes API server.</summary>
public sealed class AccessReviewTests
{
    private static readonly Permission[] Needed =
    [
        new("list", "", "namespaces"), new("watch", "", "pods"), new("list", "serving.kserve.io", "inferenceservices"), new("get", "", "pods/log"),
    ];

    [Fact]
    public async Task Trusted_EveryPermissionIsAllowed_OneReviewEach()
    {
        await using FakeKubeApiServer api = await FakeKubeApiServer.StartAsync();
        using var reviews = new SelfSubjectAccessReviews(api.Address, "token");
        AccessReport report = await reviews.CheckAsync(Needed, CancellationToken.None);
        Assert.True(report.Granted);
        Assert.Equal(Needed.Length, api.AccessReviews);
    }

    [Fact]
    public async Task Untrusted_EveryPermissionIsDenied()
    {
        await using FakeKubeApiServer api = await FakeKubeApiServer.StartAsync();
        api.DenyAll = true;
        using var reviews = new SelfSubjectAccessReviews(api.Address, "token");
        AccessReport report = await reviews.CheckAsync(Needed, CancellationToken.None);
        Assert.Equal(Needed, report.Denied);
        Assert.Null(report.Problem);
    }

    [Fact]
    public async Task OnePermissionMissing_IsNamed_SubresourcesIncluded()
    {
        await using FakeKubeApiServer api = await FakeKubeApiServer.StartAsync();
        api.Deny("get", "", "pods/log");
        api.Deny("list", "serving.kserve.io", "inferenceservices");
        using var reviews = new SelfSubjectAccessReviews(api.Address, "token");
        AccessReport report = await reviews.CheckAsync(Needed, CancellationToken.None);
        Assert.Equal(["list inferenceservices.serving.kserve.io", "get pods/log"], report.Denied.Select(p => p.ToString()));
    }

    [Fact]
    public async Task ServerNotAnswering_IsAProblem_NotADenial()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        using var reviews = new SelfSubjectAccessReviews(new Uri($"http://127.0.0.1:{port}"), "token");
        AccessReport report = await reviews.CheckAsync(Needed, CancellationToken.None);
        Assert.False(report.Granted);
        Assert.Empty(report.Denied);
        Assert.StartsWith("the Kubernetes API did not answer an access review: ", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerRefusingTheReview_IsAProblem()
    {
        await using FakeKubeApiServer api = await FakeKubeApiServer.StartAsync();
        api.FailNext("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", 100);
        using var reviews = new SelfSubjectAccessReviews(api.Address, "token");
        AccessReport report = await reviews.CheckAsync(Needed, CancellationToken.None);
        Assert.Equal("the Kubernetes API did not answer an access review: POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews answered 500 Internal Server Error", report.Problem);
    }

    [SkippableFact]
    public async Task OutsideAPod_InClusterSaysWhy()
    {
        Skip.If(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is not null, "running in a Kubernetes pod: the in-cluster client is real here");
        using SelfSubjectAccessReviews reviews = SelfSubjectAccessReviews.InCluster();
        AccessReport report = await reviews.CheckAsync(Needed, CancellationToken.None);
        Assert.Equal("the charm is not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set)", report.Problem);
    }
}
