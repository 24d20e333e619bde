using NetDsl.Runtime.Cpu;
using NetDsl.Runtime.Cuda;
using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// pixel_softmax_cross_entropy_forward/backward of netdsl_kernels.cuh against the CPU's PixelSoftmaxCrossEntropy, the
/// backward's scale taken from the forward's per-sample counts as a generated kernel would, on two launch shapes.
/// </summary>
public sealed class PixelSoftmaxCrossEntropyKernelTests(PixelSoftmaxCrossEntropyKernelTests.Kernels kernels)
    : IClassFixture<PixelSoftmaxCrossEntropyKernelTests.Kernels>
{
    const int Ignore = 255;

    /// <summary>
    /// Both sides are single precision with the same operations in the same order; only exp and log may round their
    /// last bit differently (g++'s libm against .NET's), a few ulps over sums of at most 35 pixels.
    /// </summary>
    const double Tolerance = 1e-5;

    public sealed record Shape(int N, int Classes, int Height, int Width)
    {
        public int Pixels => Height * Width;
        public int Logits => N * Classes * Pixels;
    }

    public static readonly Shape[] Shapes = [new(3, 5, 4, 3), new(1, 1, 2, 2), new(2, 21, 5, 7)];

    public static TheoryData<int> Cases => new(Enumerable.Range(0, Shapes.Length));

    // Logits in activations; probs to scratch, losses to losses, counts to reductions, dlogits to parameterGradients.
    public sealed class Kernels() : EmulatedModuleFixture("#include \"netdsl_kernels.cuh\"\n" + string.Concat(Shapes.Select(Source)));

    static string Source(Shape s, int i) => $$"""
        extern "C" __global__ void forward_{{i}}(NetDslArgs a) { netdsl::pixel_softmax_cross_entropy_forward<{{s.Classes}}, {{s.Height}}, {{s.Width}}, {{Ignore}}>(a.scratch, a.losses, a.reductions, a.activations, a.labels, a.n); }
        extern "C" __global__ void backward_{{i}}(NetDslArgs a) { netdsl::pixel_softmax_cross_entropy_backward<{{s.Classes}}, {{s.Height}}, {{s.Width}}, {{Ignore}}>(a.parameterGradients, a.scratch, a.labels, 1.0f / netdsl::labeled_pixels(a.reductions, a.n), a.n); }

        """;

    sealed record Result(float[] Probs, float[] Losses, float[] Counts, float[] Dlogits);

    Result Run(int i, float[] logits, int[] labels, (uint Blocks, uint Threads) launch)
    {
        var s = Shapes[i];
        var result = new Result(new float[s.Logits], new float[s.N], new float[s.N], new float[s.Logits]);
        using var pins = new PinnedBuffers();
        var args = new NetDslArgs
        {
            Activations = pins.Pin(logits), Labels = pins.Pin(labels), Scratch = pins.Pin(result.Probs), Losses = pins.Pin(result.Losses),
            Reductions = pins.Pin(result.Counts), ParameterGradients = pins.Pin(result.Dlogits), N = s.N,
        };
        kernels.Module.Launch($"forward_{i}", (launch.Blocks, 1, 1), (launch.Threads, 1, 1), in args);
        kernels.Module.Launch($"backward_{i}", (launch.Blocks, 1, 1), (launch.Threads, 1, 1), in args);
        return result;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernels_match_the_cpu_on_any_launch(int i)
    {
        var s = Shapes[i];
        var logits = TestData.Uniform<float>(1, s.Logits, -4, 4);
        var labels = LabelsOf(s);

        var single = Run(i, logits, labels, (1, 1));
        var spread = Run(i, logits, labels, (3, 32));

        var (probs, losses, dlogits) = (new float[s.Logits], new float[s.N], new float[s.Logits]);
        int count = PixelSoftmaxCrossEntropy.CountLabeled(labels, Ignore);
        PixelSoftmaxCrossEntropy.Forward<float>(probs, losses, logits, labels, s.N, s.Classes, s.Height, s.Width, Ignore);
        PixelSoftmaxCrossEntropy.Backward<float>(dlogits, probs, labels, s.N, s.Classes, s.Height, s.Width, Ignore, 1f / count);

        NumericAssert.CloseToLargest(probs, single.Probs, Tolerance, "probs", "CPU", "CUDA");
        NumericAssert.CloseToLargest(losses, single.Losses, Tolerance, "losses", "CPU", "CUDA");
        Assert.Equal(count, single.Counts.Sum());
        for (int n = 0; n < s.N; n++) Assert.Equal(PixelSoftmaxCrossEntropy.CountLabeled(labels.AsSpan(n * s.Pixels, s.Pixels), Ignore), single.Counts[n]);
        NumericAssert.CloseToLargest(dlogits, single.Dlogits, Tolerance, "dlogits", "CPU", "CUDA");
        // No atomics and one thread per sum: the launch shape changes nothing, to the bit.
        Assert.Equivalent(single, spread, strict: true);
    }

    [Fact]
    public void A_label_the_cpu_rejects_counts_as_ignored()
    {
        const int i = 0;
        var s = Shapes[i];
        var logits = TestData.Uniform<float>(2, s.Logits, -4, 4);
        var labels = LabelsOf(s);
        var bad = (int[])labels.Clone();
        bad[1] = s.Classes;
        bad[s.Pixels + 2] = -3;
        labels[1] = labels[s.Pixels + 2] = Ignore;

        var expected = Run(i, logits, labels, (2, 16));
        var actual = Run(i, logits, bad, (2, 16));

        Assert.Equivalent(expected, actual, strict: true);
    }

    static int[] LabelsOf(Shape s) => NetDsl.Runtime.Tests.Kernels.PixelSoftmaxCrossEntropyTests.Labels(s.N, s.Classes, s.Pixels);
}
