using System.Numerics;
using System.Text.Json;
using NetDsl.Runtime.Checkpoints;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Conv2d on the general geometry against PyTorch 1.13's nn.Conv2d (fixtures/make_conv_general_fixture.py): y, and
/// dx, dw, db for a fixed dy. Each configuration's geometry comes from the fixture's metadata, as PyTorch was given it.
/// </summary>
public sealed class Conv2dPyTorchTests
{
    private static readonly SafeTensorsFile Fixture =
        SafeTensors.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "conv_general_pytorch.safetensors"));

    private static IEnumerable<string> Names => Fixture.Metadata.Keys.Where(k => k is not ("torch" or "note")).Order();

    public static TheoryData<string> Configurations => new(Names);

    // Conv2d's arguments as the script wrote them (snake_case JSON).
    private sealed record Arguments(int N, int InChannels, int Height, int Width, int OutChannels,
        int[] Kernel, int[] Stride, int[] Padding, int[] Dilation, int Groups, bool Bias)
    {
        public ConvGeometry Geometry => new(InChannels, Height, Width, OutChannels, (Kernel[0], Kernel[1]), (Stride[0], Stride[1]),
            (Padding[0], Padding[1]), (Dilation[0], Dilation[1]), Groups);
    }

    [Fact]
    public void The_fixture_covers_groups_depthwise_dilation_and_rectangular_windows()
    {
        var geometries = Names.Select(name => Read(name).Geometry).ToList();
        Assert.Contains(geometries, g => g.Groups > 1 && g.Groups < g.InChannels);
        Assert.Contains(geometries, g => g.Groups == g.InChannels && g.OutChannels == 2 * g.InChannels);
        Assert.Contains(geometries, g => g.DilationHeight > 1 && g.DilationWidth > 1);
        Assert.Contains(geometries, g => g.KernelHeight != g.KernelWidth && g.StrideHeight != g.StrideWidth && g.PaddingHeight != g.PaddingWidth);
    }

    // The references are float64 stored as float32 on reading (SafeTensor.Data), off by up to 2^-24 of each value: in
    // double the only error left is that rounding, so 1e-6 of the largest value. In float each output or gradient is
    // a sum of at most a few hundred products of values of order 1, each rounding by 2^-24: at most ~2e-5 of the sum
    // of magnitudes, which the largest value stays well within a few times of; hence 1e-4. Indexing errors are of order 1.
    [Theory, MemberData(nameof(Configurations))]
    public void Double_matches_pytorch(string name) => Matches<double>(name, 1e-6);

    [Theory, MemberData(nameof(Configurations))]
    public void Float_matches_pytorch(string name) => Matches<float>(name, 1e-4);

    private static Arguments Read(string name) =>
        JsonSerializer.Deserialize<Arguments>(Fixture.Metadata[name], new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;

    private static void Matches<T>(string name, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var arguments = Read(name);
        var g = arguments.Geometry;
        int n = arguments.N;
        T[] Tensor(string tensor) => Fixture[$"{name}.{tensor}"].Data.Select(T.CreateTruncating).ToArray();
        var (x, w, dy) = (Tensor("x"), Tensor("w"), Tensor("dy"));
        var b = arguments.Bias ? Tensor("b") : [];
        var scratch = new T[g.ScratchLength];
        var y = new T[n * g.OutSize];
        var dx = new T[n * g.InSize];
        var dw = new T[w.Length];
        var db = new T[b.Length];

        Conv2d.Forward<T>(y, x, w, b, scratch, n, g);
        Conv2d.Backward<T>(dx, dw, db, dy, x, w, scratch, n, g);

        Assert.Equal(new[] { n, g.OutChannels, g.OutHeight, g.OutWidth }, Fixture[name + ".y"].Shape.ToArray());
        Close("y", y);
        Close("dx", dx);
        Close("dw", dw);
        if (arguments.Bias) Close("db", db);
        else Assert.False(Fixture.TryGetTensor(name + ".db", out _));

        void Close(string tensor, T[] actual) =>
            NumericAssert.CloseToLargest(Fixture[$"{name}.{tensor}"].Data, actual, tolerance, $"{name}.{tensor}", "PyTorch", "NetDsl");
    }
}
