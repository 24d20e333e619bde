using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

public sealed class WarpTests(WarpTests.Kernels kernels) : IClassFixture<WarpTests.Kernels>
{
    public sealed class Kernels() : EmulatedModuleFixture("""
        #include "netdsl_abi.cuh"

        __device__ __forceinline__ float warp_sum(float v)
        {
            for (int offset = warpSize / 2; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
            return v;
        }

        // losses[block] = the block's sum: shuffles within each warp, then the first warp over the warps' sums.
        extern "C" __global__ void __launch_bounds__(256) block_sum(NetDslArgs a)
        {
            __shared__ float warps[32];
            unsigned lane = threadIdx.x % warpSize, warp = threadIdx.x / warpSize;
            float v = warp_sum(a.activations[blockIdx.x * blockDim.x + threadIdx.x]);
            if (lane == 0) warps[warp] = v;
            __syncthreads();
            if (warp == 0)
            {
                v = warp_sum(lane < blockDim.x / warpSize ? warps[lane] : 0.0f);
                if (lane == 0) a.losses[blockIdx.x] = v;
            }
        }

        // Per thread: [butterfly total of its warp, inclusive scan within 16-lane segments, lane 3 of its 8-lane segment].
        extern "C" __global__ void shuffles(NetDslArgs a)
        {
            unsigned i = blockIdx.x * blockDim.x + threadIdx.x, lane = threadIdx.x % warpSize;
            float x = a.activations[i];
            float total = x;
            for (int mask = 16; mask > 0; mask /= 2) total += __shfl_xor_sync(0xffffffffu, total, mask);
            float scan = x;
            for (unsigned delta = 1; delta < 16; delta *= 2)
            {
                float before = __shfl_up_sync(0xffffffffu, scan, delta, 16);
                if (lane % 16 >= delta) scan += before;
            }
            a.gradients[3 * i] = total;
            a.gradients[3 * i + 1] = scan;
            a.gradients[3 * i + 2] = __shfl_sync(0xffffffffu, x, 3, 8);
        }

        // Per thread: [ballot, any, all] of "lane is odd" and of "lane < 40 in the block".
        extern "C" __global__ void votes(NetDslArgs a)
        {
            unsigned t = threadIdx.x;
            unsigned ballot = __ballot_sync(0xffffffffu, t % 2);
            int any = __any_sync(0xffffffffu, t >= 40), all = __all_sync(0xffffffffu, t < 40);
            a.gradients[3 * t] = __uint_as_float(ballot);  // the bits, which a float value could not hold
            a.gradients[3 * t + 1] = any;
            a.gradients[3 * t + 2] = all;
        }

        // Per thread of a 2-D block: threadIdx.y of lane 31 in its warp (warps are runs of 32 in x-fastest order).
        extern "C" __global__ void last_lane_row(NetDslArgs a)
        {
            a.gradients[threadIdx.y * blockDim.x + threadIdx.x] = __shfl_sync(0xffffffffu, static_cast<int>(threadIdx.y), 31);
        }

        // A half-warp mask, which the emulation does not model.
        extern "C" __global__ void half_warp(NetDslArgs a)
        {
            if (threadIdx.x < 16) a.losses[threadIdx.x] = __shfl_down_sync(0x0000ffffu, 1.0f, 1);
        }
        """);

    [Fact]
    public void Warp_shuffle_reduction_of_blocks()
    {
        const int threads = 256, blocks = 6;
        var x = TestData.Uniform<float>(7, threads * blocks);
        var sums = new float[blocks];
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("block_sum", (blocks, 1, 1), (threads, 1, 1),
                new NetDslArgs { Activations = pins.Pin(x), Losses = pins.Pin(sums) });

        NumericAssert.Close(x.Chunk(threads).Select(b => (float)b.Sum(v => (double)v)).ToArray(), sums, 1e-5);
    }

    [Fact]
    public void Xor_up_and_indexed_shuffles_follow_CUDA_lane_rules()
    {
        const int threads = 64;
        var x = Enumerable.Range(0, threads).Select(i => (float)(i * i % 17)).ToArray();  // small integers: exact sums
        var y = new float[3 * threads];
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("shuffles", (1, 1, 1), (threads, 1, 1),
                new NetDslArgs { Activations = pins.Pin(x), Gradients = pins.Pin(y) });

        for (int i = 0; i < threads; i++)
        {
            int warp = i / 32 * 32, segment16 = i / 16 * 16, segment8 = i / 8 * 8;
            Assert.Equal(x[warp..(warp + 32)].Sum(), y[3 * i]);
            Assert.Equal(x[segment16..(i + 1)].Sum(), y[3 * i + 1]);
            Assert.Equal(x[segment8 + 3], y[3 * i + 2]);
        }
    }

    [Fact]
    public void Votes_count_only_the_lanes_of_a_partial_warp()
    {
        const int threads = 48;  // the second warp has 16 lanes
        var y = new float[3 * threads];
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("votes", (1, 1, 1), (threads, 1, 1), new NetDslArgs { Gradients = pins.Pin(y) });

        for (int t = 0; t < threads; t++)
        {
            bool first = t < 32;
            Assert.Equal(first ? 0xAAAAAAAAu : 0xAAAAu, BitConverter.SingleToUInt32Bits(y[3 * t]));
            Assert.Equal(first ? 0f : 1f, y[3 * t + 1]);
            Assert.Equal(first ? 1f : 0f, y[3 * t + 2]);
        }
    }

    [Fact]
    public void Warps_of_a_two_dimensional_block_are_runs_of_32_threads_in_x_fastest_order()
    {
        var y = new float[16 * 4];
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("last_lane_row", (1, 1, 1), (16, 4, 1), new NetDslArgs { Gradients = pins.Pin(y) });

        // Warp w holds rows 2w and 2w + 1; its lane 31 is the end of row 2w + 1.
        Assert.Equal(Enumerable.Range(0, 64).Select(t => (float)(t / 32 * 2 + 1)), y);
    }

    [Fact]
    public void A_mask_leaving_out_live_lanes_is_reported_not_guessed()
    {
        var e = Assert.Throws<EmulatedLaunchException>(() =>
            kernels.Module.Launch("half_warp", (1, 1, 1), (32, 1, 1), new NetDslArgs { Losses = default }));
        Assert.Equal(3, e.Status);
        Assert.Contains("__shfl_down_sync: mask 0x0000ffff leaves out lanes", e.Message);
    }
}
