// A scripted IHookCommandRunner for tests: records every call and answers from per-tool queues.
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.HookTools;

/// <summary>
/// Answers hook tool calls from scripted results and records every request.
/// <code>
/// var runner = new FakeHookCommandRunner()
///     .Respond("config-get", stdout: "{\"port\":8080}")
///     .Fail("relation-get", 1, "ERROR relation 9 not found");
/// </code>
/// Each tool has a queue of answers; the last one left is kept and repeats for later calls. A tool
/// nobody scripted succeeds with empty output, unless <see cref="Strict"/> is set.
/// </summary>
internal sealed class FakeHookCommandRunner : IHookCommandRunner
{
    private readonly Dictionary<string, Queue<Func<HookCommandRequest, HookCommandResult>>> _answers = new(StringComparer.Ordinal);
    private readonly List<HookCommandRequest> _calls = [];
    private readonly Lock _lock = new();

    /// <summary>When set, a call to a tool without a scripted answer throws instead of succeeding silently.</summary>
    public bool Strict { get; init; }

    /// <summary>Every request, in call order.</summary>
    public IReadOnlyList<HookCommandRequest> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The requests made to <paramref name="tool"/>, in call order.</summary>
    public IReadOnlyList<HookCommandRequest> CallsTo(string tool) => Calls.Where(c => c.Tool == tool).ToList();

    /// <summary>The tools that have at least one scripted answer.</summary>
    public HashSet<string> ScriptedTools
    {
        get
        {
            lock (_lock)
            {
                return new HashSet<string>(_answers.Keys, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The only request made; fails the test if there were none or several.</summary>
    public HookCommandRequest SingleCall => Assert.Single(Calls);

    /// <summary>Queues a successful answer for <paramref name="tool"/>.</summary>
    public FakeHookCommandRunner Respond(string tool, string stdout = "", string stderr = "") =>
        On(tool, _ => new HookCommandResult(0, stdout, stderr));

    /// <summary>Queues a failing answer for <paramref name="tool"/>.</summary>
    public FakeHookCommandRunner Fail(string tool, int exitCode, string stderr, string stdout = "") =>
        On(tool, _ => new HookCommandResult(exitCode, stdout, stderr));

    /// <summary>Queues a computed answer for <paramref name="tool"/>; the handler runs during the call (it can read files the call refers to).</summary>
    public FakeHookCommandRunner On(string tool, Func<HookCommandRequest, HookCommandResult> handler)
    {
        lock (_lock)
        {
            if (!_answers.TryGetValue(tool, out var queue))
            {
                queue = new Queue<Func<HookCommandRequest, HookCommandResult>>();
                _answers[tool] = queue;
            }

            queue.Enqueue(handler);
        }

        return this;
    }

    /// <inheritdoc/>
    public Task<HookCommandResult> RunAsync(HookCommandRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Func<HookCommandRequest, HookCommandResult>? handler = null;
        lock (_lock)
        {
            _calls.Add(request with { Arguments = [.. request.Arguments] });
            if (_answers.TryGetValue(request.Tool, out var queue) && queue.Count > 0)
            {
                handler = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
            }
        }

        if (handler is null)
        {
            if (Strict)
            {
                throw new InvalidOperationException($"FakeHookCommandRunner: no answer scripted for '{request.Tool}'");
            }

            return Task.FromResult(new HookCommandResult(0, string.Empty, string.Empty));
        }

        return Task.FromResult(handler(request));
    }
}
