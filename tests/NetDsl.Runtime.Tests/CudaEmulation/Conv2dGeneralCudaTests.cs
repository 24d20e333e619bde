using NetDsl.Runtime.Cpu;
using NetDsl.Runtime.Cuda;
using NetDsl.Runtime.Tests.Kernels;
using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The general convolution's CUDA directions (conv2d_general_*) against the CPU's Conv2d on the geometries of
/// <see cref="Conv2dGeneralTests"/>, alternately with a fused tanh and a bias, and with neither.
/// </summary>
public sealed class Conv2dGeneralCudaTests(Conv2dGeneralCudaTests.Kernels kernels) : IClassFixture<Conv2dGeneralCudaTests.Kernels>
{
    private static readonly string[] Names = [.. Conv2dGeneralTests.Geometries.Keys];

    // Tanh rather than ReLU: a pre-activation within rounding of zero would let the two sides pick different branches.
    private static bool IsFused(int i) => i % 2 == 0;

    /// <summary>Every direction of every geometry, with the Grid team and the weight gradient also with Block.</summary>
    internal static readonly string Program = "#include \"netdsl_kernels.cuh\"\n" + string.Concat(Names.Select((name, i) => Source(i)));

    public sealed class Kernels() : EmulatedModuleFixture(Program);

    private static string Source(int i)
    {
        var g = Conv2dGeneralTests.Geometries[Names[i]].G;
        string sizes = $"{g.InChannels}, {g.Height}, {g.Width}, {g.OutChannels}, {g.KernelHeight}, {g.KernelWidth}, {g.StrideHeight}, {g.StrideWidth}, " +
                       $"{g.PaddingHeight}, {g.PaddingWidth}, {g.DilationHeight}, {g.DilationWidth}, {g.Groups}, {g.OutHeight}, {g.OutWidth}";
        string bias = IsFused(i) ? "true" : "false", act = IsFused(i) ? "netdsl::Tanh" : "netdsl::Identity";
        int weights = g.OutChannels * g.Patch;
        return $$"""
            extern "C" __global__ void forward_{{i}}(NetDslArgs a) { netdsl::conv2d_general_forward<{{sizes}}, {{bias}}, {{act}}>(a.reductions, a.activations, a.parameters, a.parameters + {{weights}}, a.n); }
            extern "C" __global__ void input_{{i}}(NetDslArgs a) { netdsl::conv2d_general_backward_input<{{sizes}}, {{act}}>(a.reductions, a.gradients, a.losses, a.parameters, a.n); }
            extern "C" __global__ void weights_{{i}}(NetDslArgs a) { netdsl::conv2d_general_backward_weights<{{sizes}}, {{bias}}, {{act}}>(a.parameterGradients, a.parameterGradients + {{weights}}, a.gradients, a.losses, a.activations, a.n); }
            extern "C" __global__ void weights_block_{{i}}(NetDslArgs a) { netdsl::conv2d_general_backward_weights<{{sizes}}, {{bias}}, {{act}}, netdsl::Block>(a.parameterGradients, a.parameterGradients + {{weights}}, a.gradients, a.losses, a.activations, a.n); }

            """;
    }

    public static TheoryData<string> Cases => new(Names);

    private sealed class Case
    {
        public readonly ConvGeometry G;
        public readonly int N, Index, Weights;
        public readonly bool Fused;
        public readonly float[] X, Parameters, Dy;
        public float[] Y = [];

        public Case(string name)
        {
            (G, N) = Conv2dGeneralTests.Geometries[name];
            Index = Array.IndexOf(Names, name);
            Fused = IsFused(Index);
            Weights = G.OutChannels * G.Patch;
            X = TestData.Uniform<float>(1, N * G.InSize);
            Parameters = TestData.Uniform<float>(2, Weights + G.OutChannels);
            Dy = TestData.Uniform<float>(3, N * G.OutSize);
        }

