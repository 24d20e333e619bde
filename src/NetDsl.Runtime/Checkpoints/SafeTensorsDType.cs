using System.Buffers.Binary;

namespace NetDsl.Runtime.Checkpoints;

/// <summary>
/// The element types this reader converts to float; the names are those the format uses. Integer types are read
/// because PyTorch checkpoints carry counters such as BatchNorm's num_batches_tracked (I64).
/// </summary>
public enum SafeTensorsDType
{
    F16,
    BF16,
    F32,
    F64,
    I32,
    I64,
}

internal static class SafeTensorsDTypes
{
    public const string Supported = "F32, F64, F16, BF16, I32 or I64";

    public static int Size(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.F32 or SafeTensorsDType.I32 => 4,
        SafeTensorsDType.F64 or SafeTensorsDType.I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Exact, case-sensitive names only (unlike Enum.TryParse, which also takes numbers and other cases).</summary>
    public static bool TryParse(string name, out SafeTensorsDType dtype)
    {
        foreach (var candidate in Enum.GetValues<SafeTensorsDType>())
        {
            if (candidate.ToString() == name)
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>Converts little-endian elements of <paramref name="dtype"/> to float.</summary>
    public static void Decode(this SafeTensorsDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        int size = dtype.Size();
        for (int i = 0; i < destination.Length; i++)
        {
            var element = source.Slice(i * size, size);
            destination[i] = dtype switch
            {
                SafeTensorsDType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(element),
                // bfloat16 is the top half of a float32.
                SafeTensorsDType.BF16 => BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(element) << 16),
                SafeTensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(element),
                SafeTensorsDType.F64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(element),
                SafeTensorsDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(element),
                SafeTensorsDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(element),
                _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
            };
        }
    }
}
