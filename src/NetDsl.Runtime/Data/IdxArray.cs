using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Data;

/// <summary>The contents of one IDX file: element type, dimensions and the payload exactly as stored.</summary>
public sealed class IdxArray
{
    private readonly byte[] _payload;

    internal IdxArray(IdxElementType elementType, ImmutableArray<int> dimensions, byte[] payload)
    {
        ElementType = elementType;
        Dimensions = dimensions;
        _payload = payload;
    }

    public IdxElementType ElementType { get; }
    public ImmutableArray<int> Dimensions { get; }
    public int Rank => Dimensions.Length;
    public int ElementCount => _payload.Length / ElementType.Size();

    /// <summary>The elements as stored: row-major, multi-byte types big-endian.</summary>
    public ReadOnlyMemory<byte> Payload => _payload;

    /// <summary>The ubyte elements themselves, without copying.</summary>
    public ReadOnlyMemory<byte> AsUInt8()
    {
        RequireType(IdxElementType.UInt8);
        return _payload;
    }

    public sbyte[] ToInt8() => Decode<sbyte>(IdxElementType.Int8);
    public short[] ToInt16() => Decode<short>(IdxElementType.Int16);
    public int[] ToInt32() => Decode<int>(IdxElementType.Int32);
    public float[] ToFloat32() => Decode<float>(IdxElementType.Float32);
    public double[] ToFloat64() => Decode<double>(IdxElementType.Float64);

    /// <summary>"60,000 × 28 × 28 ubyte".</summary>
    public override string ToString() => Describe(Dimensions.AsSpan(), ElementType);

    internal static string Describe(ReadOnlySpan<int> dimensions, IdxElementType type)
    {
        var sizes = new string[dimensions.Length];
        for (int i = 0; i < sizes.Length; i++)
            sizes[i] = $"{dimensions[i]:N0}";
        return $"{string.Join(" × ", sizes)} {type.DisplayName()}";
    }

    private T[] Decode<T>(IdxElementType expected) where T : unmanaged
    {
        RequireType(expected);
        var result = new T[ElementCount];
        var bytes = MemoryMarshal.AsBytes(result.AsSpan());
        _payload.CopyTo(bytes);
        int size = expected.Size();
        if (BitConverter.IsLittleEndian && size > 1)
            for (int offset = 0; offset < bytes.Length; offset += size)
                bytes.Slice(offset, size).Reverse();
        return result;
    }

    private void RequireType(IdxElementType expected)
    {
        if (ElementType != expected)
            throw new InvalidOperationException(
                $"The IDX array holds {ElementType.DisplayName()} elements, not {expected.DisplayName()}.");
    }
}
