// WorkloadClient's readiness probe against real sockets on loopback: nothing listening, a ready
// workload and one that says why it is not ready.
using System.Net;
using System.Net.Sockets;
using System.Text;
using DriftMonitorCharm;

namespace DriftMonitorCharm.Tests;

public sealed class WorkloadClientTests
{
    [Fact]
    public async Task NotReadyReason_NothingListening_SaysNotReachable()
    {
        int port = FreePort();
        using var client = new WorkloadClient(new Uri($"http://127.0.0.1:{port}"), token: null);

        string? reason = await client.NotReadyReasonAsync(CancellationToken.None);

        Assert.Equal($"not reachable on port {port} yet", reason);
    }

    [Fact]
    public async Task NotReadyReason_ReadyzAnswers200_ReturnsNull()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task serving = AnswerOnceAsync(listener, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var client = new WorkloadClient(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"), token: null);

        string? reason = await client.NotReadyReasonAsync(CancellationToken.None);

        Assert.Null(reason);
        await serving;
    }

    [Fact]
    public async Task NotReadyReason_ReadyzAnswers503_ReturnsTheProblemDetail()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        const string body = "{\"detail\": \"no reference loaded\"}";
        Task serving = AnswerOnceAsync(listener,
            $"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
        using var client = new WorkloadClient(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"), token: null);

        string? reason = await client.NotReadyReasonAsync(CancellationToken.None);

        Assert.Equal("no reference loaded", reason);
        await serving;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    // The client probes the port first (a connection closed without a request), then sends GET /readyz.
    private static async Task AnswerOnceAsync(TcpListener listener, string response)
    {
        while (true)
        {
            using TcpClient connection = await listener.AcceptTcpClientAsync();
            NetworkStream stream = connection.GetStream();
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                int read = await stream.ReadAsync(buffer);
                if (read == 0)
                    break;
                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            if (request.Length == 0)
                continue;
            Assert.StartsWith("GET /readyz ", request.ToString(), StringComparison.Ordinal);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
            return;
        }
    }
}
