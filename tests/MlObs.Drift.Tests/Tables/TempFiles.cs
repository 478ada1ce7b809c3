using System.IO.Compression;
using System.Text;
using MlObs.Drift.Data;
using MlObs.Drift.Tables;

namespace MlObs.Drift.Tests.Tables;

/// <summary>A temporary folder under the system's temp path, deleted on dispose.</summary>
internal sealed class TempFiles : IDisposable
{
    public TempFiles()
    {
        Folder = Path.Combine(Path.GetTempPath(), "mlobs-tables-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    /// <summary>Writes UTF-8 text without a byte order mark.</summary>
    public string Text(string name, string content) => Bytes(name, Encoding.UTF8.GetBytes(content));

    public string Bytes(string name, byte[] content)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string Gzip(string name, string content)
    {
        string path = Path.Combine(Folder, name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(content));
        return path;
    }

    public string PathOf(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Helpers to look at what <see cref="TableFile.Read"/> returned.</summary>
internal static class Batches
{
    /// <summary>Reads a whole file and concatenates each column's values.</summary>
    public static Dictionary<string, ColumnValues> ReadAll(string path, TableSchema schema, TableReadOptions? options = null)
    {
        var numbers = new Dictionary<string, List<double>>();
        var labels = new Dictionary<string, List<string?>>();
        var invalid = new Dictionary<string, int>();
        foreach (RowBatch batch in TableFile.Read(path, schema, options))
        {
            foreach (ColumnValues column in batch.Columns)
            {
                invalid[column.Name] = invalid.GetValueOrDefault(column.Name) + column.InvalidCount;
                switch (column)
                {
                    case NumericValues n:
                        Get(numbers, column.Name).AddRange(n.Values.ToArray());
                        break;
                    case CategoryValues c:
                        Get(labels, column.Name).AddRange(c.Values.ToArray());
                        break;
                }
            }
        }
        var result = new Dictionary<string, ColumnValues>();
        foreach ((string name, List<double> values) in numbers)
            result[name] = new NumericValues(name, values.ToArray(), invalid[name]);
        foreach ((string name, List<string?> values) in labels)
            result[name] = new CategoryValues(name, values.ToArray(), invalid[name]);
        return result;
    }

    public static double[] Numbers(this Dictionary<string, ColumnValues> columns, string name) =>
        ((NumericValues)columns[name]).Values.ToArray();

    public static string?[] Labels(this Dictionary<string, ColumnValues> columns, string name) =>
        ((CategoryValues)columns[name]).Values.ToArray();

    public static ColumnKind Kind(this TableSchema schema, string name) => schema.Columns[schema.IndexOf(name)].Kind;

    private static List<T> Get<T>(Dictionary<string, List<T>> map, string name)
    {
        if (!map.TryGetValue(name, out List<T>? list))
            map[name] = list = [];
        return list;
    }
}

/// <summary>Assertions on labels (collection expressions would pick xunit's span overloads).</summary>
internal static class Check
{
    public static void Labels(string?[] expected, string?[] actual) =>
        Assert.Equal(expected.AsEnumerable(), actual.AsEnumerable());
}
