using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

public sealed class MathTests
{
    [Fact]
    public void Device_math_functions_match_their_definitions()
    {
        const string source = """
            #include "netdsl_abi.cuh"

            extern "C" __global__ void functions(NetDslArgs a)
            {
                int i = threadIdx.x;
                float x = a.activations[i];
                float* y = a.gradients + 16 * i;
                y[0] = expf(x);  y[1] = logf(fabsf(x));  y[2] = sqrtf(fabsf(x));  y[3] = rsqrtf(fabsf(x));
                y[4] = tanhf(x);  y[5] = fmaxf(x, 0.5f);  y[6] = fminf(x, 0.5f);  y[7] = __expf(x);
                y[8] = __logf(fabsf(x));  y[9] = __fdividef(1.0f, x);  y[10] = fmaf(x, x, 1.0f);
                y[11] = __uint_as_float(__float_as_uint(x) ^ 0x80000000u);  // the sign bit
                y[12] = min(i, 3) + max(i, 3);  y[13] = max(-1, 2u) == 0xffffffffu;  // int with unsigned is unsigned
                y[14] = x > 0.0f ? INFINITY : -INFINITY;  y[15] = max(x, 0.25f);
            }
            """;
        const int threads = 8;
        var x = TestData.Uniform<float>(11, threads, -2, 2);
        var y = new float[16 * threads];
        using (var module = EmulatedCudaModule.Compile(source))
        using (var pins = new PinnedBuffers())
            module.Launch("functions", (1, 1, 1), (threads, 1, 1), new NetDslArgs { Activations = pins.Pin(x), Gradients = pins.Pin(y) });

        var expected = x.SelectMany((v, i) => new[]
        {
            MathF.Exp(v), MathF.Log(MathF.Abs(v)), MathF.Sqrt(MathF.Abs(v)), 1 / MathF.Sqrt(MathF.Abs(v)),
            MathF.Tanh(v), MathF.Max(v, 0.5f), MathF.Min(v, 0.5f), MathF.Exp(v),
            MathF.Log(MathF.Abs(v)), 1 / v, v * v + 1, -v,
            Math.Min(i, 3) + Math.Max(i, 3), 1f, v > 0 ? float.PositiveInfinity : float.NegativeInfinity, MathF.Max(v, 0.25f),
        }).ToArray();
        NumericAssert.Close(expected, y, 1e-6);
    }
}
