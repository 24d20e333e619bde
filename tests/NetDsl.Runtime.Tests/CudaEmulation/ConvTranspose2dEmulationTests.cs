using NetDsl.Runtime.Cpu;
using NetDsl.Runtime.Cuda;
using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The transposed-convolution device functions of netdsl_kernels.cuh against the CPU's ConvTranspose2d on the same
/// float data: with and without bias, fused activations, strides 1–3 with every output padding class, non-square
/// planes, batch 1 and 3. Launched on 3 blocks of 64 threads, so the grid-stride loops wrap.
/// </summary>
public sealed class ConvTranspose2dEmulationTests(ConvTranspose2dEmulationTests.Kernels kernels) : IClassFixture<ConvTranspose2dEmulationTests.Kernels>
{
    /// <summary>
    /// Both sides sum the same float products in different orders (the CPU through im2col and GEMM tiles, the device
    /// tap by tap): each sum of at most a few hundred terms of order 1 drifts by a few ulps of its largest partial sum,
    /// well under 1e-5 of the tensor's largest value. An indexing mistake costs whole terms: errors of order 1.
    /// </summary>
    private const double Tolerance = 1e-5;

    public sealed record Shape(int Ci, int H, int W, int Co, int K, int S, int P, int Op, int N, string Act, bool Bias)
    {
        public ConvTransposeGeometry Geometry => new(Ci, H, W, Co, K, S, P, Op);
        public string Sizes => $"{Ci}, {H}, {W}, {Co}, {K}, {S}, {P}, {Geometry.OutHeight}, {Geometry.OutWidth}";
    }

    public static readonly Dictionary<string, Shape> Shapes = new()
    {
        ["k2 s2 doubling, bias, batch 3"] = new(3, 4, 4, 2, 2, 2, 0, 0, 3, "Identity", true),
        ["k3 s2 p1 op1, non-square, relu, no bias"] = new(2, 3, 5, 4, 3, 2, 1, 1, 1, "Relu", false),
        ["k4 s2 p1, tanh, batch 3"] = new(3, 5, 3, 3, 4, 2, 1, 0, 3, "Tanh", true),
        ["k3 s3 op2, bias, batch 1"] = new(2, 3, 4, 3, 3, 3, 0, 2, 1, "Identity", true),
        ["k5 s3 p2 op1, relu, batch 3"] = new(3, 4, 2, 2, 5, 3, 2, 1, 3, "Relu", true),
        ["k3 s1 p1 same size, no bias"] = new(4, 5, 6, 3, 3, 1, 1, 0, 3, "Identity", false),
        ["1x1 pointwise, sigmoid"] = new(5, 3, 4, 2, 1, 1, 0, 0, 1, "Sigmoid", true),
    };

    public static TheoryData<string> Cases => new(Shapes.Keys);

    // x in activations, w | b in parameters, dy in gradients, y in losses; outputs in reductions, dw | db in parameterGradients.
    public sealed class Kernels() : EmulatedModuleFixture("#include \"netdsl_kernels.cuh\"\n" + string.Concat(Shapes.Values.Select(Source)));

    private static string Source(Shape s, int i)
    {
        string bias = s.Bias ? "true" : "false", act = "netdsl::" + s.Act, b = $"a.parameters + {s.Geometry.WeightLength}";
        return $$"""
            extern "C" __global__ void forward_{{i}}(NetDslArgs a) { netdsl::convtranspose2d_forward<{{s.Sizes}}, {{bias}}, {{act}}>(a.reductions, a.activations, a.parameters, {{b}}, a.n); }
            extern "C" __global__ void input_{{i}}(NetDslArgs a) { netdsl::convtranspose2d_backward_input<{{s.Sizes}}, {{act}}>(a.reductions, a.gradients, a.losses, a.parameters, a.n); }
            extern "C" __global__ void weights_{{i}}(NetDslArgs a) { netdsl::convtranspose2d_backward_weights<{{s.Sizes}}, {{bias}}, {{act}}>(a.parameterGradients, a.parameterGradients + {{s.Geometry.WeightLength}}, a.gradients, a.losses, a.activations, a.n); }

            """;
    }

