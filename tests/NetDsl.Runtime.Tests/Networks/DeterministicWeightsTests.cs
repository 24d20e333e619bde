namespace NetDsl.Runtime.Tests.Networks;

/// <summary>
/// <see cref="DeterministicWeights"/> is the same generator as fixtures/make_torchvision_fixtures.py: shared test
/// vectors pin single elements bit for bit, and every tensor of every torchvision fixture is regenerated here and
/// checked against the checksums the script recorded. These run without the zoo networks.
/// </summary>
public class DeterministicWeightsTests
{
    [Fact]
    public void Name_key_is_fnv1a_64()
    {
        // Published FNV-1a 64 values, then the intermediate steps of the first test vector below.
        Assert.Equal(0xCBF29CE484222325UL, DeterministicWeights.NameKey(""));
        Assert.Equal(0xAF63DC4C8601EC8CUL, DeterministicWeights.NameKey("a"));
        Assert.Equal(0x69A29A2CEE47D254UL, DeterministicWeights.NameKey("conv1.weight"));
        Assert.Equal(0x8B8A08A85128A1B0UL, DeterministicWeights.Bits(0x69A29A2CEE47D254, 0));
    }

    /// <summary>Also in make_torchvision_fixtures.py's TEST_VECTORS: (name, shape, index, float32 bits).</summary>
    public static TheoryData<string, int[], long, uint> TestVectors => new()
    {
        { "conv1.weight", [64, 3, 7, 7], 0, 0x3C95337C },
        { "conv1.weight", [64, 3, 7, 7], 1, 0x3DCAE01F },
        { "conv1.weight", [64, 3, 7, 7], 9407, 0xBDF8793E },
        { "layer1.0.bn1.weight", [64], 0, 0x3F7679DD },
        { "layer1.0.bn1.running_var", [64], 5, 0x3FA37738 },
        { "inception3a.branch2.0.bn.running_mean", [96], 2, 0x3C8282B3 },
        { "fc.bias", [1000], 999, 0xBC89B40D },
        { "classifier.0.weight", [4096, 25088], 102760447, 0x3C503D25 },
        { "input", [2, 3, 224, 224], 0, 0xBFB25452 },
        { "input", [2, 3, 224, 224], 301055, 0x3F904E6D },
    };

    [Theory]
    [MemberData(nameof(TestVectors))]
    public void Matches_the_python_test_vectors(string name, int[] dims, long index, uint bits)
    {
        Assert.Equal($"0x{bits:X8}", $"0x{BitConverter.SingleToUInt32Bits(DeterministicWeights.Value(name, dims, index)):X8}");
        var slice = new double[3];
        DeterministicWeights.Generate<double>(name, dims, slice, start: index - 1);
        Assert.Equal((double)DeterministicWeights.Value(name, dims, index), slice[1]);
    }

    [Theory]
    [InlineData("layer1.0.bn1.weight", 0.95, 1.05)]
    [InlineData("layer1.0.bn1.bias", -0.05, 0.05)]
    [InlineData("layer1.0.bn1.running_mean", -0.05, 0.05)]
    [InlineData("layer1.0.bn1.running_var", 1.0, 1.5)]
    public void One_dimensional_tensors_stay_in_their_ranges(string name, double low, double high)
    {
        var values = new float[4096];
        DeterministicWeights.Generate<float>(name, [values.Length], values);
        Assert.All(values, v => Assert.InRange(v, low, high));
        Assert.True(values.Max() - values.Min() > 0.9 * (high - low), "the values should span the range");
    }

    [Fact]
    public void Weights_are_he_uniform_and_the_input_has_unit_variance()
    {
        var weights = new float[64 * 3 * 7 * 7];
        DeterministicWeights.Generate<float>("conv1.weight", [64, 3, 7, 7], weights);
        double bound = Math.Sqrt(6.0 / (3 * 7 * 7));
        Assert.All(weights, w => Assert.InRange(w, -bound, bound));
        Assert.InRange(weights.Select(w => (double)w * w).Average(), 0.9 * 2.0 / 147, 1.1 * 2.0 / 147);

        var input = new double[3 * 224 * 224];
        DeterministicWeights.FillInput<double>(input);
        Assert.InRange(input.Select(x => x * x).Average(), 0.99, 1.01);
    }

    [Theory]
    [InlineData("layer1.0.bn1.num_batches_tracked")]
    [InlineData("conv1.scale")]
    public void Tensors_without_a_rule_are_refused(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => DeterministicWeights.Value(name, [64], 0));
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Fill_generates_each_parameter_by_name_into_its_slice()
    {
        var description = new NetworkDescription("Tiny", new Shape(1, 2, 2), 2, [],
            [new ParameterInfo("fc.weight", 0, 6, [2, 3], 3, 2), new ParameterInfo("fc.bias", 6, 2, [2], 3, 2)], []);
        var parameters = new float[8];
        DeterministicWeights.Fill<float>(description, parameters);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => DeterministicWeights.Value("fc.weight", [2, 3], i)), parameters[..6]);
        Assert.Equal(Enumerable.Range(0, 2).Select(i => DeterministicWeights.Value("fc.bias", [2], i)), parameters[6..]);
    }

    [Theory]
    [MemberData(nameof(TorchvisionTests.Networks), MemberType = typeof(TorchvisionTests))]
    public void Reproduces_every_tensor_the_fixture_script_generated(string network)
    {
        var fixture = TorchvisionFixture.Load(network);
        var differences = fixture.Expected.Append(fixture.Input).AsParallel().AsOrdered()
            .Select(Describe).Where(d => d is not null).ToList();
        Assert.True(differences.Count == 0,
            $"{network}: DeterministicWeights differs from make_torchvision_fixtures.py for {differences.Count} tensors:\n  " + string.Join("\n  ", differences));
    }

    /// <summary>Null when the regenerated values have the fixture's exact bit checksum; otherwise how they differ.</summary>
    private static string? Describe(StateDictEntry entry)
    {
        const int Chunk = 1 << 20;
        long count = entry.Shape.Aggregate(1L, (a, d) => a * d), bits = 0;
        double sum = 0, sumSq = 0;
        var buffer = new float[Chunk];
        for (long start = 0; start < count; start += Chunk)
        {
            var chunk = buffer.AsSpan(0, (int)Math.Min(Chunk, count - start));
            DeterministicWeights.Generate(entry.Name, entry.Shape, chunk, start);
            foreach (float v in chunk)
            {
                bits += BitConverter.SingleToUInt32Bits(v);
                sum += v;
                sumSq += (double)v * v;
            }
        }
        return bits == entry.Bits ? null
            : $"{entry.Name} [{string.Join(", ", entry.Shape)}]: bit checksum {bits} vs {entry.Bits}; sum {sum:G9} vs {entry.Sum:G9}, " +
              $"sum of squares {sumSq:G9} vs {entry.SumSq:G9}";
    }
}
