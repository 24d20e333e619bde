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

    /// <summary>
    /// netdsl::Divider (one multiply-high and a shift) equals integer division for every divisor a shape can have and
    /// numerators up to 2³¹ − 1: each thread takes divisors d ≡ thread (mod 64) up to 70,000 and checks numerators around
    /// multiples of d, powers of two and the top of the range. Counts the mismatches per thread.
    /// </summary>
    [Fact]
    public void Divider_divides_exactly_below_two_to_the_31()
    {
        const string source = """
            #include "netdsl_kernels.cuh"

            extern "C" __global__ void divide(NetDslArgs a)
            {
                int wrong = 0;
                for (int d = 1 + threadIdx.x; d <= 70000; d += blockDim.x)
                {
                    netdsl::Divider by(d);
                    int numerators[] = {0, 1, d - 1, d, d + 1, 7 * d - 1, 7 * d, 1 << 20, (1 << 30) + 12345, 2147483647, 2147483647 - d};
                    for (int n : numerators)
                        if (n >= 0 && by.div(n) != n / d) wrong++;
                    for (long long m = 1; m * d < 2147483647LL; m = m * 3 + 1)
                        for (int e = -1; e <= 1; e++)
                        {
                            long long n = m * d + e;
                            if (n >= 0 && n <= 2147483647LL && by.div((int)n) != (int)(n / d)) wrong++;
                        }
                }
                a.losses[threadIdx.x] = (float)wrong;
            }
            """;
        const int threads = 64;
        var wrong = new float[threads];
        using (var module = EmulatedCudaModule.Compile(source))
        using (var pins = new PinnedBuffers())
            module.Launch("divide", (1, 1, 1), (threads, 1, 1), new NetDslArgs { Losses = pins.Pin(wrong) });

        Assert.All(wrong, count => Assert.Equal(0f, count));
    }
}
