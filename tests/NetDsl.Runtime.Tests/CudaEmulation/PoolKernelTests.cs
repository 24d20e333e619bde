using NetDsl.Runtime.Cpu;
using NetDsl.Runtime.Cuda;
using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// pool2d_forward/backward against the CPU's Pool2d, average pooling with and without count_include_pad (the trailing
/// CountPad argument; the forms without it must keep counting the padding) and max pooling, over padded and ceil-mode
/// geometries, with the grid and with one block as the team.
/// </summary>
public sealed class PoolKernelTests(PoolKernelTests.Kernels kernels) : IClassFixture<PoolKernelTests.Kernels>
{
    const int Samples = 2;

    // The template arguments after the sizes: as the generator writes them (no CountPad) and with CountPad = false.
    static readonly string[] Forms = ["false", "false, netdsl::Block", "false, netdsl::Grid, false", "false, netdsl::Block, false", "true", "true, netdsl::Grid, false"];

    static PoolGeometry Geometry(int form, PoolGeometry g) => g with { CountIncludePad = !Forms[form].EndsWith(", false") };
    static bool Max(int form) => Forms[form].StartsWith("true");
    static bool Block(int form) => Forms[form].Contains("Block");

    public static readonly PoolGeometry[] Geometries =
    [
        new(2, 7, 9, 3, 2, 1, true),    // padding and ceil mode: windows clipped at both edges
        new(1, 6, 6, 3, 2, 1, true),    // the last window reaches past the padding
        new(3, 8, 8, 2, 2, 1, false),   // even kernel
        new(1, 9, 8, 5, 2, 2, true),    // padding of half the kernel
        new(2, 5, 5, 3, 3, 1, true),    // a dropped last window
    ];

    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        for (int g = 0; g < Geometries.Length; g++)
            for (int f = 0; f < Forms.Length; f++) data.Add(g, f);
        return data;
    }

    public sealed class Kernels() : EmulatedModuleFixture("#include \"netdsl_kernels.cuh\"\n" +
        string.Concat(Geometries.SelectMany((g, i) => Forms.Select((_, f) => Source(g, i, f)))));

    static string Source(PoolGeometry g, int i, int form)
    {
        string sizes = $"{g.Channels}, {g.Height}, {g.Width}, {g.Kernel}, {g.Stride}, {g.Padding}, {g.OutHeight}, {g.OutWidth}, {Forms[form]}";
        return $$"""
            extern "C" __global__ void forward_{{i}}_{{form}}(NetDslArgs a) { netdsl::pool2d_forward<{{sizes}}>(a.reductions, a.activations, a.n); }
            extern "C" __global__ void backward_{{i}}_{{form}}(NetDslArgs a) { netdsl::pool2d_backward<{{sizes}}>(a.reductions, a.gradients, a.activations, a.n); }

            """;
    }

    float[] Launch(string kernel, bool block, float[] x, float[] dy, int outputs)
    {
        var output = new float[outputs];
        using var pins = new PinnedBuffers();
        var args = new NetDslArgs { Activations = pins.Pin(x), Gradients = pins.Pin(dy), Reductions = pins.Pin(output), N = Samples };
        // A Block team is one block's threads; the grid striding over every output takes any shape.
        kernels.Module.Launch(kernel, (block ? 1u : 3u, 1, 1), (32, 1, 1), in args);
        return output;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Pooling_matches_the_cpu(int geometry, int form)
    {
        var g = Geometry(form, Geometries[geometry]);
        var x = TestData.DistinctShuffled<float>(1, Samples * g.InSize);   // no ties: max picks one element either way
        var dy = TestData.Uniform<float>(2, Samples * g.OutSize);
        var y = new float[Samples * g.OutSize];
        var dx = new float[Samples * g.InSize];
        if (Max(form))
        {
            Pool2d.MaxForward<float>(y, x, Samples, g);
            Pool2d.MaxBackward<float>(dx, dy, x, Samples, g);
        }
        else
        {
            Pool2d.AvgForward<float>(y, x, Samples, g);
            Pool2d.AvgBackward<float>(dx, dy, x, Samples, g);
        }

        var gpuY = Launch($"forward_{geometry}_{form}", Block(form), x, dy, y.Length);
        var gpuDx = Launch($"backward_{geometry}_{form}", Block(form), x, dy, dx.Length);

        // Sums of at most 25 terms in another order, and a division where the CPU multiplies by a reciprocal: a few
        // ulps. A wrong divisor is off by a ratio such as 9/6.
        NumericAssert.Close(y, gpuY, 1e-6, $"{g} y");
        NumericAssert.Close(dx, gpuDx, 1e-6, $"{g} dx");
    }
}
