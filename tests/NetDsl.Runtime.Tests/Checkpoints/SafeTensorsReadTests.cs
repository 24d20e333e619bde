using NetDsl.Runtime.Checkpoints;
using static NetDsl.Runtime.Tests.Checkpoints.SafeTensorsBytes;

namespace NetDsl.Runtime.Tests.Checkpoints;

public sealed class SafeTensorsReadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_a_file_laid_out_as_pytorch_save_file_lays_it_out()
    {
        // The reference sorts by descending dtype (F64, F32, BF16, F16), then by name, and pads the header with spaces.
        string header = """{"__metadata__":{"format":"pt"},"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"a.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]},"a.bias":{"dtype":"BF16","shape":[1],"data_offsets":[32,34]},"h":{"dtype":"F16","shape":[],"data_offsets":[34,36]}}""";
        byte[] buffer = [.. F64(0.5, -2), .. F32(1f, 2f, 3f, 4f), .. Bits16(0x3F80), .. Bits16(0xC000)];
        string path = _dir.Write("model.safetensors", File(header, buffer));

        var file = SafeTensors.Read(path);

        Assert.Equal(path, file.Path);
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, file.Metadata);
        Assert.Equal(["d", "a.weight", "a.bias", "h"], file.Tensors.Select(t => t.Name));
        Assert.Equal([SafeTensorsDType.F64, SafeTensorsDType.F32, SafeTensorsDType.BF16, SafeTensorsDType.F16], file.Tensors.Select(t => t.DType));
        Assert.Equal<int>([2, 2], file["a.weight"].Shape);
        Assert.Empty(file["h"].Shape);
        Assert.Equal([0.5f, -2f], file["d"].Data);
        Assert.Equal([1f, 2f, 3f, 4f], file["a.weight"].Data);
        Assert.Equal([1f], file["a.bias"].Data);
        Assert.Equal([-2f], file["h"].Data);
    }

    [Fact]
    public void File_order_is_data_order_whatever_the_order_of_header_keys()
    {
        string header = """{"second":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"__metadata__":{},"first":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""";
        string path = _dir.Write("model.safetensors", File(header, F32(1f, 2f)));

        var file = SafeTensors.Read(path);

        Assert.Equal(["first", "second"], file.Tensors.Select(t => t.Name));
        Assert.Equal([2f], file["second"].Data);
    }

    [Fact]
    public void Unpadded_headers_and_unknown_tensor_fields_are_accepted_as_the_reference_accepts_them()
    {
        string header = """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"comment":"ignored"}}""";
        string path = _dir.Write("model.safetensors", File(header, F32(5f), pad: false));

        Assert.Equal([5f], SafeTensors.Read(path)["w"].Data);
    }

    [Fact]
    public void Null_metadata_means_none_as_in_the_reference()
    {
        string path = _dir.Write("model.safetensors", File("""{"__metadata__":null,"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}""", F32(1f)));

        var file = SafeTensors.Read(path);

        Assert.Empty(file.Metadata);
        Assert.Equal([1f], file["w"].Data);
    }

    [Fact]
    public void F16_values_convert_exactly()
    {
        ushort[] bits = [0x3C00, 0xC000, 0x3555, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0xFC00];
        float[] expected = [1f, -2f, 0.333251953125f, 65504f, MathF.Pow(2, -24), -0f, float.PositiveInfinity, float.NegativeInfinity];

        Assert.Equal(Bits(expected), Bits(ReadSingle("F16", Bits16(bits))));
        Assert.True(float.IsNaN(ReadSingle("F16", Bits16(0x7E00))[0]));
    }

    [Fact]
    public void BF16_values_convert_exactly()
    {
        ushort[] bits = [0x3F80, 0xC0A0, 0x4049, 0x0001, 0x7F80, 0x8000];
        float[] expected = [1f, -5f, 3.140625f, MathF.Pow(2, -133), float.PositiveInfinity, -0f];

        Assert.Equal(Bits(expected), Bits(ReadSingle("BF16", Bits16(bits))));
    }

    [Fact]
    public void F64_values_round_to_the_nearest_float()
    {
        double[] values = [0.1, -1e300, 1e-50, 16777217.0];
        float[] expected = [0.1f, float.NegativeInfinity, 0f, 16777216f];

        Assert.Equal(Bits(expected), Bits(ReadSingle("F64", F64(values))));
    }

    /// <summary>PyTorch state_dicts carry BatchNorm's num_batches_tracked as I64; such files must load.</summary>
    [Fact]
    public void Integer_counters_read_as_floats()
    {
        var i64 = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(i64, 12345);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(i64.AsSpan(8), -2);
        var i32 = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(i32, 7);

        Assert.Equal([12345f, -2f], ReadSingle("I64", i64));
        Assert.Equal([7f], ReadSingle("I32", i32));
    }

    [Fact]
    public void Large_tensors_are_read_across_conversion_chunks()
    {
        var values = Enumerable.Range(0, 100_003).Select(i => (double)i / 3).ToArray();
        float[] data = ReadSingle("F64", F64(values));

        Assert.Equal(values.Select(v => (float)v), data);
    }

    [Fact]
    public void Asking_for_a_missing_tensor_lists_the_ones_there_are()
    {
        string path = _dir.File("model.safetensors");
        SafeTensors.Write(path, [new("conv1.weight", [1], [1f]), new("conv1.bias", [1], [1f])]);
        var file = SafeTensors.Read(path);

        var e = Assert.Throws<KeyNotFoundException>(() => file["fc1.weight"]);

        Assert.Equal($"{path} has no tensor named 'fc1.weight'; it has 'conv1.bias', 'conv1.weight'.", e.Message);
        Assert.False(file.TryGetTensor("fc1.weight", out _));
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException_with_its_path()
    {
        string path = _dir.File("absent.safetensors");

        var e = Assert.Throws<FileNotFoundException>(() => SafeTensors.Read(path));

        Assert.Equal(path, e.FileName);
        Assert.Contains(path, e.Message);
    }

    private float[] ReadSingle(string dtype, byte[] data)
    {
        int size = dtype switch { "F64" or "I64" => 8, "F32" or "I32" => 4, _ => 2 };
        string header = $$$"""{"x":{"dtype":"{{{dtype}}}","shape":[{{{data.Length / size}}}],"data_offsets":[0,{{{data.Length}}}]}}""";
        var tensor = SafeTensors.Read(_dir.Write("x.safetensors", File(header, data)))["x"];
        Assert.Equal(Enum.Parse<SafeTensorsDType>(dtype), tensor.DType);
        return tensor.Data;
    }
}
