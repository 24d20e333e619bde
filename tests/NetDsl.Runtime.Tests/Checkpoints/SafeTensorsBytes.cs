using System.Buffers.Binary;
using System.Text;

namespace NetDsl.Runtime.Tests.Checkpoints;

/// <summary>Builds safetensors files byte by byte, independently of the code under test.</summary>
internal static class SafeTensorsBytes
{
    /// <summary>The 8-byte little-endian header length, the header (space-padded to a multiple of 8, as the reference pads it), the buffer.</summary>
    public static byte[] File(string headerJson, byte[] buffer, bool pad = true)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        if (pad) header = [.. header, .. Enumerable.Repeat((byte)' ', (8 - header.Length % 8) % 8)];
        return [.. UInt64(header.Length), .. header, .. buffer];
    }

    public static byte[] UInt64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)value);
        return bytes;
    }

    public static byte[] F32(params float[] values) => Encode(values, 4, (b, v) => BinaryPrimitives.WriteSingleLittleEndian(b, v));
    public static byte[] F64(params double[] values) => Encode(values, 8, (b, v) => BinaryPrimitives.WriteDoubleLittleEndian(b, v));

    /// <summary>Raw 16-bit patterns, for F16 and BF16.</summary>
    public static byte[] Bits16(params ushort[] values) => Encode(values, 2, (b, v) => BinaryPrimitives.WriteUInt16LittleEndian(b, v));

    private static byte[] Encode<T>(T[] values, int size, Action<Span<byte>, T> write)
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++) write(bytes.AsSpan(i * size), values[i]);
        return bytes;
    }

    public static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
