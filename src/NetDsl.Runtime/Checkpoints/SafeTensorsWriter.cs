using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace NetDsl.Runtime.Checkpoints;

/// <summary>
/// Writes F32 tensors the way the reference implementation does (and so PyTorch's <c>save_file</c>): sorted by name
/// in UTF-8 byte order, compact JSON with serde_json's escaping, "__metadata__" first, padded with spaces to a
/// multiple of 8. The output is byte-identical to theirs for the same tensors and (single-key) metadata.
/// </summary>
internal static class SafeTensorsWriter
{
    private const int ChunkBytes = 1 << 16;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void Write(string path, IEnumerable<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        // Everything is checked and the header built before the target is touched.
        var ordered = Validate(tensors);
        byte[] header = BuildHeader(ordered, metadata);
        AtomicFile.Write(path, stream => WriteContents(stream, header, ordered));
    }

    private static List<TensorEntry> Validate(IEnumerable<TensorEntry> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var valid = new List<TensorEntry>();
        foreach (var tensor in tensors)
        {
            string at = $"tensors[{valid.Count}]";
            if (tensor is null)
                throw new ArgumentException($"{at} is null.", nameof(tensors));
            if (string.IsNullOrEmpty(tensor.Name))
                throw new ArgumentException($"{at} has no name.", nameof(tensors));
            if (tensor.Name == "__metadata__")
                throw new ArgumentException($"{at}: the name '__metadata__' is reserved for the file's metadata.", nameof(tensors));
            RequireWellFormed(tensor.Name, $"{at}: the name", nameof(tensors));
            if (!names.Add(tensor.Name))
                throw new ArgumentException($"Tensor '{tensor.Name}' appears twice.", nameof(tensors));
            if (tensor.Shape is null || tensor.Data is null)
                throw new ArgumentException($"Tensor '{tensor.Name}' has no {(tensor.Shape is null ? "shape" : "data")}.", nameof(tensors));
            string shape = $"[{string.Join(", ", tensor.Shape)}]";
            if (tensor.Shape.Any(size => size < 0))
                throw new ArgumentException($"Tensor '{tensor.Name}': shape {shape} has a negative size.", nameof(tensors));
            var elements = tensor.Shape.Aggregate(BigInteger.One, (product, size) => product * size);
            if (elements != tensor.Data.Length)
                throw new ArgumentException($"Tensor '{tensor.Name}': shape {shape} holds {elements:N0} values, but Data has {tensor.Data.Length:N0}.", nameof(tensors));
            valid.Add(tensor);
        }
        valid.Sort((a, b) => CompareUtf8(a.Name, b.Name));
        return valid;
    }

    private static byte[] BuildHeader(IReadOnlyList<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder("{");
        if (metadata is not null)
        {
            json.Append("\"__metadata__\":{");
            // The reference takes a hash map's order; sorting keeps our output deterministic.
            foreach (var key in metadata.Keys.Order(Comparer<string>.Create(CompareUtf8)))
            {
                string value = metadata[key] ?? throw new ArgumentException($"Metadata '{key}' has a null value.", nameof(metadata));
                RequireWellFormed(key, "A metadata key", nameof(metadata));
                RequireWellFormed(value, $"Metadata '{key}'", nameof(metadata));
                if (json[^1] != '{') json.Append(',');
                AppendString(json, key);
                json.Append(':');
                AppendString(json, value);
            }
            json.Append('}');
        }
        long offset = 0;
        foreach (var tensor in tensors)
        {
            if (json.Length > 1) json.Append(',');
            AppendString(json, tensor.Name);
            long end = offset + sizeof(float) * (long)tensor.Data.Length;
            string shape = string.Join(',', tensor.Shape.Select(size => size.ToString(CultureInfo.InvariantCulture)));
            json.Append(CultureInfo.InvariantCulture, $":{{\"dtype\":\"F32\",\"shape\":[{shape}],\"data_offsets\":[{offset},{end}]}}");
            offset = end;
        }
        json.Append('}');

        byte[] bytes = StrictUtf8.GetBytes(json.ToString());
        int padding = (8 - bytes.Length % 8) % 8;
        return [.. bytes, .. Enumerable.Repeat((byte)' ', padding)];
    }

    /// <summary>serde_json's escaping: quote, backslash and control characters only; everything else as raw UTF-8.</summary>
    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: json.Append(c); break;
            }
        }
        json.Append('"');
    }

    private static void WriteContents(Stream stream, byte[] header, IReadOnlyList<TensorEntry> tensors)
    {
        var chunk = new byte[ChunkBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(chunk, (ulong)header.Length);
        stream.Write(chunk, 0, sizeof(ulong));
        stream.Write(header);
        const int PerChunk = ChunkBytes / sizeof(float);
        foreach (var tensor in tensors)
        {
            for (int done = 0; done < tensor.Data.Length; done += PerChunk)
            {
                int count = Math.Min(PerChunk, tensor.Data.Length - done);
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(sizeof(float) * i), tensor.Data[done + i]);
                stream.Write(chunk, 0, sizeof(float) * count);
            }
        }
    }

    /// <summary>Rust orders strings by their UTF-8 bytes, which differs from UTF-16 ordinal order past U+D7FF.</summary>
    private static int CompareUtf8(string a, string b) =>
        StrictUtf8.GetBytes(a).AsSpan().SequenceCompareTo(StrictUtf8.GetBytes(b));

    private static void RequireWellFormed(string text, string what, string parameter)
    {
        try
        {
            StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"{what} contains an unpaired surrogate and cannot be written as UTF-8.", parameter, e);
        }
    }
}
