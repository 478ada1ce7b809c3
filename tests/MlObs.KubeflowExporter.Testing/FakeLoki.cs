// A fake Loki push endpoint (POST /loki/api/v1/push) that validates the JSON push API strictly: a "streams" array of objects
// with a "stream" map of label names to strings and "values" of [nanosecond timestamp string, line] pairs (an optional third
// element, structured metadata, must be a map of strings). Valid pushes answer 204 and are recorded; invalid ones answer
// 400 and the reason is kept. It can answer 500 or 429 to the next pushes, to test retries.
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlObs.KubeflowExporter.Testing;

/// <summary>One line Loki accepted.</summary>
public sealed record ReceivedLine(IReadOnlyDictionary<string, string> Labels, long UnixNanos, string Line);

/// <summary>The fake Loki.</summary>
public sealed class FakeLoki : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedLine> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private int _failures;
    private int _failureStatus = 500;
    private int _pushes;

    private FakeLoki(WebApplication app) => _app = app;

    /// <summary>The push URL.</summary>
    public Uri PushUrl { get; private set; } = null!;

    /// <summary>Lines accepted, in order.</summary>
    public IReadOnlyList<ReceivedLine> Lines => [.. _lines];

    /// <summary>Why invalid pushes were refused.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Push requests received (valid, invalid or failed on purpose).</summary>
    public int Pushes => Volatile.Read(ref _pushes);

    /// <summary>Answers <paramref name="status"/> to the next <paramref name="count"/> pushes.</summary>
    public void FailNext(int count, int status = 500)
    {
        _failureStatus = status;
        Volatile.Write(ref _failures, count);
    }

    /// <summary>Starts the fake on a free loopback port.</summary>
    public static async Task<FakeLoki> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var loki = new FakeLoki(app);
        app.MapPost("/loki/api/v1/push", (Delegate)loki.PushAsync);
        await app.StartAsync().ConfigureAwait(false);
        loki.PushUrl = new Uri(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/loki/api/v1/push");
        return loki;
    }

    /// <summary>Stops the fake.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<IResult> PushAsync(HttpContext context)
    {
        Interlocked.Increment(ref _pushes);
        if (Interlocked.Decrement(ref _failures) >= 0)
            return Results.StatusCode(_failureStatus);
        Interlocked.Exchange(ref _failures, 0);
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            return Refuse($"Content-Type {context.Request.ContentType}: expected application/json");
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(context.Request.Body).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Refuse($"not JSON: {e.Message}");
        }
        using (doc)
        {
            var accepted = new List<ReceivedLine>();
            if (Validate(doc.RootElement, accepted) is { } problem)
                return Refuse(problem);
            foreach (ReceivedLine line in accepted)
                _lines.Enqueue(line);
        }
        return Results.NoContent();
    }

    private IResult Refuse(string problem)
    {
        _errors.Enqueue(problem);
        return Results.BadRequest(problem);
    }

    private static string? Validate(JsonElement root, List<ReceivedLine> accepted)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("streams", out JsonElement streams) || streams.ValueKind != JsonValueKind.Array)
            return "no streams array";
        if (root.EnumerateObject().Any(p => p.Name != "streams"))
            return "unknown top-level key";
        int s = 0;
        foreach (JsonElement stream in streams.EnumerateArray())
        {
            if (stream.ValueKind != JsonValueKind.Object || !stream.TryGetProperty("stream", out JsonElement labels) || labels.ValueKind != JsonValueKind.Object)
                return $"streams[{s}]: no stream object";
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty label in labels.EnumerateObject())
            {
                if (label.Value.ValueKind != JsonValueKind.String)
                    return $"streams[{s}].stream.{label.Name}: not a string";
                if (label.Name.Length == 0 || !(char.IsAsciiLetter(label.Name[0]) || label.Name[0] == '_') || !label.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                    return $"streams[{s}].stream: '{label.Name}' is not a label name";
                map[label.Name] = label.Value.GetString()!;
            }
            if (map.Count == 0)
                return $"streams[{s}]: no labels";
            if (!stream.TryGetProperty("values", out JsonElement values) || values.ValueKind != JsonValueKind.Array)
                return $"streams[{s}]: no values array";
            int v = 0;
            foreach (JsonElement value in values.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() is < 2 or > 3)
                    return $"streams[{s}].values[{v}]: expected [timestamp, line] or [timestamp, line, metadata]";
                JsonElement ts = value[0], line = value[1];
                if (ts.ValueKind != JsonValueKind.String || !long.TryParse(ts.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long nanos))
                    return $"streams[{s}].values[{v}][0]: timestamp must be a string of Unix nanoseconds";
                if (line.ValueKind != JsonValueKind.String)
                    return $"streams[{s}].values[{v}][1]: line must be a string";
                if (value.GetArrayLength() == 3 && (value[2].ValueKind != JsonValueKind.Object || value[2].EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String)))
                    return $"streams[{s}].values[{v}][2]: structured metadata must be a map of strings";
                accepted.Add(new ReceivedLine(map, nanos, line.GetString()!));
                v++;
            }
            s++;
        }
        return null;
    }
}
