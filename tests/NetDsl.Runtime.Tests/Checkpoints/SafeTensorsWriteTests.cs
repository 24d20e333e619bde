using NetDsl.Runtime.Checkpoints;
using static NetDsl.Runtime.Tests.Checkpoints.SafeTensorsBytes;

namespace NetDsl.Runtime.Tests.Checkpoints;

public sealed class SafeTensorsWriteTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Round_trip_keeps_names_shapes_values_and_metadata()
    {
        string path = _dir.File("model.safetensors");
        float[] weights = [1.5f, -0f, float.NaN, float.PositiveInfinity, float.Epsilon, -3.25e-20f, 7f, float.MaxValue];
        TensorEntry[] written =
        [
            new("conv1.weight", [2, 1, 2, 2], weights),
            new("conv1.bias", [2], [0.1f, -0.2f]),
            new("step", [], [42f]),
            new("empty", [0, 3], []),
        ];
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3", ["note"] = "" };

        SafeTensors.Write(path, written, metadata);
        var file = SafeTensors.Read(path);

        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(written.Length, file.Tensors.Count);
        foreach (var expected in written)
        {
            var tensor = file[expected.Name];
            Assert.Equal(SafeTensorsDType.F32, tensor.DType);
            Assert.Equal<int>(expected.Shape, tensor.Shape);
            Assert.Equal(Bits(expected.Data), Bits(tensor.Data));
        }
        Assert.Equal([$"model.safetensors"], _dir.FileNames());
    }

    [Fact]
    public void Writes_the_bytes_the_reference_implementation_writes()
    {
        string path = _dir.File("model.safetensors");

        SafeTensors.Write(path, [new("b", [2], [1f, 2f]), new("a", [], [0.5f])], new Dictionary<string, string> { ["format"] = "pt" });

        byte[] expected = File(
            """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""",
            F32(0.5f, 1f, 2f));
        Assert.Equal(expected, System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void Without_metadata_the_header_has_no_metadata_entry()
    {
        string path = _dir.File("model.safetensors");

        SafeTensors.Write(path, [new("w", [1, 2], [3f, 4f])]);

        Assert.Equal(File("""{"w":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}""", F32(3f, 4f)), System.IO.File.ReadAllBytes(path));
        Assert.Empty(SafeTensors.Read(path).Metadata);
    }

    [Fact]
    public void Names_are_escaped_as_serde_json_escapes_them_and_read_back_unchanged()
    {
        string path = _dir.File("model.safetensors");
        string name = "q\"b\\s\n\t\u0001é/<>";

        SafeTensors.Write(path, [new(name, [], [1f])]);

        Assert.Equal(File("{\"q\\\"b\\\\s\\n\\t\\u0001é/<>\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", F32(1f)), System.IO.File.ReadAllBytes(path));
        Assert.Equal(name, SafeTensors.Read(path).Tensors[0].Name);
    }

    [Fact]
    public void Tensors_are_stored_in_utf8_byte_order_of_their_names()
    {
        string path = _dir.File("model.safetensors");
        // UTF-16 ordinal order would put the emoji (a surrogate pair) before U+E000; UTF-8 byte order puts it after.
        string[] names = ["conv2", "\U0001F600", "Bias", "conv10", "\uE000"];

        SafeTensors.Write(path, names.Select(name => new TensorEntry(name, [], [0f])));

        Assert.Equal(["Bias", "conv10", "conv2", "\uE000", "\U0001F600"], SafeTensors.Read(path).Tensors.Select(t => t.Name));
    }

    [Fact]
    public void An_empty_checkpoint_is_valid()
    {
        string path = _dir.File("empty.safetensors");

        SafeTensors.Write(path, []);

        Assert.Equal(File("{}", []), System.IO.File.ReadAllBytes(path));
        Assert.Empty(SafeTensors.Read(path).Tensors);
    }

    public static TheoryData<TensorEntry?[], string> InvalidTensors => new()
    {
        { [new("conv1.weight", [8, 1, 3, 3], new float[71])], "Tensor 'conv1.weight': shape [8, 1, 3, 3] holds 72 values, but Data has 71." },
        { [new("w", [2, -1], new float[2])], "Tensor 'w': shape [2, -1] has a negative size." },
        { [new("w", [1], [1f]), new("w", [1], [2f])], "Tensor 'w' appears twice." },
        { [new("w", [1], [1f]), new("", [1], [2f])], "tensors[1] has no name." },
        { [new("__metadata__", [1], [1f])], "tensors[0]: the name '__metadata__' is reserved for the file's metadata." },
        { [null], "tensors[0] is null." },
        { [new("w", null!, [1f])], "Tensor 'w' has no shape." },
        { [new("w", [1], null!)], "Tensor 'w' has no data." },
        { [new("w\uD800", [1], [1f])], "tensors[0]: the name contains an unpaired surrogate and cannot be written as UTF-8." },
    };

    [Theory]
    [MemberData(nameof(InvalidTensors), DisableDiscoveryEnumeration = true)]
    public void Invalid_tensors_are_rejected_before_the_existing_file_is_touched(TensorEntry?[] tensors, string message)
    {
        string path = _dir.File("model.safetensors");
        SafeTensors.Write(path, [new("previous", [2], [1f, 2f])]);
        byte[] previous = System.IO.File.ReadAllBytes(path);

        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, tensors!));

        Assert.StartsWith(message, e.Message);
        Assert.Equal("tensors", e.ParamName);
        Assert.Equal(previous, System.IO.File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _dir.FileNames());
    }

    // Neither InlineData nor discovery-time enumeration: both carry strings as UTF-8, turning lone surrogates into U+FFFD.
    public static TheoryData<string, string?, string> InvalidMetadata => new()
    {
        { "k", null, "Metadata 'k' has a null value." },
        { "k", "v\uDC00", "Metadata 'k' contains an unpaired surrogate and cannot be written as UTF-8." },
        { "k\uDC00", "v", "A metadata key contains an unpaired surrogate and cannot be written as UTF-8." },
    };

    [Theory]
    [MemberData(nameof(InvalidMetadata), DisableDiscoveryEnumeration = true)]
    public void Invalid_metadata_is_rejected_before_the_existing_file_is_touched(string key, string? value, string message)
    {
        string path = _dir.File("model.safetensors");
        SafeTensors.Write(path, [new("previous", [2], [1f, 2f])]);
        byte[] previous = System.IO.File.ReadAllBytes(path);

        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [new("w", [1], [1f])], new Dictionary<string, string> { [key] = value! }));

        Assert.StartsWith(message, e.Message);
        Assert.Equal(previous, System.IO.File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _dir.FileNames());
    }

    [Fact]
    public void A_failure_while_enumerating_the_tensors_leaves_the_existing_file_intact()
    {
        string path = _dir.File("model.safetensors");
        SafeTensors.Write(path, [new("previous", [2], [1f, 2f])]);
        byte[] previous = System.IO.File.ReadAllBytes(path);

        IEnumerable<TensorEntry> Failing()
        {
            yield return new TensorEntry("w", [1], [1f]);
            throw new InvalidOperationException("parameters unavailable");
        }

        Assert.Throws<InvalidOperationException>(() => SafeTensors.Write(path, Failing()));
        Assert.Equal(previous, System.IO.File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _dir.FileNames());
    }

    [Fact]
    public void Writing_into_a_missing_directory_names_it()
    {
        string directory = _dir.File("checkpoints");

        var e = Assert.Throws<DirectoryNotFoundException>(() => SafeTensors.Write(Path.Combine(directory, "model.safetensors"), []));

        Assert.Contains($"the directory {directory} does not exist", e.Message);
    }
}
