using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Numerics;
using System.Text.Json;
using System.Text.Unicode;

namespace NetDsl.Runtime.Checkpoints;

/// <summary>Where one tensor's bytes lie in the data buffer, as the header declares it.</summary>
internal sealed record TensorLayout(string Name, SafeTensorsDType DType, ImmutableArray<int> Shape, ulong Begin, ulong End)
{
    public int ElementCount => (int)((End - Begin) / (ulong)DType.Size());
}

/// <summary>Parses the JSON header and checks that its tensors exactly tile the data buffer.</summary>
internal sealed class SafeTensorsHeader
{
    private const string MetadataKey = "__metadata__";

    private SafeTensorsHeader(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<TensorLayout> tensors)
    {
        Metadata = metadata;
        Tensors = tensors;
    }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>In data-buffer order.</summary>
    public IReadOnlyList<TensorLayout> Tensors { get; }

    public static SafeTensorsHeader Parse(byte[] json, ulong bufferLength, string path)
    {
        if (!Utf8.IsValid(json))
            throw new SafeTensorsFormatException(path, null, "the header is not valid UTF-8");
        using var document = ParseJson(json, path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(path, null, $"expected the header to be a JSON object, found {Describe(root)}");

        IReadOnlyDictionary<string, string> metadata = ReadOnlyDictionary<string, string>.Empty;
        var tensors = new List<TensorLayout>();
        foreach (var entry in UniqueProperties(root, name => new SafeTensorsFormatException(path, null, $"the header names '{name}' twice")))
        {
            if (entry.Name == MetadataKey)
                metadata = ParseMetadata(entry.Value, path);
            else
                tensors.Add(ParseTensor(entry.Name, entry.Value, bufferLength, path));
        }
        var ordered = tensors.OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
        CheckTiling(ordered, bufferLength, path);
        return new SafeTensorsHeader(metadata, ordered);
    }

    private static JsonDocument ParseJson(byte[] json, string path)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(path, null, $"the header is not valid JSON ({e.Message})", e);
        }
    }

    private static ReadOnlyDictionary<string, string> ParseMetadata(JsonElement value, string path)
    {
        const string Expected = $"expected \"{MetadataKey}\" to be an object mapping strings to strings";
        // The reference reads it as an optional map, so null means none.
        if (value.ValueKind == JsonValueKind.Null)
            return ReadOnlyDictionary<string, string>.Empty;
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(path, null, $"{Expected}, found {Describe(value)}");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in UniqueProperties(value, key => new SafeTensorsFormatException(path, null, $"\"{MetadataKey}\" names '{key}' twice")))
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException(path, null, $"{Expected}, found {Describe(entry.Value)} for '{entry.Name}'");
            metadata.Add(entry.Name, entry.Value.GetString()!);
        }
        return metadata.AsReadOnly();
    }

    private static TensorLayout ParseTensor(string name, JsonElement value, ulong bufferLength, string path)
    {
        SafeTensorsFormatException Error(string problem) => new(path, name, problem);

        if (value.ValueKind != JsonValueKind.Object)
            throw Error($"expected an object with \"dtype\", \"shape\" and \"data_offsets\", found {Describe(value)}");
        // Unknown keys are ignored, as the reference implementation does.
        var fields = UniqueProperties(value, key => Error($"names \"{key}\" twice")).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        JsonElement Field(string key) => fields.TryGetValue(key, out var field) ? field : throw Error($"\"{key}\" is missing");

        var dtypeField = Field("dtype");
        if (dtypeField.ValueKind != JsonValueKind.String)
            throw Error($"expected \"dtype\" to be a string, found {Describe(dtypeField)}");
        string dtypeName = dtypeField.GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeName, out var dtype))
            throw Error($"expected dtype {SafeTensorsDTypes.Supported}, found {dtypeName}, which this reader does not convert to float");

        var shape = ParseShape(Field("shape"), Error);
        var (begin, end) = ParseOffsets(Field("data_offsets"), Error);
        string offsets = $"data_offsets [{begin}, {end}]";
        if (end < begin)
            throw Error($"{offsets} end before they begin");
        if (end > bufferLength)
            throw Error($"{offsets} extend past the end of the {bufferLength:N0}-byte data buffer");

        BigInteger elements = 1;
        foreach (int size in shape) elements *= size;
        BigInteger needed = elements * dtype.Size();
        if (end - begin != needed)
            throw Error($"expected {offsets} to span {needed:N0} bytes ({elements:N0} {dtype} elements of shape [{string.Join(", ", shape)}]), found {end - begin:N0}");
        if (elements > Array.MaxLength)
            throw Error($"{elements:N0} elements are more than one array can hold");
        return new TensorLayout(name, dtype, shape, begin, end);
    }

    private static ImmutableArray<int> ParseShape(JsonElement value, Func<string, SafeTensorsFormatException> error)
    {
        const string Expected = "expected \"shape\" to be an array of sizes from 0 to 2,147,483,647";
        if (value.ValueKind != JsonValueKind.Array)
            throw error($"{Expected}, found {Describe(value)}");
        var shape = ImmutableArray.CreateBuilder<int>(value.GetArrayLength());
        foreach (var size in value.EnumerateArray())
        {
            if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt32(out int n) || n < 0)
                throw error($"{Expected}, found {Describe(size)} in {value.GetRawText()}");
            shape.Add(n);
        }
        return shape.MoveToImmutable();
    }

    private static (ulong Begin, ulong End) ParseOffsets(JsonElement value, Func<string, SafeTensorsFormatException> error)
    {
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 2
            && value[0].ValueKind == JsonValueKind.Number && value[0].TryGetUInt64(out ulong begin)
            && value[1].ValueKind == JsonValueKind.Number && value[1].TryGetUInt64(out ulong end))
            return (begin, end);
        throw error($"expected \"data_offsets\" to be [begin, end], two non-negative integers, found {Describe(value)}");
    }

    /// <summary>Every byte of the buffer must belong to exactly one tensor, so nothing is hidden in or lost from a checkpoint.</summary>
    private static void CheckTiling(IReadOnlyList<TensorLayout> ordered, ulong bufferLength, string path)
    {
        ulong covered = 0;
        TensorLayout? previous = null;
        foreach (var tensor in ordered)
        {
            string offsets = $"data_offsets [{tensor.Begin}, {tensor.End}]";
            if (tensor.Begin < covered)
                throw new SafeTensorsFormatException(path, tensor.Name, $"{offsets} overlap tensor '{previous!.Name}' at [{previous.Begin}, {previous.End}]");
            if (tensor.Begin > covered)
            {
                string expected = previous is null ? "expected the first tensor to start at 0" : $"expected it to start where tensor '{previous.Name}' ends, at {covered}";
                throw new SafeTensorsFormatException(path, tensor.Name, $"{expected}, found {offsets}, which leaves {tensor.Begin - covered:N0} bytes of the data buffer unused");
            }
            covered = tensor.End;
            previous = tensor;
        }
        if (covered != bufferLength)
        {
            string last = previous is null ? "the header lists no tensors" : $"the last tensor, '{previous.Name}', ends at {covered:N0}";
            throw new SafeTensorsFormatException(path, null, $"expected the tensors to cover the {bufferLength:N0}-byte data buffer, but {last}; {bufferLength - covered:N0} bytes are unused");
        }
    }

    private static List<JsonProperty> UniqueProperties(JsonElement obj, Func<string, SafeTensorsFormatException> duplicate)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var properties = new List<JsonProperty>();
        foreach (var property in obj.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                throw duplicate(property.Name);
            properties.Add(property);
        }
        return properties;
    }

    /// <summary>"an object", "the number -1", ... short enough for a message.</summary>
    private static string Describe(JsonElement value)
    {
        const int MaxShown = 40;
        string text = value.GetRawText();
        if (text.Length > MaxShown) text = text[..MaxShown] + "…";
        return value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => $"the array {text}",
            JsonValueKind.String => $"the string {text}",
            JsonValueKind.Number => $"the number {text}",
            _ => text,
        };
    }
}
