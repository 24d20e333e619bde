using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The emulated tensor-core primitives of cuda_emulation.h, through netdsl_tensorcore.cuh's wrappers: cvt.rna.tf32.f32
/// bit for bit, and an m16n8k8 MMA whose fragments must follow PTX's layout.
/// </summary>
public sealed class TensorCoreMmaTests(TensorCoreMmaTests.Kernels kernels) : IClassFixture<TensorCoreMmaTests.Kernels>
{
    public sealed class Kernels() : EmulatedModuleFixture("""
        #include "netdsl_tensorcore.cuh"

        // losses[i] = the bits of cvt.rna.tf32.f32(activations[i]), for the first n.
        extern "C" __global__ void round_tf32(NetDslArgs a)
        {
            for (int i = threadIdx.x; i < a.n; i += blockDim.x) a.losses[i] = __uint_as_float(netdsl::tc::to_tf32(a.activations[i]));
        }

        // One warp: D (16x8, row-major in losses) = A (16x8, row-major in activations) · B (8x8, row-major k x n in
        // parameters), fragments loaded per PTX's layout; a.training = 1 swaps a1 and a2 (rows and columns mixed up).
        extern "C" __global__ void mma_16x8x8(NetDslArgs a)
        {
            __shared__ float tiles[16 * 8 + 8 * 8];
            float* A = tiles;
            float* B = tiles + 16 * 8;
            for (int i = threadIdx.x; i < 16 * 8; i += 32) A[i] = a.activations[i];
            for (int i = threadIdx.x; i < 8 * 8; i += 32) B[i] = a.parameters[i];
            __syncthreads();
            int g = threadIdx.x / 4, t = threadIdx.x % 4;
            unsigned fa[4] = {netdsl::tc::to_tf32(A[g * 8 + t]), netdsl::tc::to_tf32(A[(g + 8) * 8 + t]),
                              netdsl::tc::to_tf32(A[g * 8 + t + 4]), netdsl::tc::to_tf32(A[(g + 8) * 8 + t + 4])};
            if (a.training) { unsigned swap = fa[1]; fa[1] = fa[2]; fa[2] = swap; }
            unsigned fb[2] = {netdsl::tc::to_tf32(B[t * 8 + g]), netdsl::tc::to_tf32(B[(t + 4) * 8 + g])};
            float d[4] = {1.0f, 1.0f, 1.0f, 1.0f};
            netdsl::tc::mma_tf32(d, fa, fb, A, 8, B, 8);
            for (int i = 0; i < 4; i++) a.losses[(g + 8 * (i >> 1)) * 8 + 2 * t + (i & 1)] = d[i];
        }
        """);

    // Round to nearest on the 13 dropped bits, ties away from zero (where round-to-even differs: 0x3f801000).
    [Theory]
    [InlineData(0x3f800000u, 0x3f800000u)]   // 1 is exact
    [InlineData(0x3f800fffu, 0x3f800000u)]   // below half: down
    [InlineData(0x3f801000u, 0x3f802000u)]   // a tie, kept bit even: away from zero (round-to-even would go down)
    [InlineData(0xbf801000u, 0xbf802000u)]   // a negative tie: away from zero too
    [InlineData(0x3f801001u, 0x3f802000u)]   // above half: up
    [InlineData(0x3fffffffu, 0x40000000u)]   // carries into the exponent: 2
    [InlineData(0x7f7ff000u, 0x7f800000u)]   // the largest floats round up to infinity
    [InlineData(0xff800000u, 0xff800000u)]   // infinities stay
    [InlineData(0x00001000u, 0x00002000u)]   // subnormals round on the same bits
    [InlineData(0x80000fffu, 0x80000000u)]   // to -0
    [InlineData(0x7f800001u, 0x7fffffffu)]   // a NaN whose payload is all in the dropped bits stays a NaN
    [InlineData(0xffc00000u, 0x7fffffffu)]   // every NaN becomes the canonical one
    public void Tf32_rounding_is_cvt_rna_bit_for_bit(uint input, uint expected)
    {
        var x = new[] { BitConverter.UInt32BitsToSingle(input) };
        var y = new float[1];
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("round_tf32", (1, 1, 1), (32, 1, 1), new NetDslArgs { Activations = pins.Pin(x), Losses = pins.Pin(y), N = 1 });
        Assert.Equal(expected.ToString("x8"), BitConverter.SingleToUInt32Bits(y[0]).ToString("x8"));
    }

    private float[] Mma(float[] a, float[] b, bool swapped)
    {
        var d = new float[16 * 8];
        using var pins = new PinnedBuffers();
        kernels.Module.Launch("mma_16x8x8", (1, 1, 1), (32, 1, 1), new NetDslArgs
        {
            Activations = pins.Pin(a), Parameters = pins.Pin(b), Losses = pins.Pin(d), Training = swapped ? 1 : 0,
        });
        return d;
    }

    // Small integers: every product and sum is exact, so D must equal 1 + A·B exactly, element by element.
    private static readonly float[] A = Enumerable.Range(0, 16 * 8).Select(i => (float)(i * 7 % 11 - 5)).ToArray();
    private static readonly float[] B = Enumerable.Range(0, 8 * 8).Select(i => (float)(i * 5 % 9 - 4)).ToArray();

    [Fact]
    public void Mma_in_the_ptx_fragment_layout_computes_d_plus_a_times_b()
    {
        var d = Mma(A, B, swapped: false);
        for (int r = 0; r < 16; r++)
            for (int c = 0; c < 8; c++)
                Assert.Equal(1 + Enumerable.Range(0, 8).Sum(k => A[r * 8 + k] * B[k * 8 + c]), d[r * 8 + c]);
    }

    [Fact]
    public void A_fragment_out_of_the_ptx_layout_fails_the_launch()
    {
        var e = Assert.Throws<EmulatedLaunchException>(() => Mma(A, B, swapped: true));
        Assert.Equal(3, e.Status);
        Assert.Matches(@"lane \d+ holds 0x[0-9a-f]{8} in a[12], but the PTX fragment layout puts A\[\d+\]\[\d\] = 0x", e.Message);
    }
}
