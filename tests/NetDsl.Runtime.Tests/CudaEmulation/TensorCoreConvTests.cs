using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// Each tensor-core convolution direction (netdsl_tensorcore.cuh) against the reference kernels of netdsl_kernels.cuh
/// on the same data, over shapes that leave every GEMM dimension off the 64×64×32 tiles: padding, strides that skip
/// input rows, 1×1 and 7×7 kernels, batch 1, non-square inputs, more row tiles than one, and K splits of the weight
/// gradient that get no work.
/// </summary>
public sealed class TensorCoreConvTests(TensorCoreConvTests.Kernels kernels) : IClassFixture<TensorCoreConvTests.Kernels>
{
    /// <summary>
    /// TF32 keeps 10 mantissa bits, so each operand is off by at most 2^-11 of itself and each product by 2^-10 ≈ 1e-3.
    /// Over a sum those errors have both signs and largely cancel, as the terms do, so the result stays within 2^-10 of
    /// the largest output (the worst seen here is about 3e-4). An indexing mistake costs whole terms: errors of order 1.
    /// </summary>
    private const double Tf32Tolerance = 1.0 / 1024;

    public sealed record Shape(int Ci, int H, int W, int Co, int K, int S, int P, int N, string Act, bool Bias, int Splits)
    {
        public int Ho => (H + 2 * P - K) / S + 1;
        public int Wo => (W + 2 * P - K) / S + 1;
        public int Weights => Co * Ci * K * K;
        public string Sizes => $"{Ci}, {H}, {W}, {Co}, {K}, {S}, {P}, {Ho}, {Wo}";
        public string ConvShape => $"netdsl::ConvShape{{{Ci}, {H}, {W}, {Co}, {K}, {S}, {P}, {Ho}, {Wo}}}";
        private static int Tiles(long size) => (int)((size + 63) / 64);
        public uint ForwardBlocks => (uint)(Tiles(Co) * Tiles((long)N * Ho * Wo));
        public uint BackwardInputBlocks => (uint)(Tiles(Ci) * Tiles((long)N * H * W));
        public uint PartialBlocks => (uint)(Tiles(Co) * Tiles(Ci * K * K) * Splits);
    }

    public static readonly Dictionary<string, Shape> Shapes = new()
    {
        ["3x3 pad 1, ReLU, bias, every dimension off the tile"] = new(5, 9, 9, 37, 3, 1, 1, 2, "netdsl::Relu", true, 3),
        ["1x1 stride 2, no bias, two row tiles"] = new(70, 7, 7, 66, 1, 2, 0, 1, "netdsl::Identity", false, 1),
        ["7x7 stride 2 pad 3, tanh, batch 1"] = new(3, 17, 17, 16, 7, 2, 3, 1, "netdsl::Tanh", true, 2),
        ["5x5 stride 3 pad 2, sigmoid, non-square, empty splits"] = new(4, 11, 13, 9, 5, 3, 2, 3, "netdsl::Sigmoid", true, 4),
        ["3x3 stride 2 pad 1, seven K steps"] = new(24, 10, 10, 40, 3, 2, 1, 2, "netdsl::Relu", false, 2),
    };

    public static TheoryData<string> Cases => new(Shapes.Keys);

    // Every kernel reads x from activations, w | b from parameters, dy from gradients and y from losses, and writes
    // its output to reductions (forward, input gradient) or parameterGradients (dw | db; partials in scratch).
    public sealed class Kernels() : EmulatedModuleFixture("#include \"netdsl_tensorcore.cuh\"\n" + string.Concat(Shapes.Values.Select(Source)));

    private static string Source(Shape s, int i) => $$"""
        extern "C" __global__ void ref_forward_{{i}}(NetDslArgs a) { netdsl::conv2d_forward<{{s.Sizes}}, {{Bool(s.Bias)}}, {{s.Act}}>(a.reductions, a.activations, a.parameters, a.parameters + {{s.Weights}}, a.n); }
        extern "C" __global__ void tc_forward_{{i}}(NetDslArgs a) { netdsl::conv2d_forward_tc<{{Bool(s.Bias)}}, {{s.Act}}>(a.reductions, a.activations, a.parameters, a.parameters + {{s.Weights}}, {{s.ConvShape}}, a.n); }
        extern "C" __global__ void ref_input_{{i}}(NetDslArgs a) { netdsl::conv2d_backward_input<{{s.Sizes}}, {{s.Act}}>(a.reductions, a.gradients, a.losses, a.parameters, a.n); }
        extern "C" __global__ void tc_input_{{i}}(NetDslArgs a) { netdsl::conv2d_backward_input_tc<{{s.Act}}>(a.reductions, a.gradients, a.losses, a.parameters, {{s.ConvShape}}, a.n); }
        extern "C" __global__ void ref_weights_{{i}}(NetDslArgs a) { netdsl::conv2d_backward_weights<{{s.Sizes}}, {{Bool(s.Bias)}}, {{s.Act}}>(a.parameterGradients, a.parameterGradients + {{s.Weights}}, a.gradients, a.losses, a.activations, a.n); }
        extern "C" __global__ void tc_partials_{{i}}(NetDslArgs a) { netdsl::conv2d_weight_partials_tc<{{s.Act}}>(a.scratch, a.gradients, a.losses, a.activations, {{s.ConvShape}}, {{s.Splits}}, a.n); }
        extern "C" __global__ void tc_sum_{{i}}(NetDslArgs a) { netdsl::conv2d_weight_sum_tc<{{Bool(s.Bias)}}, {{s.Act}}>(a.parameterGradients, a.parameterGradients + {{s.Weights}}, a.scratch, a.gradients, a.losses, {{s.ConvShape}}, {{s.Splits}}, a.n); }

        """;

