using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Numerics;

namespace NetDsl.Runtime.Data;

/// <summary>The magic number and dimension sizes at the start of an IDX file.</summary>
internal readonly record struct IdxHeader(IdxElementType ElementType, ImmutableArray<int> Dimensions)
{
    public int ByteLength => 4 + 4 * Dimensions.Length;

    /// <summary>Exact, so that an absurd header (up to 255 sizes of 2³¹) is reported as it is rather than overflowing.</summary>
    public BigInteger PayloadLength
    {
        get
        {
            BigInteger length = ElementType.Size();
            foreach (int size in Dimensions) length *= size;
            return length;
        }
    }

    public override string ToString() => IdxArray.Describe(Dimensions.AsSpan(), ElementType);

    public static IdxHeader Read(Stream content, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        int found = content.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (found < magic.Length)
            throw new IdxFormatException(path, $"expected a 4-byte IDX magic number, found {(found == 0 ? "an empty file" : $"only {found} byte(s)")}");
        if (magic[0] != 0 || magic[1] != 0)
            throw new IdxFormatException(path, $"expected an IDX magic number starting with two zero bytes, found {magic[0]:X2} {magic[1]:X2}; this is not an IDX file");
        if (!Enum.IsDefined((IdxElementType)magic[2]))
            throw new IdxFormatException(path, $"expected an element type code of {KnownTypeCodes()}, found 0x{magic[2]:X2}");
        int rank = magic[3];
        if (rank == 0)
            throw new IdxFormatException(path, "expected 1 to 255 dimensions, found 0");

        var sizes = new byte[4 * rank];
        found = content.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false);
        if (found < sizes.Length)
            throw new IdxFormatException(path, $"expected {rank} dimension sizes ({sizes.Length} bytes) after the magic number, found {found} bytes; the header is truncated");
        var dimensions = ImmutableArray.CreateBuilder<int>(rank);
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(sizes.AsSpan(4 * i));
            if (size > int.MaxValue)
                throw new IdxFormatException(path, $"expected the size of dimension {i} to be at most {int.MaxValue:N0}, found {size:N0}");
            dimensions.Add((int)size);
        }
        return new IdxHeader((IdxElementType)magic[2], dimensions.MoveToImmutable());
    }

    private static string KnownTypeCodes()
    {
        var codes = Enum.GetValues<IdxElementType>().Select(t => $"0x{(byte)t:X2} ({t.DisplayName()})").ToArray();
        return $"{string.Join(", ", codes[..^1])} or {codes[^1]}";
    }
}
