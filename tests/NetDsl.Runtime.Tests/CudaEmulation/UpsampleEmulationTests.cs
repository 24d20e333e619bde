using NetDsl.Runtime.Cpu;
using NetDsl.Runtime.Cuda;
using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The upsampling device functions of netdsl_kernels.cuh (nearest and bilinear, forward and the gathering backward)
/// against the CPU's Upsample on the same float data: square and unequal factors, factor 1 on an axis, single-row
/// planes, batch 1 and 3. Launched on 3 blocks of 64 threads, so the grid-stride loops wrap.
/// </summary>
public sealed class UpsampleEmulationTests(UpsampleEmulationTests.Kernels kernels) : IClassFixture<UpsampleEmulationTests.Kernels>
{
    /// <summary>
    /// Both sides use the same weights (from the same integers) and differ only in the order of at most (2·SH)·(2·SW)
    /// terms of order 1: a few ulps, far below 1e-6 of the largest value. A wrong tap costs a whole term.
    /// </summary>
    private const double Tolerance = 1e-6;

    public static readonly Dictionary<string, UpsampleGeometry> Shapes = new()
    {
        ["2x2, batch 3"] = new(2, 3, 4, 2, 2),
        ["3x3, batch 1"] = new(1, 4, 3, 3, 3),
        ["2x3, non-square"] = new(3, 2, 5, 2, 3),
        ["1x4, one axis kept"] = new(2, 5, 2, 1, 4),
        ["3x2, a single row"] = new(1, 1, 3, 3, 2),
        ["5x1, factor above the size"] = new(2, 3, 3, 5, 1),
    };

    private static readonly int[] Samples = [3, 1, 3, 1, 3, 2];

    public static TheoryData<string, bool> Cases
    {
        get
        {
            var cases = new TheoryData<string, bool>();
            foreach (var name in Shapes.Keys) { cases.Add(name, false); cases.Add(name, true); }
            return cases;
        }
    }

    // x or dy in activations, the output in reductions.
    public sealed class Kernels() : EmulatedModuleFixture("#include \"netdsl_kernels.cuh\"\n" + string.Concat(Shapes.Values.Select(Source)));

    private static string Source(UpsampleGeometry g, int i)
    {
        string sizes = $"{g.Channels}, {g.Height}, {g.Width}, {g.ScaleHeight}, {g.ScaleWidth}";
        return string.Concat(new[] { "nearest", "bilinear" }.Select(mode => $$"""
            extern "C" __global__ void {{mode}}_forward_{{i}}(NetDslArgs a) { netdsl::upsample_{{mode}}_forward<{{sizes}}>(a.reductions, a.activations, a.n); }
            extern "C" __global__ void {{mode}}_backward_{{i}}(NetDslArgs a) { netdsl::upsample_{{mode}}_backward<{{sizes}}>(a.reductions, a.activations, a.n); }

            """));
    }

    private float[] Launch(string kernel, float[] input, int outputs, int n)
    {
        var output = Enumerable.Repeat(float.NaN, outputs).ToArray();   // every element must be written
        using var pins = new PinnedBuffers();
        kernels.Module.Launch(kernel, (3, 1, 1), (64, 1, 1), new NetDslArgs { Activations = pins.Pin(input), Reductions = pins.Pin(output), N = n });
        return output;
    }

    private static (UpsampleGeometry G, int N, int Index, string Mode) Case(string name, bool bilinear) =>
        (Shapes[name], Samples[Shapes.Keys.ToList().IndexOf(name)], Shapes.Keys.ToList().IndexOf(name), bilinear ? "bilinear" : "nearest");

    [Theory, MemberData(nameof(Cases))]
    public void Forward_matches_the_cpu(string name, bool bilinear)
    {
        var (g, n, i, mode) = Case(name, bilinear);
        var x = TestData.Uniform<float>(1, n * g.InSize);
        var expected = new float[n * g.OutSize];
        if (bilinear) Upsample.BilinearForward<float>(expected, x, n, g);
        else Upsample.NearestForward<float>(expected, x, n, g);

        var actual = Launch($"{mode}_forward_{i}", x, expected.Length, n);

        NumericAssert.CloseToLargest(expected, actual, Tolerance, $"{name} {mode} y", "CPU", "emulated CUDA");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Backward_matches_the_cpu(string name, bool bilinear)
    {
        var (g, n, i, mode) = Case(name, bilinear);
        var dy = TestData.Uniform<float>(2, n * g.OutSize);
        var expected = new float[n * g.InSize];
        if (bilinear) Upsample.BilinearBackward<float>(expected, dy, n, g);
        else Upsample.NearestBackward<float>(expected, dy, n, g);

        var actual = Launch($"{mode}_backward_{i}", dy, expected.Length, n);

        NumericAssert.CloseToLargest(expected, actual, Tolerance, $"{name} {mode} dx", "CPU", "emulated CUDA");
    }
}