    private static string Bool(bool value) => value ? "true" : "false";

    private sealed class Run(Shape s)
    {
        public readonly float[] X = TestData.Uniform<float>(1, s.N * s.Ci * s.H * s.W);
        // Weights on the scale initialization gives them (variance ~ 1/fan-in), so pre-activations are of order 1 and
        // a saturating activation does not hide its input's scale from the tolerance.
        public readonly float[] Parameters = TestData.Uniform<float>(2, s.Weights + s.Co, -Math.Sqrt(3.0 / (s.Ci * s.K * s.K)), Math.Sqrt(3.0 / (s.Ci * s.K * s.K)));
        public readonly float[] Dy = TestData.Uniform<float>(3, s.N * s.Co * s.Ho * s.Wo);
        public float[] Y = new float[s.N * s.Co * s.Ho * s.Wo];   // the reference forward's, read by the backward
        // The weight gradient's per-split partials, NaN until written: a partial left unwritten poisons the sum.
        public readonly float[] Scratch = Enumerable.Repeat(float.NaN, s.Splits * s.Weights).ToArray();
    }

    private float[] Launch(string kernel, Shape s, Run run, uint blocks, int outputs, float[]? parameterGradients = null)
    {
        var output = new float[outputs];
        using var pins = new PinnedBuffers();
        var args = new NetDslArgs
        {
            Activations = pins.Pin(run.X), Parameters = pins.Pin(run.Parameters), Gradients = pins.Pin(run.Dy), Losses = pins.Pin(run.Y),
            Reductions = pins.Pin(output), ParameterGradients = pins.Pin(parameterGradients ?? output), Scratch = pins.Pin(run.Scratch), N = s.N,
        };
        bool tiled = kernel.StartsWith("tc_") && !kernel.StartsWith("tc_sum");
        // Tiled kernels: 128 threads and the two shared tiles (TensorCorePlan.SharedBytes); the others take any grid.
        kernels.Module.Launch(kernel, (blocks, 1, 1), (tiled ? 128u : 64u, 1, 1), in args, tiled ? 36864u : 0);
        return output;
    }

    private (Shape, Run, int) Setup(string name)
    {
        var s = Shapes[name];
        var run = new Run(s);
        int index = Shapes.Keys.ToList().IndexOf(name);
        run.Y = Launch($"ref_forward_{index}", s, run, 4, run.Y.Length);
        return (s, run, index);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_on_tensor_cores_matches_the_reference(string name)
    {
        var (s, run, i) = Setup(name);
        // One spare block per row tile, as the generated launch has: it must return without writing.
        var tc = Launch($"tc_forward_{i}", s, run, s.ForwardBlocks + 1, run.Y.Length);
        NumericAssert.CloseToLargest(run.Y, tc, Tf32Tolerance, name + " y", "reference", "tensor cores");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Input_gradient_on_tensor_cores_matches_the_reference(string name)
    {
        var (s, run, i) = Setup(name);
        int size = s.N * s.Ci * s.H * s.W;
        var expected = Launch($"ref_input_{i}", s, run, 4, size);
        var tc = Launch($"tc_input_{i}", s, run, s.BackwardInputBlocks + 1, size);
        NumericAssert.CloseToLargest(expected, tc, Tf32Tolerance, name + " dx", "reference", "tensor cores");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Weight_and_bias_gradients_on_tensor_cores_add_to_what_is_there_as_the_reference_does(string name)
    {
        var (s, run, i) = Setup(name);
        var initial = TestData.Uniform<float>(4, s.Weights + s.Co);
        var expected = (float[])initial.Clone();
        Launch($"ref_weights_{i}", s, run, 4, 1, expected);
        var tc = (float[])initial.Clone();
        Launch($"tc_partials_{i}", s, run, s.PartialBlocks, 1, tc);
        Launch($"tc_sum_{i}", s, run, 4, 1, tc);
        NumericAssert.CloseToLargest(expected, tc, Tf32Tolerance, name + " dw | db", "reference", "tensor cores");
    }
}
