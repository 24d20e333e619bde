using NetDsl.Runtime.Cpu;
using NetDsl.Runtime.Cuda;
using NetDsl.Runtime.Tests.Kernels;
using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;
using Kind = NetDsl.Runtime.Tests.Kernels.ActivationsTests.Kind;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The parameterized activation types of netdsl_kernels.cuh (LeakyRelu&lt;slope bits&gt;, Elu&lt;alpha bits&gt;, Gelu)
/// against the CPU's Activations: on their own (activation_forward/backward) and, for those that fuse, inside a dense
/// layer, whose backward recovers dL/d(pre-activation) from the stored output.
/// </summary>
public sealed class ActivationKernelTests(ActivationKernelTests.Kernels kernels) : IClassFixture<ActivationKernelTests.Kernels>
{
    const int In = 13, Out = 7, Samples = 5, Length = 300;

    static readonly Kind[] Tested = [Kind.LeakyRelu, Kind.LeakyReluZeroSlope, Kind.Elu, Kind.EluHalf, Kind.Gelu];
    static bool Fuses(Kind kind) => kind != Kind.Gelu;   // GELU's backward needs x, which a fused layer does not keep

    public static TheoryData<Kind> All => new(Tested);
    public static TheoryData<Kind> Fusing => new(Tested.Where(Fuses));

    /// <summary>The CUDA type: a parameter travels as its float's bits, as the generator writes it.</summary>
    static string Type(Kind kind) => kind switch
    {
        Kind.LeakyRelu or Kind.LeakyReluZeroSlope => $"netdsl::LeakyRelu<{BitConverter.SingleToInt32Bits((float)ActivationsTests.Slope(kind))}>",
        Kind.Elu or Kind.EluHalf => $"netdsl::Elu<{BitConverter.SingleToInt32Bits((float)ActivationsTests.Alpha(kind))}>",
        _ => "netdsl::Gelu",
    };

    public sealed class Kernels() : EmulatedModuleFixture("#include \"netdsl_kernels.cuh\"\n" + string.Concat(Tested.Select(Source)));

    // x in activations, y in losses, dy in gradients, w | b in parameters; outputs to reductions or parameterGradients.
    static string Source(Kind kind) => $$"""
        extern "C" __global__ void forward_{{kind}}(NetDslArgs a) { netdsl::activation_forward<{{Type(kind)}}>(a.reductions, a.activations, a.n); }
        extern "C" __global__ void backward_{{kind}}(NetDslArgs a) { netdsl::activation_backward<{{Type(kind)}}>(a.reductions, a.gradients, a.activations, a.losses, a.n); }

        """ + (!Fuses(kind) ? "" : $$"""
        extern "C" __global__ void dense_forward_{{kind}}(NetDslArgs a) { netdsl::dense_forward<{{In}}, {{Out}}, {{Type(kind)}}>(a.reductions, a.activations, a.parameters, a.parameters + {{In * Out}}, a.n); }
        extern "C" __global__ void dense_input_{{kind}}(NetDslArgs a) { netdsl::dense_backward_input<{{In}}, {{Out}}, {{Type(kind)}}>(a.reductions, a.gradients, a.losses, a.parameters, a.n); }
        extern "C" __global__ void dense_weights_{{kind}}(NetDslArgs a) { netdsl::dense_backward_weights<{{In}}, {{Out}}, {{Type(kind)}}>(a.parameterGradients, a.parameterGradients + {{In * Out}}, a.gradients, a.losses, a.activations, a.n); }

        """);

    float[] Launch(string kernel, float[] x, float[] y, float[] dy, float[] parameters, int n, int outputs, float[]? parameterGradients = null)
    {
        var output = new float[outputs];
        using var pins = new PinnedBuffers();
        var args = new NetDslArgs
        {
            Activations = pins.Pin(x), Losses = pins.Pin(y), Gradients = pins.Pin(dy), Parameters = pins.Pin(parameters),
            Reductions = pins.Pin(output), ParameterGradients = pins.Pin(parameterGradients ?? output), N = n,
        };
        kernels.Module.Launch(kernel, (3, 1, 1), (32, 1, 1), in args);   // 96 threads striding over every output
        return output;
    }

    [Theory, MemberData(nameof(All))]
    public void Activation_layer_matches_the_cpu(Kind kind)
    {
        // Wide enough for ELU's saturation and GELU's erf tails; ±0 and exact kinks included.
        var x = TestData.Uniform<float>(1, Length, -8, 8);
        x[0] = 0; x[1] = -0f;
        var dy = TestData.Uniform<float>(2, Length);
        var y = new float[Length];
        var dx = new float[Length];
        ActivationsTests.Forward<float>(kind, y, x);
        ActivationsTests.Backward<float>(kind, dx, dy, x, y);

        var gpuY = Launch($"forward_{kind}", x, [], [], [], Length, Length);
        var gpuDx = Launch($"backward_{kind}", x, y, dy, [], Length, Length);

        // Single-precision expf/erff against the CPU's (GELU: double rounded once): a few ulps apart, so 1e-6 of
        // max(1, |value|); a wrong branch or constant is off by far more.
        NumericAssert.Close(y, gpuY, 1e-6, "y");
        NumericAssert.Close(dx, gpuDx, 1e-6, "dx");
    }

    [Theory, MemberData(nameof(Fusing))]
    public void Dense_layer_fused_with_the_activation_matches_the_cpu(Kind kind)
    {
        var x = TestData.Uniform<float>(1, Samples * In, -2, 2);
        var parameters = TestData.Uniform<float>(2, Out * In + Out);
        var dy = TestData.Uniform<float>(3, Samples * Out);
        var w = parameters.AsSpan(0, Out * In);
        var b = parameters.AsSpan(Out * In);

        var z = new float[Samples * Out];
        var y = new float[Samples * Out];
        Dense.Forward<float>(z, x, w, b, Samples, In, Out);
        ActivationsTests.Forward<float>(kind, y, z);
        var dz = new float[Samples * Out];
        ActivationsTests.Backward<float>(kind, dz, dy, z, y);
        var dx = new float[Samples * In];
        var initial = TestData.Uniform<float>(4, Out * In + Out);   // weight gradients add to what is there
        var gradients = (float[])initial.Clone();
        Dense.Backward<float>(dx, gradients.AsSpan(0, Out * In), gradients.AsSpan(Out * In), dz, x, w, Samples, In, Out);

        var gpuY = Launch($"dense_forward_{kind}", x, [], [], parameters, Samples, y.Length);
        var gpuDx = Launch($"dense_input_{kind}", x, y, dy, parameters, Samples, dx.Length);
        var gpuGradients = (float[])initial.Clone();
        Launch($"dense_weights_{kind}", x, y, dy, parameters, Samples, 1, gpuGradients);

        // Sums of 13 (or 5) float products in different orders: within 1e-5 of the largest magnitude.
        NumericAssert.CloseToLargest(y, gpuY, 1e-5, "y", "cpu", "emulated cuda");
        NumericAssert.CloseToLargest(dx, gpuDx, 1e-5, "dx", "cpu", "emulated cuda");
        NumericAssert.CloseToLargest(gradients, gpuGradients, 1e-5, "dw | db", "cpu", "emulated cuda");
    }
}
