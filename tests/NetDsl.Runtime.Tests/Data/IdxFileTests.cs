using System.Buffers.Binary;
using NetDsl.Runtime.Data;
using static NetDsl.Runtime.Tests.Data.IdxBytes;

namespace NetDsl.Runtime.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false, "images-idx3-ubyte")]
    [InlineData(true, "images-idx3-ubyte")]
    [InlineData(true, "gzipped-but-no-extension")]
    [InlineData(false, "raw-but-named.gz")]
    public void Reads_raw_and_gzipped_files_recognizing_gzip_by_content_not_name(bool gzip, string name)
    {
        byte[] contents = Images(count: 3, height: 4, width: 5);
        string path = _dir.Write(name, gzip ? Gzip(contents) : contents);

        var array = IdxFile.Read(path);

        Assert.Equal(IdxElementType.UInt8, array.ElementType);
        Assert.Equal<int>([3, 4, 5], array.Dimensions);
        Assert.Equal(Pixels(60), array.AsUInt8().ToArray());
        Assert.Equal("3 × 4 × 5 ubyte", array.ToString());
    }

    [Fact]
    public void Decodes_multi_byte_types_as_big_endian()
    {
        byte[] Write<T>(T[] values, int size, Action<byte[], int, T> write)
        {
            var bytes = new byte[values.Length * size];
            for (int i = 0; i < values.Length; i++) write(bytes, i * size, values[i]);
            return bytes;
        }
        short[] shorts = [1, -2, short.MaxValue];
        int[] ints = [1, -70_000, int.MinValue];
        float[] floats = [1.5f, -0.1f, float.PositiveInfinity];
        double[] doubles = [Math.PI, -1e300];
        sbyte[] sbytes = [-128, 0, 127];

        var int16 = IdxFile.Read(_dir.Write("i16", Build(Int16Code, [3], Write(shorts, 2, (b, o, v) => BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(o), v)))));
        var int32 = IdxFile.Read(_dir.Write("i32", Build(Int32Code, [3], Write(ints, 4, (b, o, v) => BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(o), v)))));
        var float32 = IdxFile.Read(_dir.Write("f32", Build(Float32Code, [3, 1], Write(floats, 4, (b, o, v) => BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(o), v)))));
        var float64 = IdxFile.Read(_dir.Write("f64", Build(Float64Code, [2], Write(doubles, 8, (b, o, v) => BinaryPrimitives.WriteDoubleBigEndian(b.AsSpan(o), v)))));
        var int8 = IdxFile.Read(_dir.Write("i8", Build(SByteCode, [3], [0x80, 0x00, 0x7F])));

        Assert.Equal(shorts, int16.ToInt16());
        Assert.Equal(ints, int32.ToInt32());
        Assert.Equal(floats, float32.ToFloat32());
        Assert.Equal(doubles, float64.ToFloat64());
        Assert.Equal(sbytes, int8.ToInt8());
        Assert.Equal<int>([3, 1], float32.Dimensions);
    }

    [Fact]
    public void A_typed_accessor_for_another_type_is_refused()
    {
        var array = IdxFile.Read(_dir.Write("labels", Labels(1, 2)));

        var e = Assert.Throws<InvalidOperationException>(() => array.ToInt32());
        Assert.Contains("ubyte elements, not int32", e.Message);
    }

    [Theory]
    [InlineData(false, -10, "found 590; the file is truncated")]
    [InlineData(true, -10, "found 590 after decompression; the file is truncated")]
    [InlineData(false, 10, "found 610; 10 unexpected trailing bytes")]
    [InlineData(true, 10, "found 610 after decompression; 10 unexpected trailing bytes")]
    public void Payload_must_have_exactly_the_declared_length(bool gzip, int extraBytes, string found)
    {
        byte[] contents = Images(count: 6, height: 10, width: 10);
        contents = extraBytes < 0 ? contents[..^-extraBytes] : [.. contents, .. new byte[extraBytes]];
        string path = _dir.Write("train-images-idx3-ubyte" + (gzip ? ".gz" : ""), gzip ? Gzip(contents) : contents);

        var e = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: expected 600 bytes of data after the 16-byte header (6 × 10 × 10 ubyte), {found}", e.Message);
        Assert.Equal(path, e.FilePath);
    }

    [Theory]
    [InlineData(new byte[] { }, "expected a 4-byte IDX magic number, found an empty file")]
    [InlineData(new byte[] { 0, 0, 8 }, "expected a 4-byte IDX magic number, found only 3 byte(s)")]
    [InlineData(new byte[] { 0x50, 0x4B, 3, 4, 0, 0, 0, 1, 7 }, "expected an IDX magic number starting with two zero bytes, found 50 4B; this is not an IDX file")]
    [InlineData(new byte[] { 0, 1, 8, 1, 0, 0, 0, 1, 7 }, "expected an IDX magic number starting with two zero bytes, found 00 01; this is not an IDX file")]
    [InlineData(new byte[] { 0, 0, 0x0A, 1, 0, 0, 0, 1, 7 }, "expected an element type code of 0x08 (ubyte), 0x09 (sbyte), 0x0B (int16), 0x0C (int32), 0x0D (float32) or 0x0E (float64), found 0x0A")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "expected 1 to 255 dimensions, found 0")]
    [InlineData(new byte[] { 0, 0, 8, 3, 0, 0, 0, 1, 0, 0 }, "expected 3 dimension sizes (12 bytes) after the magic number, found 6 bytes; the header is truncated")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0, 1, 0x80, 0, 0, 0 }, "expected the size of dimension 1 to be at most 2,147,483,647, found 2,147,483,648")]
    public void Malformed_headers_are_rejected_with_what_was_expected_and_found(byte[] contents, string problem)
    {
        string path = _dir.Write("bad-idx", contents);

        var e = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: {problem}", e.Message);
    }

    [Fact]
    public void An_absurd_raw_header_is_reported_as_a_truncated_file_without_allocating_it()
    {
        int max = int.MaxValue;
        string path = _dir.Write("huge", Build(Float64Code, [max, max, max], new byte[5]));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.Contains("expected 79,228,162,403,583,873,202,826,248,184 bytes of data after the 16-byte header (2,147,483,647 × 2,147,483,647 × 2,147,483,647 float64), found 5; the file is truncated", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void A_gzipped_header_beyond_the_array_limit_is_rejected_up_front()
    {
        string path = _dir.Write("huge.gz", Gzip(Build(Int32Code, [1 << 20, 1 << 20], new byte[5])));

        var e = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: the header declares 4,398,046,511,104 bytes of data (1,048,576 × 1,048,576 int32), more than the {Array.MaxLength:N0} bytes one array can hold", e.Message);
    }

    [Fact]
    public void A_gzipped_header_that_lies_about_its_size_does_not_make_the_reader_allocate_that_size()
    {
        string path = _dir.Write("lying.gz", Gzip(Build(UByteCode, [2_000_000_000], new byte[5])));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.Contains("expected 2,000,000,000 bytes of data after the 8-byte header (2,000,000,000 ubyte), found 5 after decompression; the file is truncated", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100 << 20);
    }

    [Fact]
    public void Corrupt_gzip_is_reported_as_a_format_error_naming_the_file()
    {
        byte[] gzip = Gzip(Images(count: 2, height: 8, width: 8));
        for (int i = 10; i < gzip.Length - 8; i++) gzip[i] ^= 0x5A;
        string path = _dir.Write("train-images-idx3-ubyte.gz", gzip);

        var e = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.StartsWith($"{path}: the gzip data is corrupt: it failed to decompress or its checksum does not match (", e.Message);
        Assert.IsType<InvalidDataException>(e.InnerException);
    }

    [Fact]
    public void A_gzip_file_cut_short_is_reported_as_truncated()
    {
        byte[] gzip = Gzip(Images(count: 20, height: 28, width: 28));
        string path = _dir.Write("cut.gz", gzip[..(gzip.Length / 2)]);

        var e = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.StartsWith($"{path}: expected 15,680 bytes of data after the 16-byte header (20 × 28 × 28 ubyte), found ", e.Message);
        Assert.EndsWith(" after decompression; the file is truncated", e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException_with_its_path()
    {
        string path = _dir.File("no-such-dir/t10k-labels-idx1-ubyte");

        var e = Assert.Throws<FileNotFoundException>(() => IdxFile.Read(path));

        Assert.Equal(path, e.FileName);
        Assert.Contains(path, e.Message);
    }
}
