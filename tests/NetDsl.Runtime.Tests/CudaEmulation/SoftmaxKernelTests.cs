using NetDsl.Runtime.Cpu;
using NetDsl.Runtime.Cuda;
using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>softmax_forward/backward against the CPU's Softmax, over rows and planes, with the grid and one block as the team.</summary>
public sealed class SoftmaxKernelTests(SoftmaxKernelTests.Kernels kernels) : IClassFixture<SoftmaxKernelTests.Kernels>
{
    // channels, spatial, samples
    static readonly (int C, int Spatial, int N)[] Shapes = [(10, 1, 4), (1, 1, 3), (5, 12, 2), (3, 33, 2), (16, 9, 3)];
    static readonly string[] Teams = ["netdsl::Grid", "netdsl::Block"];

    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        for (int s = 0; s < Shapes.Length; s++)
            for (int t = 0; t < Teams.Length; t++) data.Add(s, t);
        return data;
    }

    public sealed class Kernels() : EmulatedModuleFixture("#include \"netdsl_kernels.cuh\"\n" +
        string.Concat(Shapes.SelectMany((s, i) => Teams.Select((team, t) => $$"""
            extern "C" __global__ void forward_{{i}}_{{t}}(NetDslArgs a) { netdsl::softmax_forward<{{s.C}}, {{s.Spatial}}, {{team}}>(a.reductions, a.activations, a.n); }
            extern "C" __global__ void backward_{{i}}_{{t}}(NetDslArgs a) { netdsl::softmax_backward<{{s.C}}, {{s.Spatial}}, {{team}}>(a.reductions, a.gradients, a.losses, a.n); }

            """))));

    float[] Launch(string kernel, bool block, float[] x, float[] y, float[] dy, int n)
    {
        var output = new float[x.Length];
        using var pins = new PinnedBuffers();
        var args = new NetDslArgs { Activations = pins.Pin(x), Losses = pins.Pin(y), Gradients = pins.Pin(dy), Reductions = pins.Pin(output), N = n };
        kernels.Module.Launch(kernel, (block ? 1u : 3u, 1, 1), (16, 1, 1), in args);
        return output;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Softmax_matches_the_cpu(int shape, int team)
    {
        var (c, spatial, n) = Shapes[shape];
        var x = TestData.Uniform<float>(1, n * c * spatial, -6, 6);
        var dy = TestData.Uniform<float>(2, x.Length);
        var y = new float[x.Length];
        var dx = new float[x.Length];
        Softmax.Forward<float>(y, x, n, c, spatial);
        Softmax.Backward<float>(dx, dy, y, n, c, spatial);

        var gpuY = Launch($"forward_{shape}_{team}", team == 1, x, [], [], n);
        var gpuDx = Launch($"backward_{shape}_{team}", team == 1, x, y, dy, n);

        // expf and sums of at most 16 terms in another order: a few ulps of values at most 1 (y) or 2 (dx).
        NumericAssert.Close(y, gpuY, 1e-6, "y");
        NumericAssert.Close(dx, gpuDx, 1e-6, "dx");
    }
}
