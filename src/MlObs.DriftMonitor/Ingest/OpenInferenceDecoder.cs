using System.Text.Json;
using MlObs.Drift.Data;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// KServe V2 / Open Inference Protocol payloads: <c>{"inputs": [tensor, …]}</c> requests and <c>{"outputs": [tensor, …]}</c>
/// responses, each tensor <c>{"name", "shape", "datatype", "data", "parameters"?}</c> of one or two dimensions.
/// </summary>
internal static class OpenInferenceDecoder
{
    private static readonly HashSet<string> Datatypes = new(StringComparer.Ordinal)
    {
        "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES",
    };

    /// <summary>One tensor of the payload; the data is kept as the position of its JSON text.</summary>
    private sealed record Tensor(int Index, string Name, long[] Shape, int Rows, int Columns, int DataStart, int DataEnd)
    {
        public string What => $"tensor '{Name}'";
    }

    /// <summary>
    /// Whether a JSON array is a list of V2 tensors rather than KServe v1 rows: its first element is an object with a
    /// <c>shape</c> (array) or <c>datatype</c> (string) member, and a <c>data</c> or <c>name</c> (string) member. A tensor
    /// that lacks a required member is then refused by name instead of being read as a row.
    /// </summary>
    public static bool IsTensorList(ReadOnlySpan<byte> array)
    {
        var reader = new Utf8JsonReader(array);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return false;
        bool data = false, name = false, shape = false, datatype = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isData = reader.ValueTextEquals("data"u8);
            bool isName = reader.ValueTextEquals("name"u8);
            bool isShape = reader.ValueTextEquals("shape"u8);
            bool isDatatype = reader.ValueTextEquals("datatype"u8);
            reader.Read();
            data |= isData;
            name |= isName && reader.TokenType == JsonTokenType.String;
            shape |= isShape && reader.TokenType == JsonTokenType.StartArray;
            datatype |= isDatatype && reader.TokenType == JsonTokenType.String;
            reader.Skip();
        }
        return (data || name) && (shape || datatype);
    }

    /// <summary>Decodes the tensors of an <c>inputs</c> (request) or <c>outputs</c> (response) array into one batch.</summary>
    public static RowBatch Decode(ReadOnlySpan<byte> array, FeatureSchema schema, bool outputs)
    {
        string member = outputs ? "outputs" : "inputs";
        List<Tensor> tensors = ReadTensors(array, member);
        for (int i = 1; i < tensors.Count; i++)
        {
            if (tensors[i].Rows != tensors[0].Rows)
            {
                throw Refusals.WrongShape(
                    $"{Capitalized(tensors[i].What)} has {tensors[i].Rows} rows (shape {TensorData.ShapeText(tensors[i].Shape)}) but "
                    + $"{tensors[0].What} has {tensors[0].Rows} (shape {TensorData.ShapeText(tensors[0].Shape)}): every tensor "
                    + "must have the same number of rows.");
            }
        }
        List<string?>[] names = outputs ? OutputColumns(tensors, schema) : InputColumns(tensors, schema);
        var origin = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int t = 0; t < tensors.Count; t++)
        {
            foreach (string? name in names[t])
            {
                if (name is not null && !origin.TryAdd(name, tensors[t]))
                    throw Refusals.Malformed($"Column '{name}' comes from both {origin[name].What} and {tensors[t].What}.");
            }
        }
        var builder = new BatchBuilder(schema, r => $"row {r}");
        for (int t = 0; t < tensors.Count; t++)
        {
            Tensor tensor = tensors[t];
            var slots = new ColumnSlot?[names[t].Count];
            for (int j = 0; j < slots.Length; j++)
                slots[j] = names[t][j] is { } name ? builder.Column(name) : null;
            builder.RowLabel = r => $"row {r} of {tensor.What}";
            TensorData.Fill(builder, slots, array[tensor.DataStart..tensor.DataEnd], tensor.Shape, tensor.What);
        }
        return builder.Build(tensors.Count == 0 ? 0 : tensors[0].Rows);
    }

    /// <summary>
    /// Input columns: a tensor of one column is named after itself; a tensor of k > 1 columns takes the positional input
    /// names when k equals their count (the first such tensor only), else <c>{tensor}_{j}</c> when there are several
    /// tensors; a lone tensor of another width is refused.
    /// </summary>
    private static List<string?>[] InputColumns(List<Tensor> tensors, FeatureSchema schema)
    {
        var names = new List<string?>[tensors.Count];
        bool inputNamesUsed = false;
        foreach (Tensor tensor in tensors)
        {
            if (tensor.Columns == 1)
            {
                names[tensor.Index] = [tensor.Name];
            }
            else if (tensor.Columns == schema.InputNames.Count && !inputNamesUsed)
            {
                names[tensor.Index] = [.. schema.InputNames];
                inputNamesUsed = true;
            }
            else if (tensors.Count == 1)
            {
                throw Refusals.WrongShape(
                    $"{Capitalized(tensor.What)} has {tensor.Columns} columns (shape {TensorData.ShapeText(tensor.Shape)}) but the "
                    + $"model has {schema.InputNames.Count} inputs ({Refusals.NameList(schema.InputNames)}).");
            }
            else
            {
                names[tensor.Index] = Suffixed(tensor);
            }
        }
        return names;
    }

    /// <summary>
    /// Output columns: a tensor of one column is named after itself when the reference has that column, else
    /// <see cref="FeatureSchema.OutputName"/>(its index); a tensor of k > 1 columns takes the positional output names when k
    /// equals their count, else <c>{tensor}_{j}</c>.
    /// </summary>
    private static List<string?>[] OutputColumns(List<Tensor> tensors, FeatureSchema schema)
    {
        var names = new List<string?>[tensors.Count];
        foreach (Tensor tensor in tensors)
        {
            if (tensor.Columns == 1)
                names[tensor.Index] = [schema.KindOf(tensor.Name) is not null ? tensor.Name : schema.OutputName(tensor.Index)];
            else if (tensor.Columns == schema.OutputNames.Count)
                names[tensor.Index] = [.. schema.OutputNames];
            else
                names[tensor.Index] = Suffixed(tensor);
        }
        return names;
    }

    /// <summary>
    /// The names <c>{tensor}_{j}</c>; null (dropped) past the cap of new columns, which a batch would drop anyway.
    /// </summary>
    private static List<string?> Suffixed(Tensor tensor)
    {
        var names = new List<string?>(tensor.Columns);
        int named = Math.Min(tensor.Columns, BatchBuilder.MaxNewColumns + 1);
        for (int j = 0; j < named; j++)
            names.Add(FormattableString.Invariant($"{tensor.Name}_{j}"));
        for (int j = named; j < tensor.Columns; j++)
            names.Add(null);
        return names;
    }

    private static List<Tensor> ReadTensors(ReadOnlySpan<byte> array, string member)
    {
        var reader = new Utf8JsonReader(array);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Refusals.Malformed($"'{member}' must be an array of tensors, got {JsonFields.Describe(reader.TokenType)}.");
        var tensors = new List<Tensor>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int index = tensors.Count;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Refusals.Malformed(
                    $"Tensor {index} of '{member}' is {JsonFields.Describe(reader.TokenType)}, expected an object with name, shape, "
                    + "datatype and data.");
            }
            int start = (int)reader.TokenStartIndex;
            reader.Skip();
            tensors.Add(ReadTensor(array, start, (int)reader.BytesConsumed, index, member));
        }
        return tensors;
    }

    private static Tensor ReadTensor(ReadOnlySpan<byte> array, int start, int end, int index, string member)
    {
        ReadOnlySpan<byte> json = array[start..end];
        List<JsonField> fields = JsonFields.Of(json, $"tensor {index} of '{member}'");
        string where = $"tensor {index} of '{member}'";
        JsonField nameField = JsonFields.Find(fields, "name") ?? throw Refusals.Malformed($"{Capitalized(where)} has no 'name'.");
        if (nameField.Token != JsonTokenType.String)
            throw Refusals.Malformed($"The name of {where} must be a string.");
        var nameReader = new Utf8JsonReader(nameField.Value(json));
        nameReader.Read();
        string name = nameReader.GetString()!;
        if (name.Length == 0)
            throw Refusals.Malformed($"The name of {where} is empty.");
        string what = $"tensor '{name}'";
        JsonField shapeField = JsonFields.Find(fields, "shape") ?? throw Refusals.Malformed($"{Capitalized(what)} has no 'shape'.");
        JsonField datatypeField = JsonFields.Find(fields, "datatype")
            ?? throw Refusals.Malformed($"{Capitalized(what)} has no 'datatype'.");
        JsonField dataField = JsonFields.Find(fields, "data") ?? throw Refusals.Malformed($"{Capitalized(what)} has no 'data'.");
        var datatypeReader = new Utf8JsonReader(datatypeField.Value(json));
        datatypeReader.Read();
        string? datatype = datatypeReader.TokenType == JsonTokenType.String ? datatypeReader.GetString() : null;
        if (datatype is null || !Datatypes.Contains(datatype))
        {
            throw Refusals.Malformed(
                $"{Capitalized(what)} has datatype {Refusals.Excerpt(datatypeField.Value(json))}; expected one of BOOL, "
                + "UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES.");
        }
        long[] shape = TensorData.ReadShape(shapeField.Value(json), what);
        (int rows, int columns) = TensorData.Tabular(shape, Capitalized(what));
        TensorData.CheckFits(shape, dataField.End - dataField.Start, what);
        return new Tensor(index, name, shape, rows, columns, start + dataField.Start, start + dataField.End);
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
