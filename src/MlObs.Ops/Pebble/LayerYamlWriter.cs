// LayerYamlWriter: walks a layer or plan in Pebble's key names and field order, maps sorted by key,
// unset fields left out, into a sink: YAML (strings quoted whenever YAML would read them as something
// else), or a digest of the same walk, which needs neither YAML's emitter nor its quoting rules.
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MlObs.Ops.Pebble;

internal sealed partial class LayerYamlWriter
{
    private readonly ISink _sink;

    private LayerYamlWriter(ISink sink) => _sink = sink;

    // What the walk produces: a map, a list, a scalar written as it is (keys, numbers), a string value.
    private interface ISink
    {
        void BeginMap();

        void EndMap();

        void BeginList();

        void EndList();

        void Plain(string value);

        void String(string value);
    }

    public static string Write(Layer layer)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var yaml = new YamlSink(text);
        new LayerYamlWriter(yaml).Document(layer);
        yaml.End();
        return text.ToString();
    }

    /// <summary>
    /// A digest of everything <see cref="Write"/> would write (the same walk, every field): equal layers give equal
    /// digests, a changed field a different one. For change detection (Container.EnsureLayerAsync), not for Pebble.
    /// </summary>
    public static string Digest(Layer layer)
    {
        var digest = new DigestSink();
        new LayerYamlWriter(digest).Document(layer);
        return digest.Finish();
    }

    internal static bool NeedsQuotes(string value) => value.Length == 0 || NonString().IsMatch(value);

    [GeneratedRegex(@"^(~|null|true|false|yes|no|on|off|y|n|[-+]?\.(inf|nan)|[-+]?[0-9.][0-9a-fA-FxXoObB_.:+-]*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NonString();

    private void Document(Layer layer)
    {
        BeginMap();
        Text("summary", layer.Summary);
        Text("description", layer.Description);
        Entries("services", layer.Services, Service);
        Entries("checks", layer.Checks, Check);
        Entries("log-targets", layer.LogTargets, LogTarget);
        EndMap();
    }

    // Field order follows the Go structs in pebble:internals/plan/plan.go, as GET /v1/plan prints them.
    private void Service(Service service)
    {
        Text("summary", service.Summary);
        Text("description", service.Description);
        Text("startup", service.Startup is { } startup ? LayerNames.Of(startup) : null);
        OverrideField(service.Override);
        Text("command", service.Command);
        List("after", service.After);
        List("before", service.Before);
        List("requires", service.Requires);
        Map("environment", service.Environment);
        Integer("user-id", service.UserId);
        Text("user", service.User);
        Integer("group-id", service.GroupId);
        Text("group", service.Group);
        Text("working-dir", service.WorkingDir);
        Text("on-success", service.OnSuccess is { } success ? LayerNames.Of(success) : null);
        Text("on-failure", service.OnFailure is { } failure ? LayerNames.Of(failure) : null);
        if (service.OnCheckFailure.Count > 0)
        {
            Map("on-check-failure", service.OnCheckFailure.ToDictionary(p => p.Key, p => LayerNames.Of(p.Value)));
        }

        Text("backoff-delay", service.BackoffDelay);
        if (service.BackoffFactor is { } factor)
        {
            Key("backoff-factor");
            Plain(factor.ToString("R", CultureInfo.InvariantCulture));
        }

        Text("backoff-limit", service.BackoffLimit);
        Text("kill-delay", service.KillDelay);
    }

    private void Check(Check check)
    {
        OverrideField(check.Override);
        Text("level", check.Level is { } level ? LayerNames.Of(level) : null);
        Text("startup", check.Startup is { } startup ? LayerNames.Of(startup) : null);
        Text("period", check.Period);
        Text("timeout", check.Timeout);
        Integer("threshold", check.Threshold is 0 ? null : check.Threshold);
        if (check.Http is { } http)
        {
            Key("http");
            BeginMap();
            Text("url", http.Url);
            Map("headers", http.Headers);
            EndMap();
        }

        if (check.Tcp is { } tcp)
        {
            Key("tcp");
            BeginMap();
            Integer("port", tcp.Port is 0 ? null : tcp.Port);
            Text("host", tcp.Host);
            EndMap();
        }

        if (check.Exec is { } exec)
        {
            Key("exec");
            BeginMap();
            Text("command", exec.Command);
            Text("service-context", exec.ServiceContext);
            Map("environment", exec.Environment);
            Integer("user-id", exec.UserId);
            Text("user", exec.User);
            Integer("group-id", exec.GroupId);
            Text("group", exec.Group);
            Text("working-dir", exec.WorkingDir);
            EndMap();
        }
    }

    private void LogTarget(LogTarget target)
    {
        Text("type", target.Type);
        Text("location", target.Location);
        List("services", target.Services);
        OverrideField(target.Override);
        Map("labels", target.Labels);
    }

    private void OverrideField(Override value) =>
        Text("override", value is Override.Merge or Override.Replace ? LayerNames.Of(value) : null);

    private void Entries<T>(string key, IReadOnlyDictionary<string, T> entries, Action<T> write)
    {
        if (entries.Count == 0)
        {
            return;
        }

        Key(key);
        BeginMap();
        foreach (var (name, entry) in entries.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            String(name);
            BeginMap();
            write(entry);
            EndMap();
        }

        EndMap();
    }

    private void Text(string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            Key(key);
            String(value);
        }
    }

    private void Integer(string key, int? value)
    {
        if (value is { } number)
        {
            Key(key);
            Plain(number.ToString(CultureInfo.InvariantCulture));
        }
    }

    private void List(string key, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        Key(key);
        _sink.BeginList();
        foreach (var item in items)
        {
            String(item);
        }

        _sink.EndList();
    }

    private void Map(string key, IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return;
        }

        Key(key);
        BeginMap();
        foreach (var (name, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            String(name);
            String(value);
        }

        EndMap();
    }

    private void BeginMap() => _sink.BeginMap();

    private void EndMap() => _sink.EndMap();

    private void Key(string key) => Plain(key);

    private void Plain(string value) => _sink.Plain(value);

    private void String(string value) => _sink.String(value);

    // YAML through YamlDotNet's emitter. A string that YAML would resolve to null, a boolean or a number is
    // double-quoted, so that Pebble's Go decoder (and any YAML 1.1 reader) sees a string.
    private sealed class YamlSink : ISink
    {
        private readonly Emitter _emitter;

        public YamlSink(TextWriter writer)
        {
            _emitter = new Emitter(writer);
            _emitter.Emit(new StreamStart());
            _emitter.Emit(new DocumentStart());
        }

        public void End()
        {
            _emitter.Emit(new DocumentEnd(isImplicit: true));
            _emitter.Emit(new StreamEnd());
        }

        public void BeginMap() => _emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, MappingStyle.Block));

        public void EndMap() => _emitter.Emit(new MappingEnd());

        public void BeginList() => _emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, SequenceStyle.Block));

        public void EndList() => _emitter.Emit(new SequenceEnd());

        public void Plain(string value) => _emitter.Emit(new Scalar(value));

        public void String(string value) =>
            _emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, NeedsQuotes(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any, isPlainImplicit: true, isQuotedImplicit: true));
    }

    // XxHash128 over the walk's events: a tag byte per event, and each scalar as its UTF-8 length and bytes, so
    // that no two different walks feed the same bytes.
    private sealed class DigestSink : ISink
    {
        private readonly XxHash128 _hash = new();
        private byte[] _buffer = new byte[256];

        public DigestSink() => _hash.Append("pebble-layer/1"u8);

        public void BeginMap() => Tag((byte)'{');

        public void EndMap() => Tag((byte)'}');

        public void BeginList() => Tag((byte)'[');

        public void EndList() => Tag((byte)']');

        public void Plain(string value) => Scalar((byte)'p', value);

        public void String(string value) => Scalar((byte)'s', value);

        public string Finish() => Convert.ToHexStringLower(_hash.GetCurrentHash());

        private void Tag(byte tag) => _hash.Append([tag]);

        private void Scalar(byte tag, string value)
        {
            var length = Encoding.UTF8.GetMaxByteCount(value.Length) + 5;
            if (_buffer.Length < length)
            {
                _buffer = new byte[length];
            }

            _buffer[0] = tag;
            var written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(5));
            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(1), written);
            _hash.Append(_buffer.AsSpan(0, written + 5));
        }
    }
}
