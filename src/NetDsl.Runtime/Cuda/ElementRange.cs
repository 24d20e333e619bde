namespace NetDsl.Runtime.Cuda;

/// <summary>Bounds checks for copies between host and device buffers, before any driver call.</summary>
internal static class ElementRange
{
    /// <summary>The byte offset of elements [index, index + count) of a buffer of <paramref name="length"/> elements.</summary>
    public static long Offset(long index, long count, long length, int elementSize, string elementName)
    {
        if (index < 0 || count < 0 || index > length - count)
            throw new ArgumentOutOfRangeException(
                nameof(index), $"{count} elements from index {index} do not fit a buffer of {length} {elementName} elements.");
        return index * elementSize;
    }
}
