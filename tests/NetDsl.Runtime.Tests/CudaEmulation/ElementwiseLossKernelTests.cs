using NetDsl.Runtime.Cuda;
using NetDsl.Runtime.Tests.Kernels;
using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>elementwise_loss_forward/backward of netdsl_kernels.cuh with each loss type against its CPU head, on two launch shapes.</summary>
public sealed class ElementwiseLossKernelTests(ElementwiseLossKernelTests.Kernels kernels) : IClassFixture<ElementwiseLossKernelTests.Kernels>
{
    const int N = 5, Size = 7;

    /// <summary>
    /// Both sides are single precision with the same operations in the same order; only exp and log1p may round their
    /// last bits differently (g++'s libm against .NET's), a few ulps over sums of 7 terms.
    /// </summary>
    const double Tolerance = 1e-5;

    public static TheoryData<string> Heads => ElementwiseHead.Names;

    // x in activations, targets in scratch; losses to losses, dx to gradients.
    public sealed class Kernels() : EmulatedModuleFixture("#include \"netdsl_kernels.cuh\"\n" + string.Concat(ElementwiseHead.ByName.Select(h => $$"""
        extern "C" __global__ void forward_{{h.Key}}(NetDslArgs a) { netdsl::elementwise_loss_forward<{{h.Value.CudaLoss}}, {{Size}}>(a.losses, a.activations, a.scratch, a.n); }
        extern "C" __global__ void backward_{{h.Key}}(NetDslArgs a) { netdsl::elementwise_loss_backward<{{h.Value.CudaLoss}}, {{Size}}>(a.gradients, a.activations, a.scratch, 1.0f / (a.batchSize * {{Size}}), a.n); }

        """)));

    (float[] Losses, float[] Dx) Run(string head, float[] x, float[] targets, (uint Blocks, uint Threads) launch)
    {
        var (losses, dx) = (new float[N], new float[N * Size]);
        using var pins = new PinnedBuffers();
        var args = new NetDslArgs
        {
            Activations = pins.Pin(x), Scratch = pins.Pin(targets), Losses = pins.Pin(losses), Gradients = pins.Pin(dx), N = N, BatchSize = N,
        };
        kernels.Module.Launch($"forward_{head}", (launch.Blocks, 1, 1), (launch.Threads, 1, 1), in args);
        kernels.Module.Launch($"backward_{head}", (launch.Blocks, 1, 1), (launch.Threads, 1, 1), in args);
        return (losses, dx);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Kernels_match_the_cpu_on_any_launch(string head)
    {
        var h = ElementwiseHead.ByName[head];
        // Two logits of ±100, where e^|x| overflows float, for BCE's stable form; an exact tie (x moved onto its target,
        // which stays in the head's range) for L1's zero.
        var x = TestData.Uniform<float>(1, N * Size, -4, 4);
        (x[5], x[20]) = (100f, -100f);
        var targets = ElementwiseLossTests.Targets(h, x);
        x[3] = targets[3];

        var single = Run(head, x, targets, (1, 1));
        var spread = Run(head, x, targets, (2, 16));

        var (losses, dx) = (new float[N], new float[N * Size]);
        h.Forward<float>(losses, x, targets, N, Size);
        h.Backward<float>(dx, x, targets, N, Size, 1f / (N * Size));
        NumericAssert.CloseToLargest(losses, single.Losses, Tolerance, "losses", "CPU", "CUDA");
        NumericAssert.CloseToLargest(dx, single.Dx, Tolerance, "dx", "CPU", "CUDA");
        // No atomics and one thread per sum: the launch shape changes nothing, to the bit.
        Assert.Equal(single.Losses, spread.Losses);
        Assert.Equal(single.Dx, spread.Dx);
    }
}