        public ReadOnlySpan<float> W => Parameters.AsSpan(0, Weights);
        public ReadOnlySpan<float> Bias => Fused ? Parameters.AsSpan(Weights) : [];
    }

    /// <summary>Runs one kernel on the case's buffers: x, w | b, dy and y in, the output in reductions or parameterGradients.</summary>
    private float[] Launch(string kernel, Case c, int outputs, float[]? parameterGradients = null, uint blocks = 3)
    {
        var output = new float[outputs];
        using var pins = new PinnedBuffers();
        var args = new NetDslArgs
        {
            Activations = pins.Pin(c.X), Parameters = pins.Pin(c.Parameters), Gradients = pins.Pin(c.Dy), Losses = pins.Pin(c.Y.Length > 0 ? c.Y : output),
            Reductions = pins.Pin(output), ParameterGradients = pins.Pin(parameterGradients ?? output), N = c.N,
        };
        kernels.Module.Launch($"{kernel}_{c.Index}", (blocks, 1, 1), (64, 1, 1), in args, 0);
        return output;
    }

    /// <summary>The case with y from the CUDA forward, and the CPU's y and dL/d(pre-activation).</summary>
    private (Case, float[] Y, float[] Dz) Forward(string name)
    {
        var c = new Case(name);
        c.Y = Launch("forward", c, c.N * c.G.OutSize);
        var y = new float[c.Y.Length];
        Conv2d.Forward<float>(y, c.X, c.W, c.Bias, new float[c.G.ScratchLength], c.N, c.G);
        var dz = c.Dy.ToArray();
        if (c.Fused)
        {
            Activations.TanhForward<float>(y, y);
            Activations.TanhBackward<float>(dz, c.Dy, y);
        }
        return (c, y, dz);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Forward_matches_the_cpu(string name)
    {
        var (c, y, _) = Forward(name);
        NumericAssert.Close(y, c.Y, what: name + " y");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Input_gradient_matches_the_cpu(string name)
    {
        var (c, _, dz) = Forward(name);
        var dx = new float[c.N * c.G.InSize];
        Conv2d.Backward<float>(dx, new float[c.Weights], [], dz, c.X, c.W, new float[c.G.ScratchLength], c.N, c.G);
        NumericAssert.Close(dx, Launch("input", c, dx.Length), what: name + " dx");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Weight_and_bias_gradients_add_to_what_is_there_as_on_the_cpu(string name)
    {
        var (c, _, dz) = Forward(name);
        var initial = TestData.Uniform<float>(4, c.Weights + c.G.OutChannels);
        var expected = initial.ToArray();
        Conv2d.Backward<float>([], expected.AsSpan(0, c.Weights), c.Fused ? expected.AsSpan(c.Weights) : [], dz, c.X, c.W,
            new float[c.G.ScratchLength], c.N, c.G);
        var actual = initial.ToArray();
        Launch("weights", c, 1, actual);
        NumericAssert.Close(expected, actual, what: name + " dw | db");
    }

    [Theory, MemberData(nameof(Cases))]
    public void A_block_stores_its_weight_and_bias_gradients(string name)
    {
        var (c, _, dz) = Forward(name);
        // Stale values: a block's partial sums overwrite them (sum_tiles adds tiles up); a bias-free case leaves db alone.
        var actual = Enumerable.Repeat(100f, c.Weights + c.G.OutChannels).ToArray();
        var expected = new float[actual.Length];
        Conv2d.Backward<float>([], expected.AsSpan(0, c.Weights), c.Fused ? expected.AsSpan(c.Weights) : [], dz, c.X, c.W,
            new float[c.G.ScratchLength], c.N, c.G);
        if (!c.Fused) expected.AsSpan(c.Weights).Fill(100f);
        Launch("weights_block", c, 1, actual, blocks: 1);
        NumericAssert.Close(expected, actual, what: name + " dw | db");
    }
}