    private sealed class Run(Shape s)
    {
        public readonly ConvTransposeGeometry G = s.Geometry;
        public readonly float[] X = TestData.Uniform<float>(1, s.N * s.Geometry.InSize);
        public readonly float[] Parameters = TestData.Uniform<float>(2, s.Geometry.WeightLength + s.Co, -0.5, 0.5);
        public readonly float[] Dy = TestData.Uniform<float>(3, s.N * s.Geometry.OutSize);
        public float[] W => Parameters[..G.WeightLength];
        public float[] B => s.Bias ? Parameters[G.WeightLength..] : [];
    }

    private void Launch(string kernel, Shape s, Run run, float[] output, float[] y, float[]? parameterGradients = null)
    {
        using var pins = new PinnedBuffers();
        var args = new NetDslArgs
        {
            Activations = pins.Pin(run.X), Parameters = pins.Pin(run.Parameters), Gradients = pins.Pin(run.Dy), Losses = pins.Pin(y),
            Reductions = pins.Pin(output), ParameterGradients = pins.Pin(parameterGradients ?? output), N = s.N,
        };
        kernels.Module.Launch(kernel, (3, 1, 1), (64, 1, 1), in args);
    }

    /// <summary>The CPU forward with the activation applied: y as the device leaves it.</summary>
    private static float[] CpuForward(Shape s, Run run)
    {
        var y = new float[s.N * run.G.OutSize];
        ConvTranspose2d.Forward<float>(y, run.X, run.W, run.B, new float[run.G.ScratchLength], s.N, run.G);
        switch (s.Act)
        {
            case "Relu": Activations.ReluForward<float>(y, y); break;
            case "Tanh": Activations.TanhForward<float>(y, y); break;
            case "Sigmoid": Activations.SigmoidForward<float>(y, y); break;
        }
        return y;
    }

    /// <summary>dL/d(pre-activation) from dy and the activation's output y.</summary>
    private static float[] ThroughActivation(Shape s, float[] dy, float[] y)
    {
        var dz = dy.ToArray();
        switch (s.Act)
        {
            case "Relu": Activations.ReluBackward<float>(dz, dy, y); break;
            case "Tanh": Activations.TanhBackward<float>(dz, dy, y); break;
            case "Sigmoid": Activations.SigmoidBackward<float>(dz, dy, y); break;
        }
        return dz;
    }

    private static int Index(string name) => Shapes.Keys.ToList().IndexOf(name);

    [Theory, MemberData(nameof(Cases))]
    public void Forward_matches_the_cpu(string name)
    {
        var s = Shapes[name];
        var run = new Run(s);
        var expected = CpuForward(s, run);
        var actual = Enumerable.Repeat(float.NaN, expected.Length).ToArray();   // every element must be written

        Launch($"forward_{Index(name)}", s, run, actual, []);

        NumericAssert.CloseToLargest(expected, actual, Tolerance, name + " y", "CPU", "emulated CUDA");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Input_gradient_through_the_activation_matches_the_cpu(string name)
    {
        var s = Shapes[name];
        var run = new Run(s);
        var y = CpuForward(s, run);
        var expected = new float[s.N * run.G.InSize];
        ConvTranspose2d.Backward<float>(expected, new float[run.G.WeightLength], [], ThroughActivation(s, run.Dy, y), run.X, run.W,
            new float[run.G.ScratchLength], s.N, run.G);
        var actual = Enumerable.Repeat(float.NaN, expected.Length).ToArray();

        Launch($"input_{Index(name)}", s, run, actual, y);

        NumericAssert.CloseToLargest(expected, actual, Tolerance, name + " dx", "CPU", "emulated CUDA");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Weight_and_bias_gradients_add_to_what_is_there_as_the_cpu_does(string name)
    {
        var s = Shapes[name];
        var run = new Run(s);
        var y = CpuForward(s, run);
        var initial = TestData.Uniform<float>(4, run.G.WeightLength + s.Co);
        var expected = initial.ToArray();
        ConvTranspose2d.Backward<float>([], expected.AsSpan(0, run.G.WeightLength), s.Bias ? expected.AsSpan(run.G.WeightLength) : [],
            ThroughActivation(s, run.Dy, y), run.X, run.W, new float[run.G.ScratchLength], s.N, run.G);
        var actual = initial.ToArray();

        Launch($"weights_{Index(name)}", s, run, [], y, actual);

        // Without bias the device must leave db's slots alone, as the CPU does.
        NumericAssert.CloseToLargest(expected, actual, Tolerance, name + " dw | db", "CPU", "emulated CUDA");
    }
}
