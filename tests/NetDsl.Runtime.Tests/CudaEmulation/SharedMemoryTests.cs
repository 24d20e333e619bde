using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

public sealed class SharedMemoryTests(SharedMemoryTests.Kernels kernels) : IClassFixture<SharedMemoryTests.Kernels>
{
    const int Threads = 256, Blocks = 16;

    public sealed class Kernels() : EmulatedModuleFixture("""
        #include "netdsl_abi.cuh"

        // losses[block] = the sum of the block's 256 activations, by a tree in shared memory.
        extern "C" __global__ void block_sum(NetDslArgs a)
        {
            __shared__ float partial[256];
            unsigned t = threadIdx.x;
            partial[t] = a.activations[blockIdx.x * blockDim.x + t];
            __syncthreads();
            for (unsigned stride = blockDim.x / 2; stride > 0; stride /= 2)
            {
                if (t < stride) partial[t] += partial[t + stride];
                __syncthreads();
            }
            if (t == 0) a.losses[blockIdx.x] = partial[0];
        }

        // block_sum without the barrier between filling shared memory and the first reads of it.
        extern "C" __global__ void racy_block_sum(NetDslArgs a)
        {
            __shared__ float partial[256];
            unsigned t = threadIdx.x;
            partial[t] = a.activations[blockIdx.x * blockDim.x + t];
            for (unsigned stride = blockDim.x / 2; stride > 0; stride /= 2)
            {
                if (t < stride) partial[t] += partial[t + stride];
                __syncthreads();
            }
            if (t == 0) a.losses[blockIdx.x] = partial[0];
        }

        // Only block 0 fills shared memory, in the kernel and in an inline helper; every block reports what it reads.
        __device__ __forceinline__ float helper_leftover()
        {
            __shared__ float values[64];
            if (blockIdx.x == 0) values[threadIdx.x] = 2.0f;
            __syncthreads();
            return values[threadIdx.x];
        }

        extern "C" __global__ void leftovers(NetDslArgs a)
        {
            __shared__ float values[64];
            if (blockIdx.x == 0) values[threadIdx.x] = 1.0f;
            __syncthreads();
            a.losses[blockIdx.x * blockDim.x + threadIdx.x] = values[threadIdx.x] + helper_leftover();
        }

        // Reverses each block's slice through dynamic shared memory of blockDim.x floats.
        extern "C" __global__ void reverse(NetDslArgs a)
        {
            extern __shared__ float tile[];
            unsigned t = threadIdx.x, base = blockIdx.x * blockDim.x;
            tile[t] = a.activations[base + t];
            __syncthreads();
            a.gradients[base + t] = tile[blockDim.x - 1 - t];
        }

        // gradients = activations minus their block's mean: dynamic bytes for the values, a static total beside them.
        extern "C" __global__ void center(NetDslArgs a)
        {
            extern __shared__ __align__(16) unsigned char bytes[];
            __shared__ float total;
            float* values = reinterpret_cast<float*>(bytes);
            unsigned t = threadIdx.x, base = blockIdx.x * blockDim.x;
            values[t] = a.activations[base + t];
            __syncthreads();
            if (t == 0)
            {
                total = 0.0f;
                for (unsigned i = 0; i < blockDim.x; i++) total += values[i];
            }
            __syncthreads();
            a.gradients[base + t] = values[t] - total / blockDim.x;
        }
        """);

    [Fact]
    public void Block_reduction_through_shared_memory_and_barriers()
    {
        var x = TestData.Uniform<float>(3, Threads * Blocks);
        NumericAssert.Close(BlockSums(x), Run("block_sum", x), 1e-5);
    }

    [Fact]
    public void Missing_barrier_before_reading_shared_memory_gives_wrong_sums()
    {
        // Threads really run at once, released lowest first, and shared memory starts as NaN: thread t < 128 reads
        // partial[t + 128] before thread t + 128, released ~128 wake-ups later, has written it. In 400 launches of this
        // kernel, idle and under full CPU load, every block came out wrong; the test asks only that one of 16 does.
        var x = TestData.Uniform<float>(4, Threads * Blocks);
        var expected = BlockSums(x);
        var actual = Run("racy_block_sum", x);
        Assert.Contains(Enumerable.Range(0, Blocks), b => !(Math.Abs(actual[b] - expected[b]) <= 1e-4f));
    }

    [Fact]
    public void Shared_memory_starts_every_block_as_garbage_not_as_the_last_block_left_it()
    {
        var seen = new float[2 * 64];
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("leftovers", (2, 1, 1), (64, 1, 1), new NetDslArgs { Losses = pins.Pin(seen) });

        Assert.All(seen[..64], v => Assert.Equal(3f, v));
        Assert.All(seen[64..], v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Extern_shared_memory_is_sized_by_the_launch()
    {
        const int threads = 100, blocks = 3;  // a partial last warp
        var x = TestData.Uniform<float>(5, threads * blocks);
        var y = new float[x.Length];
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("reverse", (blocks, 1, 1), (threads, 1, 1),
                new NetDslArgs { Activations = pins.Pin(x), Gradients = pins.Pin(y) }, sharedBytes: threads * sizeof(float));

        var expected = x.Chunk(threads).SelectMany(block => block.Reverse()).ToArray();
        Assert.Equal(expected, y);
    }

    [Fact]
    public void Extern_and_static_shared_memory_work_side_by_side()
    {
        const int threads = 64, blocks = 4;
        var x = TestData.Uniform<float>(6, threads * blocks);
        var y = new float[x.Length];
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("center", (blocks, 1, 1), (threads, 1, 1),
                new NetDslArgs { Activations = pins.Pin(x), Gradients = pins.Pin(y) }, sharedBytes: threads * sizeof(float));

        var expected = x.Chunk(threads).SelectMany(block => block.Select(v => v - block.Sum() / threads)).ToArray();
        NumericAssert.Close(expected, y, 1e-5);
    }

    [Fact]
    public void More_dynamic_shared_memory_than_a_GPU_block_gets_is_refused()
    {
        var e = Assert.Throws<EmulatedLaunchException>(() =>
            kernels.Module.Launch("reverse", (1, 1, 1), (32, 1, 1), new NetDslArgs(), sharedBytes: 300_000));
        Assert.Equal(2, e.Status);
        Assert.Contains("300000 bytes of dynamic shared memory", e.Message);
    }

    float[] Run(string kernel, float[] x)
    {
        var sums = new float[Blocks];
        using var pins = new PinnedBuffers();
        kernels.Module.Launch(kernel, (Blocks, 1, 1), (Threads, 1, 1),
            new NetDslArgs { Activations = pins.Pin(x), Losses = pins.Pin(sums) });
        return sums;
    }

    static float[] BlockSums(float[] x) => x.Chunk(Threads).Select(block => (float)block.Sum(v => (double)v)).ToArray();
}
