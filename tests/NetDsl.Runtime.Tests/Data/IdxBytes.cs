using System.Buffers.Binary;
using System.IO.Compression;

namespace NetDsl.Runtime.Tests.Data;

/// <summary>Builds IDX file contents byte by byte, independently of the reader under test.</summary>
internal static class IdxBytes
{
    public const byte UByteCode = 0x08, SByteCode = 0x09, Int16Code = 0x0B, Int32Code = 0x0C, Float32Code = 0x0D, Float64Code = 0x0E;

    public static byte[] Build(byte typeCode, int[] dimensions, byte[] payload)
    {
        var header = new byte[4 + 4 * dimensions.Length];
        header[2] = typeCode;
        header[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dimensions[i]);
        return [.. header, .. payload];
    }

    /// <summary>An N × H × W ubyte image file whose pixel i is (i × 7) mod 256, so every image differs.</summary>
    public static byte[] Images(int count, int height, int width) =>
        Build(UByteCode, [count, height, width], Pixels(count * height * width));

    public static byte[] Pixels(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

    public static byte[] Labels(params byte[] labels) => Build(UByteCode, [labels.Length], labels);

    public static byte[] Gzip(byte[] contents)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
            gzip.Write(contents);
        return compressed.ToArray();
    }
}
