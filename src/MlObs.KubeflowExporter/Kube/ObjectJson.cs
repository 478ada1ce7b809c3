// Reading Kubernetes objects as JSON: metadata, labels, annotations, conditions and the Status object of an error, without
// generated CRD classes (the exporter only reads a few fields of each status block).
using System.Globalization;
using System.Text.Json;

namespace MlObs.KubeflowExporter.Kube;

/// <summary>Helpers over <see cref="JsonElement"/> Kubernetes objects; every accessor tolerates missing or mistyped fields.</summary>
public static class ObjectJson
{
    /// <summary>The items and <c>metadata.resourceVersion</c> of a list object.</summary>
    public static ResourceList ParseList(JsonElement list)
    {
        var items = new List<JsonElement>();
        if (list.ValueKind == JsonValueKind.Object && list.TryGetProperty("items", out JsonElement array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in array.EnumerateArray())
                items.Add(item);
        }
        return new ResourceList(items, Str(list, "metadata", "resourceVersion") ?? "");
    }

    /// <summary>The exception for an ERROR watch event carrying a Status object (410 → <see cref="ResourceExpiredException"/>).</summary>
    public static KubeApiException StatusError(JsonElement status, ResourceKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        int code = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("code", out JsonElement c) && c.TryGetInt32(out int v) ? v : 0;
        string message = $"{kind.Name}: watch error {code}: {Str(status, "message") ?? Str(status, "reason") ?? "no message"}";
        return code == 410 ? new ResourceExpiredException(message) : new KubeApiException(message, code);
    }

    /// <summary><c>metadata.namespace</c>, or "" for cluster-scoped objects.</summary>
    public static string Namespace(JsonElement obj) => Str(obj, "metadata", "namespace") ?? "";

    /// <summary><c>metadata.name</c>, or "".</summary>
    public static string Name(JsonElement obj) => Str(obj, "metadata", "name") ?? "";

    /// <summary><c>metadata.resourceVersion</c>, or null.</summary>
    public static string? ResourceVersion(JsonElement obj) => Str(obj, "metadata", "resourceVersion");

    /// <summary>The cache key of an object: <c>namespace/name</c>.</summary>
    public static string Key(JsonElement obj) => Namespace(obj) + "/" + Name(obj);

    /// <summary>A label of <c>metadata.labels</c>, or null.</summary>
    public static string? Label(JsonElement obj, string name) => Str(obj, "metadata", "labels", name);

    /// <summary>An annotation of <c>metadata.annotations</c>, or null.</summary>
    public static string? Annotation(JsonElement obj, string name) => Str(obj, "metadata", "annotations", name);

    /// <summary>The string at a path of object properties, or null when a step is missing or the value is not a string.</summary>
    public static string? Str(JsonElement obj, params string[] path)
    {
        JsonElement e = obj;
        foreach (string step in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(step, out e))
                return null;
        }
        return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    }

    /// <summary>The integer at a path, or null.</summary>
    public static long? Number(JsonElement obj, params string[] path)
    {
        JsonElement e = obj;
        foreach (string step in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(step, out e))
                return null;
        }
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) ? v : null;
    }

    /// <summary>The element at a path, or null.</summary>
    public static JsonElement? Get(JsonElement obj, params string[] path)
    {
        JsonElement e = obj;
        foreach (string step in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(step, out e))
                return null;
        }
        return e;
    }

    /// <summary>The RFC 3339 time at a path, or null.</summary>
    public static DateTimeOffset? Time(JsonElement obj, params string[] path) =>
        Str(obj, path) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t) ? t : null;

    /// <summary>The <c>status.conditions</c> as (type, status) pairs, in order; status is "True", "False" or "Unknown".</summary>
    public static IReadOnlyList<Condition> Conditions(JsonElement obj)
    {
        if (Get(obj, "status", "conditions") is not { ValueKind: JsonValueKind.Array } array)
            return [];
        var conditions = new List<Condition>();
        foreach (JsonElement c in array.EnumerateArray())
        {
            if (Str(c, "type") is { } type)
                conditions.Add(new Condition(type, Str(c, "status") ?? "Unknown", Str(c, "reason")));
        }
        return conditions;
    }

    /// <summary>The type of the last condition whose status is True, or null: Katib and the training operator append conditions.</summary>
    public static string? LastTrueCondition(IReadOnlyList<Condition> conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        for (int i = conditions.Count - 1; i >= 0; i--)
        {
            if (conditions[i].Status == "True")
                return conditions[i].Type;
        }
        return null;
    }
}

/// <summary>One entry of <c>status.conditions</c>.</summary>
public sealed record Condition(string Type, string Status, string? Reason);
