// ServerProcess: a server the demo starts (Prometheus, Alertmanager, the drift-monitor workload), its output in a log
// file, ready once an HTTP readiness URL answers 200, and stopped (with its children) when disposed.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MlObs.Cli.Demo;

/// <summary>A child server process with its output in a log file.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pump;

    private ServerProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
        _pump = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
    }

    /// <summary>What the server is, e.g. <c>Prometheus</c>.</summary>
    public string Name { get; }

    /// <summary>The file its standard output and error go to.</summary>
    public string LogPath { get; }

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>A free TCP port on 127.0.0.1 (free when asked; the server binds it right after).</summary>
    /// <returns>The port.</returns>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts a server and waits until <paramref name="readyUrl"/> answers 200.</summary>
    /// <param name="name">What it is, for messages.</param>
    /// <param name="fileName">The executable.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <param name="logPath">Where its output goes.</param>
    /// <param name="readyUrl">The URL that answers 200 once it serves.</param>
    /// <param name="timeout">How long to wait for it.</param>
    /// <param name="cancellationToken">Cancels the wait (the process is stopped).</param>
    /// <returns>The running server.</returns>
    /// <exception cref="DemoException">It exited or did not become ready in time; the message quotes its log.</exception>
    public static async Task<ServerProcess> StartAsync(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string logPath,
        Uri readyUrl,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DemoException($"{name}: could not start {fileName}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            await log.DisposeAsync().ConfigureAwait(false);
            throw new DemoException($"{name}: could not start {fileName}: {e.Message}");
        }

        var server = new ServerProcess(name, process, log, logPath);
        try
        {
            await server.WaitReadyAsync(readyUrl, timeout, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The last lines of its log.</summary>
    /// <param name="count">How many.</param>
    /// <returns>The lines, joined.</returns>
    public string LogTail(int count = 15)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().TrimEnd().Split('\n').TakeLast(count));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Left to the system; nothing more can be done.
            }
        }

        try
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A grandchild still holds the pipes; the log is complete enough.
        }

        _process.Dispose();
        await _log.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WaitReadyAsync(Uri readyUrl, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new DemoException($"{Name} exited (code {_process.ExitCode}) before it was ready; its log ({LogPath}) ends:\n{LogTail()}");
            }

            try
            {
                using var response = await http.GetAsync(readyUrl, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The request timed out; try again.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new DemoException($"{Name} was not ready at {readyUrl} after {timeout.TotalSeconds:0} s; its log ({LogPath}) ends:\n{LogTail()}");
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task Pump(StreamReader reader)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (_log)
            {
                _log.Write(buffer, 0, read);
            }
        }
    }
}

/// <summary>A step of the demo failed; the message says what and what to do.</summary>
internal sealed class DemoException : Exception
{
    public DemoException()
    {
    }

    public DemoException(string message)
        : base(message)
    {
    }

    public DemoException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
