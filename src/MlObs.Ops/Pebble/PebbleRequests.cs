// PebbleRequests: the JSON bodies the client sends, serialised through a source-generated
// context (AOT-safe); null members are left out.
using System.Text.Json.Serialization;

namespace MlObs.Ops.Pebble;

internal sealed record LayerRequest(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("combine")] bool Combine,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("layer")] string Layer);

internal sealed record ServicesRequest(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("services")] IReadOnlyList<string> Services);

internal sealed record ChecksRequest(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("checks")] IReadOnlyList<string> Checks);

internal sealed record ChangeActionRequest(
    [property: JsonPropertyName("action")] string Action);

internal sealed record SignalRequest(
    [property: JsonPropertyName("signal")] string Signal,
    [property: JsonPropertyName("services")] IReadOnlyList<string> Services);

internal sealed record NoticeRequest(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("repeat-after")] string? RepeatAfter,
    [property: JsonPropertyName("data")] IReadOnlyDictionary<string, string>? Data);

internal sealed record ExecRequest(
    [property: JsonPropertyName("command")] IReadOnlyList<string> Command,
    [property: JsonPropertyName("service-context")] string? ServiceContext,
    [property: JsonPropertyName("environment")] IReadOnlyDictionary<string, string> Environment,
    [property: JsonPropertyName("working-dir")] string? WorkingDir,
    [property: JsonPropertyName("timeout")] string? Timeout,
    [property: JsonPropertyName("user-id")] int? UserId,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("group-id")] int? GroupId,
    [property: JsonPropertyName("group")] string? Group,
    [property: JsonPropertyName("terminal")] bool Terminal,
    [property: JsonPropertyName("interactive")] bool Interactive,
    [property: JsonPropertyName("split-stderr")] bool SplitStderr);

internal sealed record ExecSignalCommand(
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("signal")] ExecSignalName Signal);

internal sealed record ExecSignalName(
    [property: JsonPropertyName("name")] string Name);

internal sealed record WriteFilesRequest(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("files")] IReadOnlyList<FileItem> Files);

internal sealed record MakeDirsRequest(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("dirs")] IReadOnlyList<FileItem> Dirs);

internal sealed record RemovePathsRequest(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("paths")] IReadOnlyList<RemovePathItem> Paths);

/// <summary>One path of a write or make-dirs request, with its mode and ownership.</summary>
internal sealed record FileItem(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("make-dirs")] bool? MakeDirs,
    [property: JsonPropertyName("make-parents")] bool? MakeParents,
    [property: JsonPropertyName("permissions")] string? Permissions,
    [property: JsonPropertyName("user-id")] int? UserId,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("group-id")] int? GroupId,
    [property: JsonPropertyName("group")] string? Group);

internal sealed record RemovePathItem(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("recursive")] bool? Recursive);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LayerRequest))]
[JsonSerializable(typeof(ServicesRequest))]
[JsonSerializable(typeof(ChecksRequest))]
[JsonSerializable(typeof(ChangeActionRequest))]
[JsonSerializable(typeof(SignalRequest))]
[JsonSerializable(typeof(NoticeRequest))]
[JsonSerializable(typeof(ExecRequest))]
[JsonSerializable(typeof(ExecSignalCommand))]
[JsonSerializable(typeof(WriteFilesRequest))]
[JsonSerializable(typeof(MakeDirsRequest))]
[JsonSerializable(typeof(RemovePathsRequest))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class PebbleJsonContext : JsonSerializerContext;
