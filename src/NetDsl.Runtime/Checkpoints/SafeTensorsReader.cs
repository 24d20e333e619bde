using System.Buffers.Binary;

namespace NetDsl.Runtime.Checkpoints;

internal static class SafeTensorsReader
{
    /// <summary>Tensor bytes are converted through a buffer this size, so no tensor needs a second, byte-sized copy.</summary>
    private const int ChunkBytes = 1 << 16;

    public static SafeTensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Safetensors file not found: {path}", path);

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: ChunkBytes);
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw new SafeTensorsFormatException(path, null, $"expected at least the 8-byte header length, found a {fileLength}-byte file");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > SafeTensors.MaxHeaderLength)
            throw new SafeTensorsFormatException(path, null, $"expected a header of at most {SafeTensors.MaxHeaderLength:N0} bytes, found a header length of {headerLength:N0}; this is not a safetensors file, or it is corrupt");
        if (headerLength > (ulong)(fileLength - 8))
            throw new SafeTensorsFormatException(path, null, $"expected a {headerLength:N0}-byte header after the 8-byte length, found only {fileLength - 8:N0} bytes; the file is truncated");

        var json = new byte[headerLength];
        stream.ReadExactly(json);
        var header = SafeTensorsHeader.Parse(json, (ulong)fileLength - 8 - headerLength, path);

        // The header check guarantees the tensors tile the buffer in this order, so the stream is always at the next one.
        var scratch = new byte[ChunkBytes];
        var tensors = header.Tensors.Select(layout => new SafeTensor(layout.Name, layout.DType, layout.Shape, ReadData(stream, layout, scratch))).ToList();
        return new SafeTensorsFile(path, header.Metadata, tensors);
    }

    private static float[] ReadData(Stream stream, TensorLayout layout, byte[] scratch)
    {
        var data = new float[layout.ElementCount];
        int size = layout.DType.Size();
        int perChunk = scratch.Length / size;
        for (int done = 0; done < data.Length; done += perChunk)
        {
            int count = Math.Min(perChunk, data.Length - done);
            var bytes = scratch.AsSpan(0, count * size);
            stream.ReadExactly(bytes);
            layout.DType.Decode(bytes, data.AsSpan(done, count));
        }
        return data;
    }
}
