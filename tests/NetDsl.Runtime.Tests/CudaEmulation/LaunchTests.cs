using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

public sealed class LaunchTests(LaunchTests.Kernels kernels) : IClassFixture<LaunchTests.Kernels>
{
    public sealed class Kernels() : EmulatedModuleFixture("""
        #include "netdsl_abi.cuh"

        extern "C" __global__ void trap_in_thread_5_of_block_1(NetDslArgs)
        {
            if (blockIdx.x == 1 && threadIdx.x == 5) __trap();
            __syncthreads();  // the others must not wait for the thread that failed
        }

        // losses[0] = the sum of blockDim.x activations: one thread per value, a barrier per halving.
        extern "C" __global__ void sum(NetDslArgs a)
        {
            __shared__ float partial[1024];
            unsigned t = threadIdx.x;
            partial[t] = a.activations[t];
            __syncthreads();
            for (unsigned stride = blockDim.x / 2; stride > 0; stride /= 2)
            {
                if (t < stride) partial[t] += partial[t + stride];
                __syncthreads();
            }
            if (t == 0) a.losses[0] = partial[0];
        }
        """);

    [Fact]
    public void The_largest_block_synchronizes_all_1024_threads()
    {
        var x = TestData.Uniform<float>(9, 1024);
        Assert.Equal(x.Sum(v => (double)v), Sum(x, 1024), 1e-4);
    }

    [Theory]
    [InlineData(33u, 32u, 1u, "1056 threads")]  // more than 1024
    [InlineData(1u, 1u, 65u, "block (1,1,65)")]  // z above 64
    [InlineData(0u, 1u, 1u, "0 threads")]
    public void A_block_a_GPU_would_refuse_is_refused(uint x, uint y, uint z, string why)
    {
        var e = Assert.Throws<EmulatedLaunchException>(() => kernels.Module.Launch("sum", (1, 1, 1), (x, y, z), new NetDslArgs()));
        Assert.Equal(1, e.Status);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void An_empty_grid_is_refused()
    {
        var e = Assert.Throws<EmulatedLaunchException>(() => kernels.Module.Launch("sum", (4, 0, 1), (32, 1, 1), new NetDslArgs()));
        Assert.Contains("grid (4,0,1)", e.Message);
    }

    [Fact]
    public void A_thread_that_traps_fails_the_launch_and_the_module_keeps_working()
    {
        var e = Assert.Throws<EmulatedLaunchException>(() =>
            kernels.Module.Launch("trap_in_thread_5_of_block_1", (3, 1, 1), (64, 1, 1), new NetDslArgs()));
        Assert.Equal(3, e.Status);
        Assert.Contains("thread (5,0,0) of block (1,0,0) threw: __trap()", e.Message);

        var x = TestData.Uniform<float>(10, 64);
        Assert.Equal(x.Sum(v => (double)v), Sum(x, 64), 1e-5);
    }

    [Fact]
    public void Launches_from_several_threads_take_turns()
    {
        var inputs = Enumerable.Range(0, 4).Select(i => TestData.Uniform<float>(20 + i, 128)).ToArray();
        var sums = new float[inputs.Length];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = inputs.Length }, i =>
        {
            for (int repeat = 0; repeat < 5; repeat++) sums[i] = Sum(inputs[i], 128);
        });
        for (int i = 0; i < inputs.Length; i++) Assert.Equal(inputs[i].Sum(v => (double)v), sums[i], 1e-5);
    }

    [Fact]
    public void A_kernel_the_module_lacks_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => kernels.Module.Launch("missing", (1, 1, 1), (1, 1, 1), new NetDslArgs()));
        Assert.Contains("exports no missing", e.Message);
    }

    float Sum(float[] x, uint threads)
    {
        var total = new float[1];
        using var pins = new PinnedBuffers();
        kernels.Module.Launch("sum", (1, 1, 1), (threads, 1, 1), new NetDslArgs { Activations = pins.Pin(x), Losses = pins.Pin(total) });
        return total[0];
    }
}
